"""The entry points of CONFIG.md."""
