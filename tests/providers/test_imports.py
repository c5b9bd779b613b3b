"""What importing costs: the console paints its board before it imports the adapters, and the
adapters import httpx without its command-line client. Each check runs in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout
    return set(out.split())


def test_the_board_is_imported_without_the_adapters_httpx_or_asyncssh() -> None:
    loaded = _modules_after("import sessionboard.ui.app, sessionboard.ui.demo, sessionboard.cli.main")
    assert "sessionboard.ui.screens.main" in loaded
    assert not {"httpx", "sessionboard.providers", "asyncssh", "uvicorn", "pydantic"} & loaded


def test_the_adapters_import_httpx_without_its_command_line_client() -> None:
    code = (
        "import sessionboard.providers, httpx, sys\n"
        "assert httpx.main.__module__ == 'httpx' and 'httpx._main' not in sys.modules"
    )
    loaded = _modules_after(code)
    assert "httpx" in loaded and not {"httpx._main", "click", "pygments"} & loaded
