"""The headless verbs. Each returns an exit status and writes only clean lines: results on stdout,
one line per failure on stderr, never a traceback, never a secret. Every write goes through
`cli.output` (the sanitizer for provider text), never `print`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

from sessionboard.cli import output
from sessionboard.cli.fields import field_json, field_table, must_give
from sessionboard.cli.output import session_table
from sessionboard.config import Config
from sessionboard.model import Capability, FieldError, Listing, Session, safe_text, sort_sessions
from sessionboard.providers import Provider, ProviderError, can_extend, make_providers
from sessionboard.providers.lease import LeaseWouldShorten
from sessionboard.providers.vsay import VsayProvider
from sessionboard.errors import UsageError

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _err(line: str) -> None:
    output.error(line)


def _select(config: Config, names: list[str] | None) -> Config:
    if not names:
        return config
    known = [p.name for p in config.providers]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(f"unknown provider {', '.join(unknown)}; configured: {', '.join(known) or 'none'}")
    return config.model_copy(update={"providers": [p for p in config.providers if p.name in names]})


async def _with_provider(config: Config, name: str, work: Any) -> int:
    """Run `work(provider)` on one named provider, turning its failures into one stderr line."""
    selected = _select(config, [name])
    provider = make_providers(selected)[0]
    try:
        return await work(provider)
    except ProviderError as exc:
        _err(exc.line())
        return EXIT_FAIL
    finally:
        await provider.aclose()


async def _poll_all(providers: list[Provider]) -> list[Listing | ProviderError]:
    async def one(provider: Provider) -> Listing | ProviderError:
        try:
            return await provider.poll()
        except ProviderError as exc:
            return exc
        except Exception as exc:  # an adapter bug still costs only that provider
            return ProviderError(provider.name, provider.redact(f"internal error: {type(exc).__name__}: {exc}"))

    try:
        return await asyncio.gather(*(one(p) for p in providers))
    finally:
        await asyncio.gather(*(p.aclose() for p in providers), return_exceptions=True)


async def list_command(config: Config, names: list[str] | None, as_json: bool, show_all: bool) -> int:
    """Exit 0 when every provider answered, 1 when any failed (the others' sessions still print).

    When every provider failed, stdout stays empty: neither "no sessions" nor `[]` may read as an
    empty success to a person or a script; the reasons are on stderr."""
    providers = make_providers(_select(config, names))
    if not providers:
        _err("no providers configured; add a [[providers]] table (see `sessionboard init`)")
        return EXIT_FAIL
    results = await _poll_all(providers)
    return print_listing(
        [(p.name, r, () if isinstance(r, ProviderError) else r.warnings) for p, r in zip(providers, results)],
        as_json,
        show_all,
    )


Result = tuple[str, Sequence[Session] | ProviderError, Sequence[str]]
"""One provider's part of `list`: its name, its sessions or its error, and its listing's warnings."""


def print_listing(results: Sequence[Result], as_json: bool, show_all: bool) -> int:
    """What `list` prints for one result per provider, polled here or read from the hub alike."""
    sessions: list[Session] = []
    failed = 0
    for name, result, warnings in results:
        if isinstance(result, ProviderError):
            _err(result.line())
            failed += 1
        else:
            for warning in warnings:  # a session skipped, ids twice: said, and the rest listed
                _err(f"{name}: {warning}")
            sessions.extend(s for s in result if show_all or s.active)
    status = EXIT_FAIL if failed else EXIT_OK
    if failed == len(results):
        return status
    ordered = sort_sessions(sessions)
    if as_json:
        output.json_array_out(s.to_json() for s in ordered)
    elif ordered:
        output.block(session_table(ordered))
    elif not failed:
        output.line("no sessions")
    return status


async def check_command(config: Config, as_json: bool = False) -> int:
    providers = make_providers(config)
    if not providers:
        _err("no providers configured; add a [[providers]] table (see `sessionboard init`)")
        return EXIT_FAIL

    async def one(provider: Provider) -> tuple[Provider, float, Listing | ProviderError]:
        started = time.perf_counter()
        try:
            result: Listing | ProviderError = await provider.poll()
        except ProviderError as exc:
            result = exc
        return provider, time.perf_counter() - started, result

    try:
        results = await asyncio.gather(*(one(p) for p in providers))
    finally:
        await asyncio.gather(*(p.aclose() for p in providers), return_exceptions=True)
    status = EXIT_OK
    report: list[dict[str, Any]] = []
    for provider, seconds, result in results:
        failure = result if isinstance(result, ProviderError) else None
        count = None if isinstance(result, ProviderError) else len(result)
        warnings = list(result.warnings) if isinstance(result, Listing) else []
        if failure is not None:
            status = EXIT_FAIL
        if as_json:
            report.append(
                {
                    "provider": provider.name,
                    "kind": provider.kind,
                    "ok": failure is None,
                    "ms": None if failure else round(seconds * 1000),
                    "sessions": count,
                    "error": failure.message if failure else None,
                    "warnings": warnings,
                }
            )
        elif failure is not None:
            output.line(f"FAIL {provider.name} ({provider.kind}): {safe_text(failure.message, limit=output.ERROR_LIMIT)}")
        else:
            output.line(f"ok   {provider.name} ({provider.kind}): {seconds * 1000:.0f} ms, {count} sessions")
            for warning in warnings:  # a session skipped, ids twice: the provider still answered
                output.line(f"warn {provider.name} ({provider.kind}): {warning}")
    if as_json:
        output.json_out(report, indent=2)
    return status


def parse_assignments(pairs: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"{pair!r} is not KEY=VALUE")
        values[key.strip()] = value
    return values


async def create_command(config: Config, name: str, pairs: list[str]) -> int:
    """Prints the new session as JSON (CONFIG.md), with or without `--json`."""
    raw = parse_assignments(pairs)

    async def work(provider: Provider) -> int:
        try:
            provider.typed_create_values(raw)  # refuse before anything is sent
        except FieldError as exc:
            raise UsageError(f"{name}: {exc} (its fields: sessionboard fields {name})") from None
        session = await provider.create_session(raw)
        output.json_out(session.to_json(), indent=2)
        note = provider.created_note(session)
        if note:
            _err(f"{name}: {note}")
        return EXIT_OK

    return await _with_provider(config, name, work)


async def fields_command(config: Config, name: str, as_json: bool) -> int:
    """The create fields of provider NAME; exit 1 (one line) for a kind that cannot create."""

    async def work(provider: Provider) -> int:
        if not provider.can(Capability.CREATE):
            raise provider.unsupported(Capability.CREATE)
        fields = provider.create_fields()
        if as_json:
            output.json_out([field_json(spec) for spec in fields], indent=2)
            return EXIT_OK
        output.line(f"create fields of {name} ({provider.kind}), given as KEY=VALUE:")
        output.block(field_table(fields))
        example = " ".join(f"{spec.name}=..." for spec in fields if must_give(spec))
        output.line(f"e.g. sessionboard create {name} {example}".rstrip())
        return EXIT_OK

    return await _with_provider(config, name, work)


def _result(name: str, session_id: str, message: str, as_json: bool) -> None:
    """What close and extend print: the provider's own words, or an object naming what was acted on."""
    if as_json:
        output.json_out({"provider": name, "id": session_id, "ok": True, "message": message})
    else:
        output.line(message)


async def close_command(config: Config, name: str, session_id: str, as_json: bool = False) -> int:
    async def work(provider: Provider) -> int:
        if not provider.can(Capability.CLOSE):
            raise provider.unsupported(Capability.CLOSE)
        _result(name, session_id, await provider.close_session(session_id), as_json)
        return EXIT_OK

    return await _with_provider(config, name, work)


async def extend_command(
    config: Config,
    name: str,
    session_id: str,
    minutes: int | None,
    as_json: bool = False,
    allow_shorten: bool = False,
) -> int:
    """A lease is read first and never ended sooner than it ends now without `--allow-shorten`
    (exit 1, one line, nothing sent); a heartbeat has no length to give."""

    async def work(provider: Provider) -> int:
        if not can_extend(provider):
            raise provider.unsupported(Capability.EXTEND)
        if not provider.can(Capability.EXTEND):  # a heartbeat
            for flag, given in (("--minutes", minutes is not None), ("--allow-shorten", allow_shorten)):
                if given:
                    raise UsageError(f"{provider.kind} heartbeats take no {flag}")
            _result(name, session_id, await provider.extend_session(session_id), as_json)
            return EXIT_OK
        try:
            message = await provider.extend_session(session_id, minutes, allow_shorten=allow_shorten)
        except LeaseWouldShorten as exc:
            _err(f"{provider.name}: {exc.message}; --allow-shorten sets it anyway")
            return EXIT_FAIL
        _result(name, session_id, message, as_json)
        return EXIT_OK

    return await _with_provider(config, name, work)


async def logs_command(config: Config, name: str, session_id: str, fmt: str) -> int:
    async def work(provider: Provider) -> int:
        if not isinstance(provider, VsayProvider):
            raise provider.unsupported(Capability.LOGS)
        logs = await provider.logs(session_id, "text" if fmt == "text" else "json")
        if isinstance(logs, str):
            if fmt == "json":
                output.json_out(logs)
            else:
                output.block(logs)
        elif fmt == "json":
            output.json_out([entry.model_dump() for entry in logs], indent=2)
        else:
            for entry in logs:
                head = f"{safe_text(entry.timestamp or '-')} {safe_text(entry.type):<7} "
                output.block(head + safe_text(entry.content, multiline=True))
        return EXIT_OK

    return await _with_provider(config, name, work)


async def stats_command(config: Config, name: str, period: str, as_json: bool) -> int:
    async def work(provider: Provider) -> int:
        if not isinstance(provider, VsayProvider):
            raise provider.unsupported(Capability.STATS)
        stats = await provider.stats(period)  # type: ignore[arg-type]
        if as_json:
            output.json_out(stats.model_dump())
            return EXIT_OK
        output.line(f"period            {period}")
        output.line(f"sessions          {stats.total_sessions}")
        output.line(f"active            {stats.active_sessions}")
        output.line(f"hours             {stats.total_duration_hours:g}")
        output.line(f"unique users      {stats.unique_users}")
        top = max((m.sessions_count for m in stats.top_machines), default=0)
        for machine in stats.top_machines:
            bar = "█" * round(30 * machine.sessions_count / top) if top > 0 and machine.sessions_count > 0 else ""
            label = safe_text(machine.name or machine.machine_id or "?", limit=24)[:24]
            output.line(f"  {label:<24} {machine.sessions_count:>6}  {bar}")
        return EXIT_OK

    return await _with_provider(config, name, work)
