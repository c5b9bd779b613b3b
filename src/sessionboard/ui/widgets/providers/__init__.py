"""The provider panel: each provider's health, and the per-provider view of the table."""

from sessionboard.ui.widgets.providers.panel import ALL_ID, ProviderPanel, ProviderStatus

__all__ = ["ALL_ID", "ProviderPanel", "ProviderStatus"]
