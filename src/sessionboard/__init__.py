"""sessionboard: one terminal console for sessions held in several services."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """`__version__`, read from the installed metadata on first use: pyproject.toml is the one
    place the version is written. Lazy, because importlib.metadata costs ~25 ms and the console's
    start-up is measured against a minimal Textual app."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("sessionboard")
    except PackageNotFoundError:  # a source tree that was never installed
        value = "0+unknown"
    globals()["__version__"] = value
    return value
