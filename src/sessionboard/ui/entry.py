"""Where the CLI starts the console."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from sessionboard.config import Config

if TYPE_CHECKING:
    from sessionboard.ui.app import SessionboardApp


def run_console(
    config: Config | None,
    *,
    title: str = "sessionboard",
    problems: list[str] | None = None,
    app_class: type[SessionboardApp] | None = None,
) -> int:
    """Run the console until the user quits; None shows how to begin instead of the board.

    Returns the exit status. A failure inside the app ends as one line on stderr, never a traceback.
    """
    from sessionboard.ui.app import SessionboardApp

    app = (app_class or SessionboardApp)(config, title=title, problems=problems)
    try:
        result = app.run()
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the last boundary before the user's terminal
        print(f"sessionboard: the console stopped: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    if app.return_code not in (None, 0):
        return app.return_code
    return result if isinstance(result, int) else 0
