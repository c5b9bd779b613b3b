"""httpx, imported without its command-line client.

httpx imports `httpx._main` (its `httpx` command) whenever click is installed, and uvicorn brings
click: with click and pygments that is about half of httpx's import time (~50 ms of ~110 here),
paid before the console's first poll and by every CLI command, for a `main` sessionboard never
calls. With that module marked absent while httpx is first imported, httpx takes its own fallback
for installs without its "cli" extra (a stub `main`). The mark is removed afterwards, so an explicit
`import httpx._main` still works; an httpx that cannot do without the module is imported as it is.

The adapters import httpx from here, so this runs before httpx's first import in the console.
"""

from __future__ import annotations

import sys


def _import_without_cli() -> None:
    if "httpx" in sys.modules or "httpx._main" in sys.modules:
        return
    sys.modules["httpx._main"] = None  # type: ignore[assignment]
    try:
        import httpx  # noqa: F401
    except ImportError:
        pass
    finally:
        del sys.modules["httpx._main"]


_import_without_cli()

import httpx  # noqa: E402

__all__ = ["httpx"]
