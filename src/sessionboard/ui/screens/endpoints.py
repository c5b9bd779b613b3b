"""The board's actions beyond list / create / close / extend / attach: every other endpoint the
adapters implement, each reached from a key or the command palette (`keys.ENDPOINT_SPECS`).

A mixin of `MainScreen`, kept apart so the board's own module stays about the board. It uses the
board's table, providers, snapshots, detail pane and `run_action_worker` (which turns a provider's
failure into a notification carrying the provider's own message and polls again on success).

Which provider an action means: the selected session's, when it can; else the provider the table
is filtered to; else the only configured provider that can; else the user chooses. A provider that
cannot do it is said so in a notification, never silently ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from textual.message import Message
from textual.timer import Timer

from sessionboard.errors import ProviderError
from sessionboard.model import Capability, Session, SessionKey
from sessionboard.ui.widgets.detail.vnc import REVEAL_SECONDS
from sessionboard.ui.widgets.sessions.columns import instant

if TYPE_CHECKING:  # the adapters (and httpx) are imported once the board is on the screen
    from pydantic import SecretStr

    from sessionboard.providers import (
        AgentsProvider,
        DevicesProvider,
        Provider,
        RufusProvider,
        TasknetProvider,
        VsayProvider,
    )
    from sessionboard.ui.paging import WindowedPolling
    from sessionboard.ui.screens.main import MainScreen

LEASE_WARNING_SECONDS = 60
"""A notification once, this long before the lease of a session the user created or is looking at ends."""


@dataclass(slots=True)
class EndpointState:
    pagers: dict[str, WindowedPolling] = field(default_factory=dict)
    created: set[SessionKey] = field(default_factory=set)
    """Sessions created in this console: their leases are watched even when not selected."""
    lease_warned: set[SessionKey] = field(default_factory=set)
    vnc_timer: Timer | None = None


class VncFetched(Message):
    """The VNC password the user asked for (or why there is none); `purpose` is reveal or copy."""

    def __init__(self, key: SessionKey, purpose: str, password: SecretStr | None, error: str | None) -> None:
        super().__init__()
        self.key = key
        self.purpose = purpose
        self.password = password
        self.error = error


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class EndpointActions:
    """Mixed into `MainScreen`; `self` is the board."""

    # ---- state and set-up ---------------------------------------------------------------------------
    @property
    def endpoints(self: MainScreen) -> EndpointState:  # type: ignore[misc]
        state: EndpointState | None = getattr(self, "_endpoint_state", None)
        if state is None:
            state = EndpointState()
            self._endpoint_state = state  # type: ignore[attr-defined]
        return state

    def poll_source(self: MainScreen, provider: Provider) -> Any:  # type: ignore[misc]
        """What the poller of `provider` reads: a devices provider's newest pages (`paging.py`),
        any other provider itself."""
        if provider.kind == "devices" and provider.can(Capability.OLDER_PAGES):
            from sessionboard.ui.paging import WindowedPolling

            pager = self.endpoints.pagers[provider.name] = WindowedPolling(cast("DevicesProvider", provider))
            return pager
        return provider

    def init_endpoint_statuses(self: MainScreen) -> None:  # type: ignore[misc]
        """The panel shows a devices provider's organization from the start."""
        for outline in self.outline.providers:
            status = self.statuses.get(outline.name)
            if status is not None and outline.organization:
                status.note = outline.organization

    # ---- which provider ---------------------------------------------------------------------------------
    def _capable(self: MainScreen, capability: Capability) -> list[Provider]:  # type: ignore[misc]
        return [p for p in self.providers.values() if p.can(capability)]

    def _with_provider(  # type: ignore[misc]
        self: MainScreen, capability: Capability, then: Callable[[Provider], None]
    ) -> None:
        capable = self._capable(capability)
        if not capable:
            self.notify(f"none of the configured providers can {capability.label}", severity="warning")
            return
        session = self.table.selected
        for name in (session.provider if session else None, self.table.provider_filter):
            provider = self.providers.get(name) if name else None
            if provider is not None and provider.can(capability):
                then(provider)
                return
        if len(capable) == 1:
            then(capable[0])
            return
        from sessionboard.ui.screens.choose import ChooseProviderScreen

        def chosen(name: str | None) -> None:
            if name is not None:
                then(self.providers[name])

        self.app.push_screen(
            ChooseProviderScreen(f"{capability.label} of:", [(p.name, p.kind) for p in capable]), chosen
        )

    def _selected_for(  # type: ignore[misc]
        self: MainScreen, capability: Capability, what: str
    ) -> tuple[Session, Provider] | None:
        """The selected session and its provider, when that provider can; else a notification."""
        session = self.table.selected
        capable = self._capable(capability)
        kinds = ", ".join(sorted({p.kind for p in capable})) or "none configured"
        if session is None:
            self.notify(f"no session selected; {what} needs a session of: {kinds}", severity="warning")
            return None
        provider = self.providers.get(session.provider)
        if provider is None:
            return None
        if not provider.can(capability):
            self.notify(
                f"{provider.name}: a {provider.kind} provider cannot {capability.label}; select a session of: {kinds}",
                severity="warning",
            )
            return None
        return session, provider

    def _selected_task(  # type: ignore[misc]
        self: MainScreen, capability: Capability, what: str
    ) -> tuple[Session, AgentsProvider, str] | None:
        """The selected agents session, its provider and its task id; else a notification."""
        picked = self._selected_for(capability, what)
        if picked is None:
            return None
        session, provider = picked
        provider = cast("AgentsProvider", provider)
        task = session.target
        if not task:
            self.notify(f"{provider.name}: session {session.id} has no task id", severity="warning")
            return None
        return session, provider, task

    def _listed(self: MainScreen, provider: Provider) -> tuple[Session, ...]:  # type: ignore[misc]
        snapshot = self.snapshots.get(provider.name)
        return snapshot.sessions if snapshot is not None else ()

    def _confirm(self: MainScreen, title: str, question: str, yes: str, go: Callable[[], None]) -> None:  # type: ignore[misc]
        if not self.config.app.confirm_destructive:
            go()
            return
        from sessionboard.ui.screens.confirm import ConfirmScreen

        def answered(answer: bool | None) -> None:
            if answer:
                go()

        self.app.push_screen(ConfirmScreen(title, question, yes=yes), answered)

    # ---- vsay -----------------------------------------------------------------------------------------------
    def action_logs(self: MainScreen) -> None:  # type: ignore[misc]
        picked = self._selected_for(Capability.LOGS, "logs")
        if picked is None:
            return
        session, provider = picked
        from sessionboard.ui.screens.logs import LogsScreen

        provider = cast("VsayProvider", provider)
        self.app.push_screen(LogsScreen(provider, session))

    def action_stats(self: MainScreen) -> None:  # type: ignore[misc]
        from sessionboard.ui.screens.stats import StatsScreen

        def show(provider: Provider) -> None:
            provider = cast("VsayProvider", provider)
            self.app.push_screen(StatsScreen(provider))

        self._with_provider(Capability.STATS, show)

    # ---- agents ----------------------------------------------------------------------------------------------
    def action_close_by_task(self: MainScreen) -> None:  # type: ignore[misc]
        picked = self._selected_task(Capability.CLOSE_BY_TASK, "close by task")
        if picked is None:
            return
        session, provider, task = picked
        listed = [s for s in self._listed(provider) if s.target == task]
        ids = ", ".join(s.id for s in listed[:5]) + (" …" if len(listed) > 5 else "")
        question = (
            f"Close every session of task {task} on {provider.name}? "
            f"{_plural(len(listed), 'session')} listed for it now" + (f": {ids}" if ids else "") + "."
        )

        def go() -> None:
            self.run_action_worker(
                "close_by_task", provider, f"closing the sessions of task {task}",
                lambda: provider.close_by_task(task),
            )

        self._confirm("close by task", question, "Close task", go)

    def action_cleanup(self: MainScreen) -> None:  # type: ignore[misc]
        def ask(provider: Provider) -> None:
            provider = cast("AgentsProvider", provider)
            stale = [s for s in self._listed(provider) if s.stale]
            question = (
                f"Clean up {provider.name}: the server removes every session with no heartbeat within its "
                f"stale time. {_plural(len(stale), 'session')} listed as stale now "
                f"(no heartbeat for {provider.config.stale_after_seconds:g}s)."
            )

            def go() -> None:
                self.run_action_worker("cleanup", provider, f"cleaning up {provider.name}", provider.cleanup)

            self._confirm("clean up stale sessions", question, "Clean up", go)

        self._with_provider(Capability.CLEANUP, ask)

    def action_link_provider_session(self: MainScreen) -> None:  # type: ignore[misc]
        picked = self._selected_task(Capability.LINK_PROVIDER_SESSION, "linking a provider session")
        if picked is None:
            return
        session, provider, task = picked
        from sessionboard.ui.screens.ask import AskTextScreen

        current = session.raw.get("providerSessionId") if isinstance(session.raw, dict) else None
        question = f"Link task {task} ({session.name or session.id}) to which providerSessionId?"
        if current:
            question += f" Now: {current}."

        def answered(value: str | None) -> None:
            if value:
                self.run_action_worker(
                    "link", provider, f"linking task {task}",
                    lambda: provider.link_provider_session(task, value), session=session.key,
                )

        self.app.push_screen(
            AskTextScreen("link provider session", question, placeholder="providerSessionId", ok="Link"), answered
        )

    def action_heartbeat_stale(self: MainScreen) -> None:  # type: ignore[misc]
        agents = [cast("AgentsProvider", p) for p in self._capable(Capability.HEARTBEAT) if p.kind == "agents"]
        if not agents:
            self.notify("none of the configured providers can send a heartbeat", severity="warning")
            return
        sent = False
        for provider in agents:
            stale = [s for s in self._listed(provider) if s.stale and s.active]
            if not stale:
                continue
            sent = True

            async def beat(provider: AgentsProvider = provider, stale: list[Session] = stale) -> str:
                failed: list[str] = []
                for session in stale:
                    try:
                        await provider.extend_session(session.id)
                    except ProviderError as exc:
                        failed.append(exc.message)
                done = len(stale) - len(failed)
                if failed and not done:
                    raise ProviderError(provider.name, failed[0])
                note = f"; {len(failed)} failed: {failed[0]}" if failed else ""
                return f"{provider.name}: heartbeat sent for {_plural(done, 'stale session')}{note}"

            self.run_action_worker(
                "heartbeat_stale", provider, f"heartbeat for {_plural(len(stale), 'stale session')}", beat
            )
        if not sent:
            names = ", ".join(p.name for p in agents)
            self.notify(f"{names}: no session is listed as stale", timeout=4)

    # ---- rufus -----------------------------------------------------------------------------------------------
    def action_device_active(self: MainScreen) -> None:  # type: ignore[misc]
        from sessionboard.ui.screens.devices_active import DevicesActiveScreen

        def show(provider: Provider) -> None:
            provider = cast("RufusProvider", provider)
            self.app.push_screen(DevicesActiveScreen(provider))

        self._with_provider(Capability.DEVICE_ACTIVE, show)

    # ---- devices ---------------------------------------------------------------------------------------------
    def action_switch_organization(self: MainScreen) -> None:  # type: ignore[misc]
        def choose(provider: Provider) -> None:
            provider = cast("DevicesProvider", provider)
            orgs = provider.organizations
            if len(orgs) < 2:
                only = orgs[0] if orgs else "none"
                self.notify(
                    f"{provider.name}: the config lists one organization ({only}); "
                    "list several (organization = [\"org-1\", \"org-2\"]) to switch",
                    severity="warning",
                )
                return
            from sessionboard.ui.screens.ask import ChoiceScreen

            options = [(org, f"{org}  (listed now)" if org == provider.organization else org) for org in orgs]

            def chosen(org: str | None) -> None:
                if org is not None and org != provider.organization:
                    self.switch_organization(provider, org)

            self.app.push_screen(
                ChoiceScreen("switch organization", f"{provider.name}: list the sessions of", options,
                             current=provider.organization),
                chosen,
            )

        self._with_provider(Capability.ORGANIZATIONS, choose)

    def switch_organization(self: MainScreen, provider: DevicesProvider, org: str) -> None:  # type: ignore[misc]
        try:
            provider.set_organization(org)
        except ProviderError as exc:
            self.notify(f"{provider.name}: {exc.message}", severity="error")
            return
        pager = self.endpoints.pagers.get(provider.name)
        if pager is not None:
            pager.reset()
        status = self.statuses[provider.name]
        status.note = org
        self.panel.update_status(status)
        self.poll_now(provider.name)
        self.notify(f"{provider.name}: organization {org}; polling it now", timeout=4)

    def action_load_older(self: MainScreen) -> None:  # type: ignore[misc]
        def load(provider: Provider) -> None:
            pager = self.endpoints.pagers.get(provider.name)
            if pager is None:
                self.notify(f"{provider.name}: every page is read at each poll", timeout=4)
                return
            if not pager.polled:
                self.notify(f"{provider.name}: not polled yet; try again in a moment", severity="warning")
                return
            if pager.complete:
                self.notify(f"{provider.name}: no older sessions; every page is loaded", timeout=4)
                return
            self.run_action_worker("load_older", provider, f"loading older sessions of {provider.name}", pager.load_older)

        self._with_provider(Capability.OLDER_PAGES, load)

    def on_session_table_end_reached(self: MainScreen) -> None:  # type: ignore[misc]
        """Down past the last row of a devices provider's sessions (the table filtered to it, or its
        session last) loads the next older page, once at a time."""
        keys = self.table.keys()
        name = self.table.provider_filter or (keys[-1][0] if keys else None)
        pager = self.endpoints.pagers.get(name) if name else None
        if pager is None or not pager.polled or pager.complete or pager.loading:
            return
        self.run_action_worker(
            "load_older", self.providers[pager.name], f"loading older sessions of {pager.name}", pager.load_older
        )

    # ---- tasknet ---------------------------------------------------------------------------------------------
    def _vnc_session(self: MainScreen, what: str) -> tuple[Session, TasknetProvider] | None:  # type: ignore[misc]
        picked = self._selected_for(Capability.VNC, what)
        if picked is None:
            return None
        session, provider = picked
        provider = cast("TasknetProvider", provider)
        if not (isinstance(session.raw, dict) and session.raw.get("isVncEnabled")):
            self.notify(f"{provider.name}: VNC is not enabled on session {session.id}", severity="warning")
            return None
        return session, provider

    def action_vnc_reveal(self: MainScreen) -> None:  # type: ignore[misc]
        picked = self._vnc_session("revealing a VNC password")
        if picked is None:
            return
        session, provider = picked
        if self.detail.vnc is not None and self.detail.vnc[0] == session.key:
            self.hide_vnc()
            return
        if self.narrow and not self.has_class("-detail-open"):
            self.add_class("-detail-open")
            self.detail.show(session)
        self._fetch_vnc(provider, session.key, "reveal")

    def action_vnc_copy(self: MainScreen) -> None:  # type: ignore[misc]
        picked = self._vnc_session("copying a VNC password")
        if picked is None:
            return
        session, provider = picked
        self._fetch_vnc(provider, session.key, "copy")

    def _fetch_vnc(self: MainScreen, provider: TasknetProvider, key: SessionKey, purpose: str) -> None:  # type: ignore[misc]
        async def fetch() -> None:
            try:
                password = await provider.vnc_password(key[1])
                error = None if password is not None else f"{provider.name}: session {key[1]} has no VNC password"
            except ProviderError as exc:
                password, error = None, f"{provider.name}: {exc.message}"
            except Exception as exc:  # noqa: BLE001 - nothing a provider sends may crash the console
                password, error = None, provider.redact(f"{provider.name}: internal error ({type(exc).__name__})")
            self.post_message(VncFetched(key, purpose, password, error))

        self.run_worker(fetch(), group="vnc", exclusive=True, exit_on_error=False)

    def on_vnc_fetched(self: MainScreen, message: VncFetched) -> None:  # type: ignore[misc]
        if message.password is None:
            self.notify(message.error or "no VNC password", severity="error", timeout=8)
            return
        if message.purpose == "copy":
            self.app.copy_to_clipboard(message.password.get_secret_value())
            self.notify(f"VNC password of {message.key[1]} copied to the clipboard", timeout=4)
            return
        if self.table.cursor_key != message.key:
            return  # the user moved on: nothing is shown for another row
        self.detail.reveal_vnc(message.key, message.password.get_secret_value())
        state = self.endpoints
        if state.vnc_timer is not None:
            state.vnc_timer.stop()
        state.vnc_timer = self.set_timer(REVEAL_SECONDS, self.hide_vnc, name="hide-vnc")

    def hide_vnc(self: MainScreen) -> None:  # type: ignore[misc]
        state = self.endpoints
        if state.vnc_timer is not None:
            state.vnc_timer.stop()
            state.vnc_timer = None
        self.detail.hide_vnc()

    def endpoint_highlighted(self: MainScreen, key: SessionKey | None) -> None:  # type: ignore[misc]
        """The cursor moved: a revealed password never stays on screen under another session."""
        vnc = self.detail.vnc
        if vnc is not None and vnc[0] != key:
            self.hide_vnc()

    # ---- leases ------------------------------------------------------------------------------------------------
    def watch_leases(self: MainScreen) -> None:  # type: ignore[misc]
        """Once a second: one notification when the lease of a session the user created here or is
        looking at has under a minute left (again after an extension brought it back above)."""
        state = self.endpoints
        now = self.now()
        keys = set(state.created)
        if self.table.cursor_key is not None:
            keys.add(self.table.cursor_key)
        for key in keys:
            session = self.table.session(key)
            if session is None or not session.active or not session.expires_at:
                continue
            end = instant(session.expires_at)
            if end is None:
                continue
            left = end - now
            if left > LEASE_WARNING_SECONDS:
                state.lease_warned.discard(key)
            elif left > 0 and key not in state.lease_warned:
                state.lease_warned.add(key)
                self.notify(
                    f"{session.provider}: the lease of {session.id} ends in {int(left)}s; extend it to keep it",
                    severity="warning",
                    timeout=10,
                )
