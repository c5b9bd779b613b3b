"""The operations that change sessions, as plain async functions over a provider, and the registry
that names them, so a console key, a palette entry and a CLI verb reach the same code.

Each function does one thing and sends what its provider sends for it; the gate (read-only), the
audit line and the bounded bulk run are the runner's (`runner.ActionRunner`, `bulk.run_bulk`),
never repeated here. No Textual, no CLI: both layers import this.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from sessionboard.model import Capability, Session

if TYPE_CHECKING:
    from sessionboard.providers.base import Provider

Target = Literal["session", "task", "provider", "new"]
"""What an action names: a session id, an agents task id, the provider alone, or nothing yet (create)."""
Params = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Done:
    """What an operation answers: the provider's words, and a create's new session."""

    message: str
    created: Session | None = None


async def close(provider: Provider, session_id: str) -> str:
    """Close / terminate one session."""
    return await provider.close_session(session_id)


async def extend(
    provider: Provider,
    session_id: str,
    minutes: int | None = None,
    *,
    allow_shorten: bool = False,
    now: float | None = None,
) -> str:
    """Set a lease `minutes` from now (never sooner than it ends unless `allow_shorten`), or send a
    heartbeat where the kind keeps sessions alive that way (then `minutes` must be None)."""
    return await provider.extend_session(session_id, minutes, allow_shorten=allow_shorten, now=now)


async def create(provider: Provider, values: Params) -> Session:
    """A new session from create-field values (raw strings or typed values); the values are
    checked before anything is sent (`FieldError`)."""
    provider.typed_create_values(dict(values))
    return await provider.create_session(dict(values))


async def cleanup(provider: Provider) -> str:
    """agents: remove the sessions with no heartbeat within the server's stale time."""
    from sessionboard.providers.agents import AgentsProvider

    if not isinstance(provider, AgentsProvider):
        raise provider.unsupported(Capability.CLEANUP)
    return await provider.cleanup()


async def close_by_task(provider: Provider, task_id: str) -> str:
    """agents: close every session of one task."""
    from sessionboard.providers.agents import AgentsProvider

    if not isinstance(provider, AgentsProvider):
        raise provider.unsupported(Capability.CLOSE_BY_TASK)
    return await provider.close_by_task(task_id)


async def link_provider_session(provider: Provider, task_id: str, provider_session_id: str) -> str:
    """agents: link a task to the id of the session it runs in elsewhere (`providerSessionId`)."""
    from sessionboard.providers.agents import AgentsProvider

    if not isinstance(provider, AgentsProvider):
        raise provider.unsupported(Capability.LINK_PROVIDER_SESSION)
    return await provider.link_provider_session(task_id, provider_session_id)


# ---- the registry -----------------------------------------------------------------------------------
async def _close(provider: Provider, target: str | None, params: Params) -> Done:
    return Done(await close(provider, _named(target)))


async def _extend(provider: Provider, target: str | None, params: Params) -> Done:
    message = await extend(
        provider, _named(target), params.get("minutes"),
        allow_shorten=bool(params.get("allow_shorten", False)), now=params.get("now"),
    )
    return Done(message)


async def _create(provider: Provider, target: str | None, params: Params) -> Done:
    session = await create(provider, params)
    return Done(f"created session {session.id}", session)


async def _cleanup(provider: Provider, target: str | None, params: Params) -> Done:
    return Done(await cleanup(provider))


async def _close_by_task(provider: Provider, target: str | None, params: Params) -> Done:
    return Done(await close_by_task(provider, _named(target)))


async def _link(provider: Provider, target: str | None, params: Params) -> Done:
    return Done(await link_provider_session(provider, _named(target), str(params["providerSessionId"])))


def _named(target: str | None) -> str:
    if target is None:  # a caller's bug, never a provider's: the registry says what each action names
        raise ValueError("this action names a session or a task")
    return target


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One action: its name (the audit's `action`), the word a summary uses ("closed 9 of 10"),
    the capabilities that allow it (any one of them), what it names, and its function."""

    name: str
    done: str
    needs: tuple[Capability, ...]
    target: Target
    run: Callable[[Provider, str | None, Params], Awaitable[Done]]

    def allowed(self, provider: Provider) -> bool:
        return any(provider.can(capability) for capability in self.needs)


ACTIONS: dict[str, ActionSpec] = {
    spec.name: spec
    for spec in (
        ActionSpec("close", "closed", (Capability.CLOSE,), "session", _close),
        ActionSpec("extend", "extended", (Capability.EXTEND, Capability.HEARTBEAT), "session", _extend),
        ActionSpec("create", "created", (Capability.CREATE,), "new", _create),
        ActionSpec("cleanup", "cleaned up", (Capability.CLEANUP,), "provider", _cleanup),
        ActionSpec("close_by_task", "closed", (Capability.CLOSE_BY_TASK,), "task", _close_by_task),
        ActionSpec(
            "link_provider_session", "linked", (Capability.LINK_PROVIDER_SESSION,), "task", _link
        ),
    )
}
"""Every action that changes a session; all of them are refused on a read-only provider."""
