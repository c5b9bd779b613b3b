"""The console's widgets, grouped by feature; each carries its own DEFAULT_CSS."""
