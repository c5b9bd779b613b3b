"""The headless verbs. Each returns an exit status and writes only clean lines: results on stdout,
one line per failure on stderr, never a traceback, never a secret."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Iterable
from typing import Any

from sessionboard.config import Config
from sessionboard.model import Capability, FieldError, Listing, Session, safe_text, sort_sessions
from sessionboard.providers import Provider, ProviderError, can_extend, make_providers
from sessionboard.providers.vsay import VsayProvider
from sessionboard.cli.output import session_table
from sessionboard.errors import UsageError

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


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
    providers = make_providers(_select(config, names))
    results = await _poll_all(providers)
    sessions: list[Session] = []
    status = EXIT_OK
    for provider, result in zip(providers, results):
        if isinstance(result, ProviderError):
            _err(result.line())
            status = EXIT_FAIL
        else:
            for warning in result.warnings:  # a session skipped, ids twice: said, and the rest listed
                _err(safe_text(f"{provider.name}: {warning}"))
            sessions.extend(s for s in result if show_all or s.active)
    ordered = sort_sessions(sessions)
    if as_json:
        print(json_array(s.to_json() for s in ordered))
    else:
        print(session_table(ordered) if ordered else "no sessions")
    return status


async def check_command(config: Config) -> int:
    providers = make_providers(config)
    if not providers:
        _err("no providers configured; add a [[providers]] table (see config.example.toml)")
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
    for provider, seconds, result in results:
        if isinstance(result, ProviderError):
            print(f"FAIL {provider.name} ({provider.kind}): {result.message}")
            status = EXIT_FAIL
        else:
            print(f"ok   {provider.name} ({provider.kind}): {seconds * 1000:.0f} ms, {len(result)} sessions")
            for warning in result.warnings:
                print(safe_text(f"warn {provider.name} ({provider.kind}): {warning}"))
    return status


def json_array(objects: Iterable[dict[str, Any]]) -> str:
    """A JSON array with one object per line: readable and greppable, and built by the C encoder
    (`indent=` switches json to its pure-Python encoder, several times slower on 10,000 sessions)."""
    body = ",\n".join(json.dumps(obj, ensure_ascii=False) for obj in objects)
    return f"[\n{body}\n]" if body else "[]"


def parse_assignments(pairs: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"{pair!r} is not KEY=VALUE")
        values[key.strip()] = value
    return values


async def create_command(config: Config, name: str, pairs: list[str]) -> int:
    raw = parse_assignments(pairs)

    async def work(provider: Provider) -> int:
        try:
            provider.typed_create_values(raw)  # refuse before anything is sent
        except FieldError as exc:
            raise UsageError(f"{name}: {exc}") from None
        session = await provider.create_session(raw)
        print(json.dumps(session.to_json(), indent=2, ensure_ascii=False))
        note = provider.created_note(session)
        if note:
            _err(safe_text(f"{name}: {note}"))
        return EXIT_OK

    return await _with_provider(config, name, work)


async def close_command(config: Config, name: str, session_id: str) -> int:
    async def work(provider: Provider) -> int:
        if not provider.can(Capability.CLOSE):
            raise provider.unsupported(Capability.CLOSE)
        print(await provider.close_session(session_id))
        return EXIT_OK

    return await _with_provider(config, name, work)


async def extend_command(config: Config, name: str, session_id: str, minutes: int | None) -> int:
    async def work(provider: Provider) -> int:
        if not can_extend(provider):
            raise provider.unsupported(Capability.EXTEND)
        print(await provider.extend_session(session_id, minutes))
        return EXIT_OK

    return await _with_provider(config, name, work)


async def logs_command(config: Config, name: str, session_id: str, fmt: str) -> int:
    async def work(provider: Provider) -> int:
        if not isinstance(provider, VsayProvider):
            raise provider.unsupported(Capability.LOGS)
        logs = await provider.logs(session_id, "text" if fmt == "text" else "json")
        if isinstance(logs, str):
            print(logs)
        elif fmt == "json":
            print(json.dumps([entry.model_dump() for entry in logs], indent=2, ensure_ascii=False))
        else:
            for entry in logs:
                print(f"{entry.timestamp or '-'} {entry.type:<7} {entry.content}")
        return EXIT_OK

    return await _with_provider(config, name, work)


async def stats_command(config: Config, name: str, period: str, as_json: bool) -> int:
    async def work(provider: Provider) -> int:
        if not isinstance(provider, VsayProvider):
            raise provider.unsupported(Capability.STATS)
        stats = await provider.stats(period)  # type: ignore[arg-type]
        if as_json:
            print(json.dumps(stats.model_dump(), ensure_ascii=False))
            return EXIT_OK
        print(f"period            {period}")
        print(f"sessions          {stats.total_sessions}")
        print(f"active            {stats.active_sessions}")
        print(f"hours             {stats.total_duration_hours:g}")
        print(f"unique users      {stats.unique_users}")
        top = max((m.sessions_count for m in stats.top_machines), default=0)
        for machine in stats.top_machines:
            bar = "█" * round(30 * machine.sessions_count / top) if top else ""
            label = (machine.name or machine.machine_id or "?")[:24]
            print(f"  {label:<24} {machine.sessions_count:>6}  {bar}")
        return EXIT_OK

    return await _with_provider(config, name, work)
