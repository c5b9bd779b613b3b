"""Where the CLI starts the console."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sessionboard.config import Config, GeneratedConfig
    from sessionboard.ui.app import SessionboardApp


def run_console(
    config: Config | GeneratedConfig | None,
    *,
    title: str = "sessionboard",
    problems: list[str] | None = None,
    app_class: type[SessionboardApp] | Callable[[], type[SessionboardApp]] | None = None,
) -> int:
    """Run the console until the user quits; None shows how to begin instead of the board.
    `app_class` may be a function returning the class, called once Textual may be imported.

    Returns the exit status. A failure inside the app ends as one line on stderr, never a traceback.

    The cyclic garbage collector is off until the board is on the screen: start-up (importing
    Textual, building the board) makes long-lived objects, not garbage, and the collections it
    triggered cost a tenth of the time to the first frame. The app collects once then, freezes
    what start-up made (so later full collections skip it) and turns the collector back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        from sessionboard.ui.app import SessionboardApp

        if app_class is None:
            app_class = SessionboardApp
        elif not isinstance(app_class, type):
            app_class = app_class()
        app = app_class(config, title=title, problems=problems, collect_after_start=True)
        result = app.run()
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the last boundary before the user's terminal
        print(f"sessionboard: the console stopped: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        if was_enabled:
            gc.enable()
    if app.return_code not in (None, 0):
        return app.return_code
    return result if isinstance(result, int) else 0
