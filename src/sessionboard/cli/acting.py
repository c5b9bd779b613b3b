"""What the CLI's verbs that change sessions share: the ids they are given (several, and `-` for
standard input), the runner they act through (the read-only gate, the audit log, the hub's audit
stream), and how each id's result is printed (one line each, or one JSON object each).

The verbs themselves (`create`, `close`, `extend`) are in `cli.commands`; every write goes
through `cli.output`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from typing import IO, TYPE_CHECKING, Any

from sessionboard.actions import ActionResult, ActionRunner, AuditLog, BulkItem, Refused, run_bulk
from sessionboard.actions.bulk import DEFAULT_BOUND
from sessionboard.cli import output
from sessionboard.errors import UsageError
from sessionboard.providers.lease import LeaseWouldShorten

if TYPE_CHECKING:
    from sessionboard.config import Config
    from sessionboard.providers import Provider

EXIT_OK, EXIT_FAIL = 0, 1
STDIN = "-"


def read_ids(given: Iterable[str], stdin: IO[str] | None) -> list[str]:
    """The ids named on the command line, `-` replaced by the lines of standard input (one id a
    line, surrounding blanks trimmed, blank lines skipped); each id once, in the order given."""
    ids: list[str] = []
    for value in given:
        if value == STDIN:
            if stdin is None:
                raise UsageError("- reads ids from standard input, and there is none")
            ids.extend(line.strip() for line in stdin)
        else:
            ids.append(value.strip())
    return list(dict.fromkeys(i for i in ids if i))


@contextlib.asynccontextmanager
async def cli_runner(config: Config, read_only: bool) -> AsyncIterator[ActionRunner]:
    """The runner of one CLI run: its audit lines marked `via: cli`, warnings as error lines,
    published to `{prefix}:audit` too when a `[hub]` is configured."""
    audit = AuditLog(via="cli", policy=config.app.audit, warn=output.error)
    publisher = None
    if config.hub is not None:
        from sessionboard.hub.audit import AuditPublisher

        publisher = AuditPublisher(config.hub, warn=output.error)
        audit.subscribe(publisher)
    try:
        yield ActionRunner(config, audit, read_only=read_only)
    finally:
        audit.close()
        if publisher is not None:
            await publisher.aclose()


def refused(runner: ActionRunner, provider: Provider, action: str) -> int | None:
    """EXIT_FAIL after the refusal's one line when `action` may not be tried on `provider`."""
    refusal = runner.refusal(provider, action)
    if refusal is None:
        return None
    output.error(refusal.line)
    return EXIT_FAIL


def failure_line(result: ActionResult) -> str:
    """A failed action as one error line; a lease the extension would shorten says how to force it."""
    if isinstance(result.error, LeaseWouldShorten):
        return f"{result.provider}: {result.message}; --allow-shorten sets it anyway"
    if isinstance(result.error, Refused):
        return result.message
    return result.line()


def print_result(result: ActionResult, as_json: bool) -> None:
    """One id's result: the provider's words on stdout (an error line when it failed), or one
    JSON object `{provider, id, ok, message}` on stdout (and the error line too)."""
    if as_json:
        output.json_out({"provider": result.provider, "id": result.session, "ok": result.ok, "message": result.message})
    elif result.ok:
        output.line(result.message)
    if not result.ok:
        output.error(failure_line(result))


async def act_on_ids(
    runner: ActionRunner,
    provider: Provider,
    action: str,
    ids: list[str],
    params: Mapping[str, Any],
    as_json: bool,
    *,
    bound: int = DEFAULT_BOUND,
    on_result: Callable[[ActionResult], None] | None = None,
) -> int:
    """`action` on each of `ids`, at most `bound` in flight, each result printed as it ends; with
    several ids, one summary line last (on stderr). Exit 1 when any failed."""
    if not ids:
        output.error(f"{provider.name}: no ids given (standard input had none); nothing was sent")
        return EXIT_OK
    status = refused(runner, provider, action)
    if status is not None:
        return status

    def progress(result: ActionResult, done: int, total: int) -> None:
        print_result(result, as_json)
        if on_result is not None:
            on_result(result)

    outcome = await run_bulk(
        runner, {provider.name: provider}, action, [BulkItem(provider.name, i) for i in ids], params,
        bound=bound, on_progress=progress,
    )
    if len(ids) > 1:
        output.error(f"{provider.name}: {outcome.summary()}")
    return EXIT_OK if outcome.ok else EXIT_FAIL
