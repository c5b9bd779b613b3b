"""One action, start to end: refused before anything is sent when the provider is read-only, its
kind cannot do it or the audit log is required and unwritable; otherwise run, timed, written to the
audit log, and answered as an `ActionResult` (a provider's failure is a result, not an exception).

The console and the CLI both hold one `ActionRunner`; `bulk.run_bulk` runs many through it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sessionboard.actions.audit import AuditLog, masked_params
from sessionboard.actions.operations import ACTIONS, ActionSpec, Done
from sessionboard.actions.outcome import ActionResult, Refused
from sessionboard.actions.readonly import ReadOnlyGate
from sessionboard.errors import ProviderError
from sessionboard.model import FieldError

if TYPE_CHECKING:
    from sessionboard.config.models import Config
    from sessionboard.providers.base import Provider

_NOT_RECORDED = frozenset({"now"})
"""Params that steer an action but say nothing of it (the console's clock)."""


class ActionRunner:
    def __init__(self, config: Config, audit: AuditLog | None, *, read_only: bool = False) -> None:
        """`read_only`: `--readonly` was given. `audit` None records nothing (a test's runner)."""
        self.config = config
        self.gate = ReadOnlyGate(config, flag=read_only)
        self.audit = audit

    def spec(self, action: str) -> ActionSpec:
        return ACTIONS[action]

    def refusal(self, provider: Provider, action: str) -> Refused | None:
        """Why `action` may not be tried on `provider` now (nothing would be sent), or None."""
        line = self.gate.refusal(provider.config)
        if line is not None:
            return Refused(provider.name, line)
        spec = ACTIONS[action]
        if not spec.allowed(provider):
            return Refused(provider.name, f"{provider.name}: {provider.unsupported(spec.needs[0]).message}")
        if self.audit is not None:
            problem = self.audit.refusal()
            if problem is not None:
                return Refused(provider.name, problem)
        return None

    def check(self, provider: Provider, action: str) -> None:
        """Raise `Refused` when `action` may not be tried on `provider`."""
        refused = self.refusal(provider, action)
        if refused is not None:
            raise refused

    async def run(
        self, provider: Provider, action: str, target: str | None = None, params: Mapping[str, Any] | None = None
    ) -> ActionResult:
        """Run `action` on `target` (a session id, a task id, or None) of `provider`.

        Raises `Refused` (nothing sent) and `FieldError` (a create's values, checked before
        sending); every other failure is a result with `ok=False`, written to the audit log."""
        self.check(provider, action)
        spec = ACTIONS[action]
        given = dict(params or {})
        secret = [f.name for f in provider.create_fields() if f.secret] if action == "create" else []
        recorded = masked_params({k: v for k, v in given.items() if k not in _NOT_RECORDED}, secret, provider.redact)
        if action == "create":
            provider.typed_create_values(given)  # FieldError before anything is sent or recorded
        at = time.time()
        started = time.perf_counter()
        error: ProviderError | None = None
        done: Done | None = None
        try:
            done = await spec.run(provider, target, given)
        except ProviderError as exc:
            error = exc
        except FieldError:
            raise
        except Exception as exc:  # noqa: BLE001 - an adapter's bug costs this action, as one line
            error = ProviderError(provider.name, provider.redact(f"internal error: {type(exc).__name__}: {exc}"))
        duration_ms = round((time.perf_counter() - started) * 1000)
        session = target
        if done is not None and done.created is not None:
            session = done.created.id
        result = ActionResult(
            action=action,
            provider=provider.name,
            kind=provider.kind,
            session=session,
            ok=error is None,
            message=done.message if done is not None else (error.message if error else ""),
            duration_ms=duration_ms,
            at=at,
            params=recorded,
            error=error,
            created=done.created if done is not None else None,
        )
        if self.audit is not None:
            self.audit.write(result)
        return result
