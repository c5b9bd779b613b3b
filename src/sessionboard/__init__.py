"""sessionboard: one terminal console for sessions held in several services."""

__version__ = "0.1.0"
