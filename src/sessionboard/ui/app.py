"""The Textual app: loads the themes, applies the user's keys, and shows the board (or, without a
configuration, how to begin). Providers are built here so tests can hand in their own transports."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.notifications import Notify, SeverityLevel
from textual.screen import Screen
from textual.theme import Theme

from sessionboard.config import DEFAULT_THEME, GeneratedConfig, user_themes_dir
from sessionboard.model import safe_text
from sessionboard.ui.clock import Now, system_now
from sessionboard.ui.keys import keymap
from sessionboard.ui.plain import LINE_LIMIT, MESSAGE_LIMIT
from sessionboard.ui.screens.main import MainScreen
from sessionboard.ui.theming import load_themes
from sessionboard.ui.toasts import SafeNotification

if TYPE_CHECKING:
    from sessionboard.config import Config
    from sessionboard.config.state import ConsoleState
    from sessionboard.providers import Provider

FALLBACK_THEME = DEFAULT_THEME


def _session_commands() -> type:
    """Imported when the palette first opens: `textual.command` is not needed to start."""
    from sessionboard.ui.commands import SessionCommands

    return SessionCommands


class SessionboardApp(App[int]):
    CSS_PATH = Path(__file__).parent / "app.tcss"
    """Absolute: Textual resolves a relative CSS_PATH against the file of the (sub)class."""
    COMMANDS = App.COMMANDS | {_session_commands}
    ENABLE_COMMAND_PALETTE = True
    attach_options: dict[str, Any] = {}
    """Extra options for the SSH transport of attached terminals (`ssh_config`, `use_agent`):
    the demo and the tests keep the user's ~/.ssh/config and agent out of their own servers."""

    def __init__(
        self,
        config: Config | GeneratedConfig | None,
        *,
        title: str = "sessionboard",
        providers: list[Provider] | None = None,
        now: Now = system_now,
        autopoll: bool = True,
        themes_dir: Path | None = None,
        problems: list[str] | None = None,
        collect_after_start: bool = False,
        state_path: Path | None = None,
    ) -> None:
        """`config`: a validated `Config`; or the demo's `GeneratedConfig`, validated once the
        board's first frame is painted (everything before that reads only its `outline`); or None,
        which shows how to begin. `collect_after_start`: the caller turned the garbage collector
        off for the start (`run_console`); it is turned back on once the first screen is up.
        `state_path`: where the console's own choices (theme, sort) are read and kept; by default
        the user's state file when the config came from a file, none otherwise (the demo, tests)."""
        super().__init__()
        self._collect_after_start = collect_after_start
        self._config = config
        self.outline = config.outline() if config is not None else None
        self.title_text = title
        self.title = title
        self.now = now
        self.autopoll = autopoll
        self.welcome_problems = problems
        self.keys: dict[str, str] = dict(self.outline.keys) if self.outline else {}
        self._providers = providers
        loaded = load_themes(user_themes_dir() if themes_dir is None else themes_dir)
        self.theme_problems = loaded.problems
        for theme in loaded.themes:
            self.register_theme(theme)
        self.state_path = state_path
        if state_path is None and self.outline is not None and self.outline.path is not None:
            from sessionboard.config.paths import state_file_path

            self.state_path = state_file_path()
        self.state, self.state_problem = self._read_state()
        configured = self.outline.theme if self.outline else FALLBACK_THEME
        wanted = self.state.theme_for(configured)
        if wanted != configured and wanted not in self.available_themes:
            wanted = configured  # the picked theme's file is gone: the config's, as if never picked
        self.theme_missing: str | None = None
        if wanted not in self.available_themes:
            self.theme_missing = wanted
            wanted = FALLBACK_THEME
        self.theme = wanted
        self._saved_theme = wanted
        if self.outline is not None:
            self.set_keymap(keymap(self.outline.keys))

    def _read_state(self) -> tuple[ConsoleState, str | None]:
        from sessionboard.config.state import ConsoleState, load_state

        if self.state_path is None:
            return ConsoleState(), None
        return load_state(self.state_path)

    def remember(self, **choices: Any) -> None:
        """Keep a choice made in the console (`theme=`, `sort=`, `sort_reverse=`, `columns=`) in the
        state file, when there is one; a failure to write is one warning, the choice still holds."""
        from dataclasses import replace

        self.state = replace(self.state, **choices)
        if self.state_path is None:
            return
        from sessionboard.config.state import save_state

        try:
            save_state(self.state_path, self.state)
        except OSError as exc:
            self.notify(
                f"choice not kept for the next start: {exc.strerror or type(exc).__name__} ({self.state_path})",
                severity="warning", markup=False,
            )

    @property
    def config(self) -> Config | None:
        """The validated config (a generated one is validated here, on first use, and kept)."""
        if isinstance(self._config, GeneratedConfig):
            self._config = self._config.validate()
        return self._config

    def _board_config(self) -> Config:
        config = self.config
        assert config is not None  # the board is shown only with a config
        return config

    async def attach_ready(self, target: Any) -> None:
        """Awaited in a terminal pane's task before it connects to `target` (the demo waits here
        for its SSH server); raising `TerminalClosed` ends the pane with that reason."""

    def get_default_screen(self) -> Screen[Any]:
        """The board (or the welcome screen) is the first screen itself, not pushed over Textual's
        empty default one: that screen was styled, laid out and painted for nothing at start."""
        if self.outline is None:
            from sessionboard.ui.screens.welcome import WelcomeScreen  # only without a config

            return WelcomeScreen(self.welcome_problems)
        # Without providers given (tests give theirs), the board makes them after its first
        # frame: the adapters and httpx are not needed to paint it.
        return MainScreen(
            self._providers, outline=self.outline, config=self._board_config, now=self.now, autopoll=self.autopoll
        )

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast passes the trust boundary here, whoever raises it (a widget's or a screen's
        `notify` is the app's): its text goes through `safe_text`, bounded, and is never read as
        markup, whatever `markup` says. Toasts carry provider ids and error messages, and a toast
        read as markup turned `[@click=app.quit]` in an id into a link that quit the console."""
        # As `App.notify` does, with a notification whose toast cannot hang the loop (ui/toasts.py).
        notification = SafeNotification(
            safe_text(message, limit=MESSAGE_LIMIT),
            safe_text(title, limit=LINE_LIMIT),
            severity,
            self.NOTIFICATION_TIMEOUT if timeout is None else timeout,
            markup=False,
        )
        self.post_message(Notify(notification))

    def on_main_screen_shown(self, message: MainScreen.Shown) -> None:
        self._start_collecting()

    def _start_collecting(self) -> None:
        """Once, after the first screen (and, for the board, its adapters) are made: one collection,
        then what start-up made is frozen out of every later collection, then the collector runs."""
        if self._collect_after_start:
            self._collect_after_start = False
            gc.collect()
            gc.freeze()
            gc.enable()

    def on_mount(self) -> None:
        if self.outline is None:
            self._start_collecting()  # the welcome screen: nothing more to make
        for problem in self.theme_problems:
            self.notify(f"theme skipped: {problem}", severity="warning", timeout=8)
        if self.state_problem:
            self.notify(self.state_problem, severity="warning", timeout=8, markup=False)
        if self.theme_missing:
            self.notify(
                f"theme {self.theme_missing!r} not found; using {FALLBACK_THEME}. "
                "Put a theme file in the user themes dir (`sessionboard locate`).",
                severity="warning",
                timeout=8,
            )
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self._exit_on_hangup()

    def _exit_on_hangup(self) -> None:
        """A closed terminal window (SIGHUP) or a `kill` (SIGTERM) ends the console as `q` does,
        so what it started (terminal helpers, the demo's children and files) is cleaned up;
        Textual's own driver leaves both signals to their default, which kills at once."""
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, self.exit, 128 + signum)

    async def action_quit(self) -> None:
        """ctrl+q and the palette's Quit ask first too while terminals are attached (as `q` does)."""
        board = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        if board is not None and board.terminals is not None and board.terminals.live_count:
            if self.screen is board:
                board.action_quit()
            return
        self.exit(0)

    def _fatal_error(self) -> None:
        """A bug that escaped every handler ends the console with one line, never a traceback:
        Textual's own report shows every frame's locals, which may hold request headers."""
        error = self._exception
        where = ""
        tb = error.__traceback__ if error is not None else None
        while tb is not None:
            if "sessionboard" in tb.tb_frame.f_code.co_filename:
                where = f" at {tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}"
            tb = tb.tb_next
        kind = type(error).__name__ if error is not None else "unknown error"
        self._exit_renderables.append(
            f"sessionboard: the console stopped on an internal error ({kind}{where}); please report it"
        )
        self.bell()
        self._close_messages_no_wait()

    def _theme_changed(self, theme: Theme) -> None:
        """A theme chosen in the app is kept in the state file (never in the config file), with
        the config's theme it replaced: once the file names another, the file wins."""
        if theme.name == self._saved_theme:
            return
        self._saved_theme = theme.name
        configured = self.outline.theme if self.outline else FALLBACK_THEME
        self.remember(theme=theme.name, theme_over=configured)
