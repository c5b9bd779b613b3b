"""The board: the provider panel, the merged session table and the detail pane.

This screen owns the pollers (one per provider, started on mount, stopped on unmount) and runs
every network action in a worker; widgets only show what the messages bring.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from sessionboard.config import Outline
from sessionboard.errors import ProviderError
from sessionboard.model import Capability, Session, SessionKey, safe_text
from sessionboard.poller import KeepEnded, PollerGroup, ProviderPoller, Snapshot
from sessionboard.ui.clock import Now
from sessionboard.ui.keys import PRIORITY_ACTIONS, build_bindings, endpoint_bindings
from sessionboard.ui.messages import ActionFinished, ActionResult, SnapshotArrived
from sessionboard.ui.plain import LINE_LIMIT
from sessionboard.ui.screens.endpoints import EndpointActions

# The dialogs are imported where they open: fewer widgets to import before the first screen.
from sessionboard.ui.widgets.detail import DetailPane
from sessionboard.ui.widgets.keys import KeyBar
from sessionboard.ui.widgets.providers import ProviderPanel, ProviderStatus
from sessionboard.ui.widgets.sessions import SessionTable

if TYPE_CHECKING:
    from sessionboard.config import Config
    from sessionboard.providers.lease import LeaseChange
    from sessionboard.ui.screens.create import CreateScreen
    from sessionboard.providers import Provider
    from sessionboard.terminal.widget import TerminalView
    from sessionboard.ui.app import SessionboardApp
    from sessionboard.ui.widgets.terminal import TerminalPane, TerminalTabs

NARROW_WIDTH = 120
"""Below this many columns the providers go above the table, one line each."""
SIDE_DETAIL_WIDTH = 180
"""Below this many columns the detail pane leaves the side and opens below the table on `enter`."""


def _label(session: Session) -> str:
    """A session as the notices and dialogs name it: its name and id, made safe to show."""
    ident = safe_text(session.id)
    return f"{safe_text(session.name)} ({ident})" if session.name else ident


class DetailFetched(Message):
    def __init__(self, key: SessionKey, session: Session | None, note: str | None) -> None:
        super().__init__()
        self.key = key
        self.session = session
        self.note = note


class MainScreen(EndpointActions, Screen[None]):
    class Shown(Message):
        """The board's first frame has been painted (posted once; it bubbles to the app)."""

    DETAIL_DELAY = 0.25
    """Seconds the cursor rests on a row before its provider's "get" is fetched."""
    BINDINGS = [
        *build_bindings(),
        *endpoint_bindings(),
        Binding("escape", "escape", "Back", show=False),
    ]

    def __init__(
        self,
        providers: list[Provider] | None,
        *,
        outline: Outline,
        config: Callable[[], Config],
        now: Now,
        autopoll: bool = True,
    ) -> None:
        """The board is composed from `outline`. `config` gives the validated config; with
        `providers=None` it is first asked for once the board's first frame is painted, and the
        providers are made from it then, so that the models, the adapters and httpx are imported
        after the board is on the screen, not before."""
        super().__init__()
        self.outline = outline
        self._config = config
        self.now = now
        self.autopoll = autopoll
        self.providers: dict[str, Provider] = {}
        self.pollers = PollerGroup([])
        self._providers_to_make = providers is None
        listed = outline.providers if providers is None else providers
        self.statuses = {p.name: ProviderStatus(p.name, p.kind) for p in listed}
        self.snapshots: dict[str, Snapshot] = {}
        self.init_endpoint_statuses()
        self.busy: dict[int, str] = {}
        self._busy_seq = 0
        self.last_result: ActionResult | None = None
        self._title_scheduled = False
        self._title_text = ""
        self._gone: tuple[SessionKey | None, str] | None = None
        """The cursor's session left the view: where the cursor went, and the line saying so."""
        self._select_when_listed: SessionKey | None = None
        """A session just created here: the cursor goes to it when its provider's poll lists it."""
        if providers is not None:
            self._use_providers(providers)

    def _use_providers(self, providers: list[Provider]) -> None:
        self.providers = {p.name: p for p in providers}
        keep = self.config.app.keep_ended
        self.pollers = PollerGroup(
            [
                ProviderPoller(
                    self.poll_source(p), self.config.poll_interval(p.config), self._on_snapshot,
                    keep_ended=KeepEnded(keep.minutes, keep.count),
                )
                for p in providers
            ]
        )

    @property
    def config(self) -> Config:
        return self._config()

    @property
    def sb_app(self) -> SessionboardApp:
        return self.app  # type: ignore[return-value]

    # ---- layout ------------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # The width classes are set before the children mount: set in on_mount, they restyled the
        # whole board a second time before its first frame.
        width = self.app.size.width
        self._set_width_classes(width)
        yield Static("", id="title", markup=False)
        with Horizontal(id="body"):
            yield ProviderPanel(
                list(self.statuses.values()), now=self.now, one_line=width < NARROW_WIDTH, id="providers"
            )
            with Vertical(id="center"):
                table = SessionTable(now=self.now, id="sessions")
                table.settling = True  # until every provider is listed once (`apply_snapshot`)
                yield table
                yield DetailPane(id="detail")
        yield KeyBar(self.outline.keys, id="keys")

    @property
    def table(self) -> SessionTable:
        return self.query_one(SessionTable)

    @property
    def panel(self) -> ProviderPanel:
        return self.query_one(ProviderPanel)

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    @property
    def narrow(self) -> bool:
        """The detail pane is below the table, shown on `enter` (narrow and medium widths)."""
        return self.has_class("-narrow") or self.has_class("-medium")

    def on_mount(self) -> None:
        self.table.focus()
        self._restore_view()
        self._update_title()
        if self.autopoll:
            self.pollers.start()
        self.set_interval(1.0, self._tick, name="countdown")
        self.call_after_refresh(self._first_frame)

    def _first_frame(self) -> None:
        """The board is painted ("connecting" in the panel): now the adapters, and the first polls."""
        if self._providers_to_make:
            self._providers_to_make = False
            from sessionboard.providers import make_providers

            self._use_providers(make_providers(self.config))
            if self.autopoll:
                self.pollers.start()
        self._offer_columns()
        self.post_message(self.Shown())

    def _offer_columns(self) -> None:
        """Each provider kind's display fields become columns the table can show (`C`)."""
        self.table.offer_fields(spec for provider in self.providers.values() for spec in provider.display_fields)

    async def on_unmount(self) -> None:
        await self.pollers.stop()

    def on_resize(self) -> None:
        self._layout_for(self.size.width)

    def _layout_for(self, width: int) -> None:
        self._set_width_classes(width)
        self.panel.set_one_line(width < NARROW_WIDTH)

    def _set_width_classes(self, width: int) -> None:
        self.set_class(width < NARROW_WIDTH, "-narrow")
        self.set_class(NARROW_WIDTH <= width < SIDE_DETAIL_WIDTH, "-medium")

    def _tick(self) -> None:
        self.table.tick()
        self.panel.refresh_prompts()
        self.watch_leases()

    def _update_title(self) -> None:
        self._title_scheduled = False
        table = self.table
        parts = [self.sb_app.title_text, f"{table.row_count} of {table.total_count} sessions"]
        parts.append("all" if table.show_all else "active only")
        if table.provider_filter:
            parts.append(f"provider: {table.provider_filter}")
        parts.append(f"sort: {table.sort_label}")
        if table.filter_text:
            parts.append(f"filter: {table.filter_text!r}")
        if self.busy:
            parts.append("working: " + ", ".join(self.busy.values()) + "…")
        title = safe_text("  ·  ".join(parts), limit=4 * LINE_LIMIT)  # the progress names session ids
        if title != self._title_text:  # an unchanged title must not cost a repaint
            self._title_text = title
            self.query_one("#title", Static).update(title)
        self.panel.set_total(table.row_count)

    # ---- polling -----------------------------------------------------------------------------------------
    def _on_snapshot(self, snapshot: Snapshot) -> None:
        """Called in the poller's task: hand over to the message queue, never touch widgets here."""
        self.post_message(SnapshotArrived(snapshot))

    def on_snapshot_arrived(self, message: SnapshotArrived) -> None:
        self.apply_snapshot(message.snapshot)

    def apply_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshots[snapshot.provider] = snapshot
        if snapshot.provider not in self.providers:
            return
        self.table.apply_sessions(
            snapshot.provider, snapshot.sessions, changed_ids=snapshot.changed, stale=snapshot.stale
        )
        created = self._select_when_listed
        if created is not None and created[0] == snapshot.provider and self.table.session(created) is not None:
            self._select_when_listed = None
            self.table.select_key(created)  # the session created here, as soon as it is listed
        status = self.statuses[snapshot.provider]
        status.count = self.table.count(snapshot.provider)
        status.received_at = self.now()
        status.latency = snapshot.latency
        status.error = snapshot.error
        status.stale = snapshot.stale
        held = snapshot.retry_at - snapshot.polled_at if snapshot.retry_at and snapshot.polled_at else None
        status.retry_at = status.received_at + held if held else None  # on the console's clock
        status.warning = snapshot.warning_summary
        status.first_warning = snapshot.warnings[0] if snapshot.warnings else None
        if self.table.settling and all(s.received_at is not None for s in self.statuses.values()):
            self.table.settle()  # the first view is complete: from now on the cursor keeps its session
        self.panel.update_status(status)
        self._schedule_title()
        if snapshot.error is None and snapshot.changed:
            self._end_terminals_of_ended(snapshot.provider, snapshot.changed)

    def _end_terminals_of_ended(self, provider: str, changed: frozenset[str]) -> None:
        """A terminal lives as long as its session: when a poll shows the session ended (closed
        by someone else, expired), its pane ends saying so, as it does when `x` closes it here.

        Only a session listed as ended counts; one missing from the list is left connected,
        since a provider's list may be filtered or cut short."""
        tabs = self.terminals
        if tabs is None:
            return
        for key, pane in list(tabs.panes.items()):
            if key[0] != provider or key[1] not in changed or pane.ended is not None:
                continue
            session = self.table.session(key)
            if session is not None and not session.active:
                tabs.end(key, f"the session ended in {provider}")

    def _schedule_title(self) -> None:
        """Once for all the snapshots of this turn, after the table has settled its order."""
        if not self._title_scheduled:
            self._title_scheduled = True
            self.call_next(self._update_title)

    def poll_now(self, provider: str | None = None) -> dict[str, float]:
        """Returns the providers whose poll waits for a Retry-After hold, with the seconds left."""
        return self.pollers.poll_now(provider)

    # ---- table events ------------------------------------------------------------------------------------
    @on(SessionTable.OrderChanged)
    def _order_changed(self) -> None:
        self._schedule_title()

    @on(SessionTable.Highlighted)
    def _highlighted(self, event: SessionTable.Highlighted) -> None:
        session = self.table.session(event.key) if event.key else None
        self.endpoint_highlighted(event.key)
        if event.gone is not None:
            # A poll took the selected session away: say so where it was shown, and in a notice,
            # since the next key now acts on another session.
            text = self._gone_text(*event.gone, event.key)
            self._gone = (event.key, text)
            self.notify(text, severity="warning", timeout=8, markup=False)
        elif not event.updated:
            self._gone = None
        banner = self._banner(event.key)
        if event.updated and self.detail.session is not None and session is not None:
            self.detail.show(session, rich=self.detail.rich, banner=banner)
            return
        self.detail.show(session, banner=banner)
        if session is not None and self._detail_visible():
            self._fetch_detail(session)

    def _gone_text(self, key: SessionKey, why: str, now_on: SessionKey | None) -> str:
        shown = self.detail.session  # what the pane showed of it, if the table has let it go
        old = self.table.session(key) or (shown if shown is not None and shown.key == key else None)
        label = _label(old) if old is not None else safe_text(key[1])
        what = {"ended": "has ended", "unlisted": "is no longer listed"}.get(why, "no longer matches the filter")
        where = "the cursor is on the next one" if now_on is not None else "no session is left in view"
        return f"{safe_text(key[0])}: session {label} {what}; {where}"

    def _banner(self, key: SessionKey | None) -> str | None:
        """The note that the cursor's previous session has gone, while the cursor stays where it
        was moved to."""
        gone = self._gone
        return gone[1] if gone is not None and gone[0] == key else None

    def _detail_visible(self) -> bool:
        return not self.narrow or self.has_class("-detail-open")

    def _fetch_detail(self, session: Session) -> None:
        provider = self.providers.get(session.provider)
        if provider is None or not provider.can(Capability.GET):
            return
        self._detail_worker(provider, session.key)

    @work(group="detail", exclusive=True, exit_on_error=False)
    async def _detail_worker(self, provider: Provider, key: SessionKey) -> None:
        await asyncio.sleep(self.DETAIL_DELAY)  # the cursor may be passing over rows: fetch where it stops
        try:
            rich = await provider.get_session(key[1])
            note = None
        except ProviderError as exc:
            rich, note = None, f"get failed: {exc.message}"
        except Exception as exc:  # noqa: BLE001 - nothing a provider sends may crash the console
            rich, note = None, provider.redact(f"get failed: internal error ({type(exc).__name__})")
        self.post_message(DetailFetched(key, rich, note))

    def on_detail_fetched(self, message: DetailFetched) -> None:
        if message.key == self.table.cursor_key:
            session = self.table.session(message.key)
            self.detail.show(session, rich=message.session, note=message.note, banner=self._banner(message.key))

    @on(ProviderPanel.Chosen)
    def _provider_chosen(self, event: ProviderPanel.Chosen) -> None:
        name = event.name
        self.table.set_provider_filter(name)
        self.panel.choose(name)
        self._update_title()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value.strip())
        self._update_title()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.table.focus()

    # ---- key actions ----------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in PRIORITY_ACTIONS:
            # Priority bindings (keys.py): they run before the keys typed after them are handed to
            # the focused widget, so those go where the action moved the focus (the filter box,
            # the new terminal) instead of to the table. A text box that has the keyboard keeps
            # its "/" and "t" (False hands the key on); a terminal claims every key itself
            # (`TerminalView.check_consume_key`).
            return not isinstance(self.focused, Input)
        return True

    async def action_filter(self) -> None:
        """The filter box is mounted on first use: one widget less to build at start."""
        boxes = self.query("#filter")
        if boxes:
            box = boxes.first(Input)
        else:
            box = Input(placeholder="filter: any field, the whole id too (escape clears)", id="filter")
            await self.query_one("#center").mount(box, before=0)
        box.add_class("-open")
        self.set_focus(box)  # now: the keys queued behind this one are the filter's (`focus()` defers)

    def action_escape(self) -> None:
        boxes = self.query("#filter")
        if (boxes and boxes.first().has_class("-open")) or self.table.filter_text:
            if not boxes:
                self.table.set_filter("")
                self._update_title()
                return
            box = boxes.first(Input)
            box.value = ""
            box.remove_class("-open")
            self.table.set_filter("")
            self.table.focus()
            self._update_title()
        elif self.narrow and self.has_class("-detail-open"):
            self.remove_class("-detail-open")
            self.table.focus()
        elif self.focused is not self.table:
            self.table.focus()

    def action_refresh(self) -> None:
        held = self.poll_now()
        self.notify(f"polling {len(self.providers)} provider{'s' if len(self.providers) != 1 else ''} now", timeout=2)
        for name, seconds in held.items():  # deferred, not sent: the provider asked to be left alone
            self.notify(f"{name}: rate limited, next poll in {math.ceil(seconds)} s", severity="warning",
                        timeout=4, markup=False)

    def action_detail(self) -> None:
        if self.narrow:
            self.toggle_class("-detail-open")
            if self.has_class("-detail-open"):
                session = self.table.selected
                self.detail.show(session, banner=self._banner(session.key if session else None))
                if session is not None:
                    self._fetch_detail(session)
            else:
                self.table.focus()
            return
        if self.focused is self.detail:
            self.table.focus()
        else:
            self.detail.focus()

    def action_toggle_all(self) -> None:
        self.table.set_show_all(not self.table.show_all)
        for status in self.statuses.values():
            status.count = self.table.count(status.name)
        self._update_title()

    def action_sort(self) -> None:
        self.table.cycle_sort()
        self._sorted()

    def action_sort_reverse(self) -> None:
        self.table.reverse_sort()
        self._sorted()

    @on(SessionTable.Sorted)
    def _sorted(self) -> None:
        self.sb_app.remember(sort=self.table.sort_key, sort_reverse=self.table.sort_reverse)
        self._update_title()
        self.notify(f"sorted by {self.table.sort_words}", timeout=2)

    @on(SessionTable.Opened)
    def _opened(self) -> None:
        """A double-clicked row: its detail, as `enter` opens it (never closes it)."""
        if not self.narrow or not self.has_class("-detail-open"):
            self.action_detail()

    def _restore_view(self) -> None:
        """The sort and the optional columns chosen in an earlier run (the state file): a column
        not offered yet (an adapter's field) shows once it is; a sort by one is not restored."""
        state = self.sb_app.state
        self.table.chosen_columns.update(state.columns)
        if state.sort:
            try:
                self.table.set_sort(state.sort, reverse=state.sort_reverse)
            except ValueError:
                pass

    def _remember_columns(self) -> None:
        self.sb_app.remember(columns=tuple(sorted(self.table.chosen_columns)))

    def action_columns(self) -> None:
        from sessionboard.ui.screens.columns import ColumnsScreen

        self.app.push_screen(ColumnsScreen(self.table), lambda _: self._remember_columns())

    def action_toggle_column(self, key: str) -> None:
        """Show an optional column, or hide it (the palette's "Column: ..." entries)."""
        try:
            shown = self.table.toggle_column(key)
        except ValueError:
            self.notify(f"no column {key!r}", severity="warning", timeout=3, markup=False)
            return
        self._remember_columns()
        column = self.table.column(key)
        if shown and not self.table.columns_shown.shows(key):
            self.notify(f"column {column.label} chosen; the screen is too narrow to show it", timeout=4)
        else:
            self.notify(f"column {column.label} {'shown' if shown else 'hidden'}", timeout=2)

    def action_help(self) -> None:
        from sessionboard.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.outline.keys))

    def action_quit(self) -> None:
        live = self.terminals.live_count if self.terminals is not None else 0
        if not live:
            self.app.exit(0)
            return
        from sessionboard.ui.screens.confirm import ConfirmScreen

        count = "1 terminal" if live == 1 else f"{live} terminals"

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.exit(0)

        self.app.push_screen(
            ConfirmScreen("quit", f"Quit? {count} attached will be closed.", yes="Quit"), answered
        )

    # ---- terminals -----------------------------------------------------------------------------------------
    @property
    def terminals(self) -> TerminalTabs | None:
        """The terminal area, mounted on the first attach (the terminal code is imported then too)."""
        found = self.query("#terminals")
        return found.first() if found else None  # type: ignore[return-value]

    def action_release(self) -> None:
        """Leave the terminal's keyboard focus (the terminal itself posts `Released` on this key)."""
        if self.terminals is None or not self.terminals.panes:
            self.notify("no terminal is attached", timeout=3)
            return
        self.table.focus()
        self.table.scroll_to_cursor()

    def on_terminal_view_released(self, event: TerminalView.Released) -> None:
        event.stop()
        self.table.focus()
        self.table.scroll_to_cursor()  # rows may have come and gone above it meanwhile

    def on_terminal_view_ended(self, event: TerminalView.Ended) -> None:
        event.stop()  # shown in its tab; nothing else on the board changes

    async def action_close_terminal(self) -> None:
        """Close the tab shown: at once when its session has ended, after a question when its
        shell is live (closing it ends a shell someone may be working in)."""
        tabs = self.terminals
        pane = tabs.current if tabs is not None else None
        if pane is None:
            self.notify("no terminal tab to close", timeout=3)
            return
        if pane.ended is not None:
            await self._close_tab(pane.key)
            return
        key = pane.key
        question = f"Close the terminal of {safe_text(pane.label)}? Its shell ends; the session itself stays open."

        def go() -> None:
            self.run_worker(self._close_tab(key), group="terminals", exit_on_error=False)

        self._confirm("close terminal", question, "Close", go)

    async def _close_tab(self, key: SessionKey) -> None:
        tabs = self.terminals
        if tabs is None:
            return
        pane = tabs.pane_for(key)
        if pane is not None and self.focused is not None and pane in self.focused.ancestors_with_self:
            # The table takes the keyboard now, before the pane goes: a key that arrives while it
            # is being removed must find the board's bindings, not a terminal no longer there.
            self.set_focus(self.table)
        await tabs.close(key)
        if not tabs.panes:
            await tabs.remove()
            self.remove_class("-terminal")
            self.set_focus(self.table)
        elif self.focused is None:
            self.set_focus(self.table)

    async def _open_terminal(self, provider: Provider, session: Session) -> None:
        """A tab for `session` whose terminal resolves and connects in its own task."""
        from sessionboard.ui.attach import attach_backend, describe_target
        from sessionboard.ui.screens.prompts import ConsolePrompts
        from sessionboard.ui.widgets.terminal import TerminalTabs

        tabs = self.terminals
        if tabs is None:
            tabs = TerminalTabs(id="terminals")
            await self.mount(tabs, after=self.query_one("#body"))
            self.add_class("-terminal")
        old = tabs.pane_for(session.key)
        if old is not None and old.ended is not None:
            await tabs.close(session.key)  # `t` on a terminal that ended connects again
        elif tabs.show(session.key):
            return
        name, sid = safe_text(session.name, limit=LINE_LIMIT), safe_text(session.id, limit=LINE_LIMIT)
        label = f"{session.provider}: {name} ({sid})" if name else f"{session.provider}: {sid}"
        holder: list[TerminalPane] = []

        def on_target(target: Any) -> None:
            if holder:
                holder[0].set_where(describe_target(target))

        backend = attach_backend(
            provider, session, ConsolePrompts(self.app),
            on_target=on_target, ready=self.sb_app.attach_ready, **self.sb_app.attach_options,
        )
        holder.append(await tabs.open(session.key, label, backend))

    async def action_attach(self) -> None:
        """Attach a terminal to the selected session in a tab below the table, or go back into
        the one already open for it; sessions that cannot attach are named in a notification."""
        session = self.table.selected
        able = [p for p in self.providers.values() if p.can(Capability.ATTACH)]
        names = ", ".join(f"{p.name} ({p.kind})" for p in able) or "none configured"
        if session is None:
            self.notify(f"no session selected; sessions that can attach: {names}", severity="warning")
            return
        provider = self.providers.get(session.provider)
        if provider is None or not provider.can(Capability.ATTACH):
            kind = provider.kind if provider else "this"
            self.notify(
                f"a {kind} session cannot attach a terminal; sessions that can: {names}", severity="warning"
            )
            return
        if not session.active and (self.terminals is None or self.terminals.pane_for(session.key) is None):
            self.notify(f"{session.provider}: session {session.id} has already ended", severity="warning")
            return
        await self._open_terminal(provider, session)

    def _selected_provider(self) -> Provider | None:
        if self.table.provider_filter:
            return self.providers.get(self.table.provider_filter)
        session = self.table.selected
        return self.providers.get(session.provider) if session else None

    def action_create(self) -> None:
        from sessionboard.ui.screens.choose import ChooseProviderScreen

        creators = [p for p in self.providers.values() if p.can(Capability.CREATE)]
        provider = self._selected_provider()
        if provider is not None and provider.can(Capability.CREATE):
            self._open_create(provider)
            return
        if not creators:
            self.notify("none of the configured providers can create sessions", severity="warning")
            return
        if provider is not None:
            self.notify(f"a {provider.kind} provider cannot create sessions; choose another", timeout=3)
        if len(creators) == 1:
            self._open_create(creators[0])
            return

        def chosen(name: str | None) -> None:
            if name is not None:
                self._open_create(self.providers[name])

        self.app.push_screen(
            ChooseProviderScreen("create a session on:", [(p.name, p.kind) for p in creators]), chosen
        )

    def _open_create(self, provider: Provider) -> None:
        from sessionboard.ui.screens.create import CreateScreen

        def send(values: dict[str, Any]) -> None:
            self._busy_seq += 1
            ticket = self._busy_seq
            self.busy[ticket] = f"creating on {provider.name}"
            self._update_title()
            self.run_worker(
                self._create(ticket, provider, values, form), group="actions", exit_on_error=False
            )

        form = CreateScreen(
            provider.name, provider.kind, provider.create_fields(),
            send=send, taken=provider.taken_values(self._listed(provider)),
        )
        self.app.push_screen(form)

    async def _create(self, ticket: int, provider: Provider, values: dict[str, Any], form: CreateScreen) -> None:
        """Create in a worker; a refusal goes back to the form (still open, values and all), a
        success closes it and selects the new session once a poll lists it."""
        from sessionboard.model import FieldError

        session: Session | None = None
        try:
            session = await provider.create_session(values)
            error = ""
        except ProviderError as exc:
            error = exc.message
        except FieldError as exc:
            error = str(exc)
        except Exception as exc:  # noqa: BLE001 - the worker boundary: one line, never a traceback
            error = provider.redact(f"internal error ({type(exc).__name__})")
        self.busy.pop(ticket, None)
        self._update_title()
        open_form = form if form in self.app.screen_stack else None
        if session is None:
            message = f"{provider.name}: {error}"
            self.last_result = ActionResult("create", provider.name, False, message)
            if open_form is not None:
                open_form.failed(error)
            else:  # the form was cancelled meanwhile: say it where it can be seen
                self.notify(safe_text(message), severity="error", timeout=10, markup=False)
            return
        self.endpoints.created.add(session.key)  # its lease is watched (`watch_leases`)
        note = provider.created_note(session)
        message = f"{provider.name}: created {_label(session)}" + (f"; {safe_text(note)}" if note else "")
        self.last_result = ActionResult("create", provider.name, True, message, session.key)
        if open_form is not None:
            open_form.dismiss(None)
        self.notify(message, timeout=6, markup=False)
        self._select_when_listed = session.key
        if not self.table.select_key(session.key):
            self.poll_now(provider.name)  # it is selected when this poll lists it (`apply_snapshot`)
        else:
            self._select_when_listed = None

    def action_close_session(self) -> None:
        picked = self._selected_for(Capability.CLOSE, "close")
        if picked is None:
            return
        session, provider = picked
        if not session.active:
            self.notify(f"{session.provider}: session {session.id} has already ended", severity="warning")
            return
        label = f"{session.name} ({session.id})" if session.name else session.id
        question = f"Close session {label} of provider {session.provider} ({session.kind})?"

        def go() -> None:
            self.run_action_worker(
                "close", provider, f"closing {session.id}",
                lambda: self._close(provider, session.id), session=session.key,
            )

        self._confirm("close session", question, "Close", go)

    @staticmethod
    async def _close(provider: Provider, session_id: str) -> str:
        return f"{provider.name}: " + await provider.close_session(session_id)

    def action_extend(self) -> None:
        from sessionboard.ui.screens.extend import MinutesScreen

        session = self.table.selected
        if session is None:
            self.notify("no session selected", severity="warning")
            return
        provider = self.providers.get(session.provider)
        if provider is None:
            return
        from sessionboard.providers import can_extend

        if not can_extend(provider):
            self.notify(
                f"{provider.name}: a {provider.kind} provider cannot extend a session", severity="warning"
            )
            return
        if not session.active:
            self.notify(
                f"{session.provider}: session {safe_text(session.id)} has already ended", severity="warning", markup=False
            )
            return
        label = _label(session)
        if provider.can(Capability.EXTEND):

            def plan(minutes: int | None) -> LeaseChange:
                # The session as the latest poll has it: the dialog follows an extension made elsewhere.
                return provider.lease_change(self.table.session(session.key) or session, minutes, self.now())

            def chosen(answer: tuple[int, bool] | None) -> None:
                if answer is not None:
                    minutes, allow_shorten = answer
                    self.run_action_worker(
                        "extend", provider, f"setting the lease of {label}",
                        lambda: self._extend(provider, session.id, minutes, allow_shorten), session=session.key,
                    )

            self.app.push_screen(
                MinutesScreen(f"Lease of {label} on {session.provider} ({session.kind})", plan, self.now), chosen
            )
            return
        # No dialog (a heartbeat): the notices name the session it is for.
        self.run_action_worker(
            "extend", provider, f"{provider.extend_label} for {label}",
            lambda: self._extend(provider, session.id, None), session=session.key,
        )

    async def _extend(
        self, provider: Provider, session_id: str, minutes: int | None, allow_shorten: bool = False
    ) -> str:
        if minutes is None:
            return f"{provider.name}: " + await provider.extend_session(session_id)
        return f"{provider.name}: " + await provider.extend_session(
            session_id, minutes, allow_shorten=allow_shorten, now=self.now()
        )

    # ---- the action workers ---------------------------------------------------------------------------------
    def run_action_worker(
        self,
        action: str,
        provider: Provider,
        progress: str,
        call: Callable[[], Awaitable[str]],
        *,
        session: SessionKey | None = None,
    ) -> None:
        self._busy_seq += 1
        ticket = self._busy_seq
        self.busy[ticket] = progress
        self._update_title()
        self.notify(progress + "…", timeout=2)
        self.run_worker(
            self._action(ticket, action, provider, call, session), group="actions", exit_on_error=False
        )

    async def _action(
        self,
        ticket: int,
        action: str,
        provider: Provider,
        call: Callable[[], Awaitable[str]],
        session: SessionKey | None,
    ) -> None:
        try:
            message = await call()
            ok = True
        except ProviderError as exc:
            message, ok = f"{provider.name}: {exc.message}", False
        except Exception as exc:  # noqa: BLE001 - the worker boundary: one line, never a traceback
            message, ok = provider.redact(f"{provider.name}: internal error ({type(exc).__name__})"), False
        self.busy.pop(ticket, None)
        self.post_message(ActionFinished(ActionResult(action, provider.name, ok, message, session)))

    def on_action_finished(self, message: ActionFinished) -> None:
        result = message.result
        self.last_result = result
        self._update_title()
        self.notify(result.message, severity="information" if result.ok else "error", timeout=6 if result.ok else 10)
        if result.ok and result.action == "close" and result.session is not None and self.terminals is not None:
            self.terminals.end(result.session, "session closed")
        if result.ok:
            self.poll_now(result.provider)
