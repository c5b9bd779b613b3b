"""One action on many sessions: a bounded number in flight per provider (default 4), a progress
callback after each, and one summary at the end ("closed 9 of 10; 1 failed: ...").

Each provider gets its own few workers taking the next of its sessions, so a slow or failing
provider holds back only its own, and no provider sees more than the bound at once, however many
sessions are marked. A provider that refuses the action (read-only, a kind that cannot do it) is
refused once for all its sessions, before anything is sent. The outcome names the failed ones so
a console keeps them marked for a retry.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sessionboard.actions.outcome import ActionResult, Refused
from sessionboard.actions.runner import ActionRunner
from sessionboard.model import FieldError, safe_text

if TYPE_CHECKING:
    from sessionboard.providers.base import Provider

DEFAULT_BOUND = 4
"""Actions in flight per provider at once."""
SUMMARY_NAMES = 3
"""Failures a summary names before "and N more"."""
Progress = Callable[[ActionResult, int, int], None]
"""Called after each session with its result, how many are done, and how many in all."""


@dataclass(frozen=True, slots=True)
class BulkItem:
    """One session to act on: its provider's name and its id (a task id for close by task)."""

    provider: str
    session: str


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    action: str
    done_word: str
    results: tuple[ActionResult, ...]
    """One per item, in the items' order."""

    @property
    def failed(self) -> tuple[ActionResult, ...]:
        return tuple(r for r in self.results if not r.ok)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    def failed_items(self) -> list[BulkItem]:
        """The sessions to keep marked: every one that did not succeed."""
        return [BulkItem(r.provider, r.session or "") for r in self.failed]

    def summary(self) -> str:
        """`closed 9 of 10; 1 failed: timing abc: not found`; provider text made safe to show."""
        total = len(self.results)
        failed = self.failed
        head = f"{self.done_word} {total - len(failed)} of {total}"
        if not failed:
            return head
        named = [
            f"{r.provider} {r.session}: {r.message}" if r.session else r.line() for r in failed[:SUMMARY_NAMES]
        ]
        more = f"; and {len(failed) - SUMMARY_NAMES} more" if len(failed) > SUMMARY_NAMES else ""
        return safe_text(f"{head}; {len(failed)} failed: " + "; ".join(named) + more, limit=2000)


def _refused(provider: Provider, action: str, item: BulkItem, refusal: Refused) -> ActionResult:
    return ActionResult(
        action=action, provider=provider.name, kind=provider.kind, session=item.session,
        ok=False, message=refusal.line, error=refusal,
    )


async def run_bulk(
    runner: ActionRunner,
    providers: Mapping[str, Provider],
    action: str,
    items: Sequence[BulkItem],
    params: Mapping[str, Any] | None = None,
    *,
    bound: int = DEFAULT_BOUND,
    on_progress: Progress | None = None,
) -> BulkOutcome:
    """Run `action` (close, extend, close_by_task: one that names a session or task) on every item.

    `providers` maps each item's provider name to its adapter. A refusal (read-only, unsupported,
    required audit) fails that provider's items without sending anything; an item whose provider
    is not in `providers` fails as unknown. A required audit log that fails mid-run refuses the
    items not started yet."""
    spec = runner.spec(action)
    if spec.target not in ("session", "task"):
        raise ValueError(f"{action} does not act on sessions one by one")
    bound = max(1, bound)
    total = len(items)
    results: list[ActionResult | None] = [None] * total
    done = 0

    def finish(index: int, result: ActionResult) -> None:
        nonlocal done
        results[index] = result
        done += 1
        if on_progress is not None:
            on_progress(result, done, total)

    by_provider: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        by_provider.setdefault(item.provider, []).append(index)

    async def worker(provider: Provider, queue: deque[int]) -> None:
        while queue:
            index = queue.popleft()
            item = items[index]
            refused = runner.refusal(provider, action)  # a required audit log that failed meanwhile
            if refused is not None:
                finish(index, _refused(provider, action, item, refused))
                continue
            try:
                result = await runner.run(provider, action, item.session, params)
            except Refused as exc:
                result = _refused(provider, action, item, exc)
            except FieldError as exc:
                result = ActionResult(action, provider.name, provider.kind, item.session, False, str(exc))
            finish(index, result)

    workers: list[Coroutine[Any, Any, None]] = []
    for name, indices in by_provider.items():
        provider = providers.get(name)
        if provider is None:
            for index in indices:
                finish(index, ActionResult(action, name, "", items[index].session, False, f"unknown provider {name}"))
            continue
        refused = runner.refusal(provider, action)
        if refused is not None:
            for index in indices:
                finish(index, _refused(provider, action, items[index], refused))
            continue
        queue = deque(indices)
        workers.extend(worker(provider, queue) for _ in range(min(bound, len(queue))))
    await asyncio.gather(*workers)
    return BulkOutcome(action, spec.done, tuple(r for r in results if r is not None))
