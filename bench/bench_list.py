"""`list --json` against the simulators (5 providers x N sessions) next to a plain httpx loop that
fetches the same pages, in the same run. Goal: the adapter layer costs under 1.5x the loop.

    python bench/bench_list.py [--sessions 2000] [--repeat 7]

The simulators run in a separate process (`sessionboard simulate`), so their CPU is not counted
against either side.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

import httpx

from sessionboard.cli.commands import list_command
from sessionboard.config import Config, load_config
from sessionboard.sim.process import SimProcess


async def plain_loop(config: Config) -> int:
    """What any client must do at least: the same requests, JSON decoded, nothing more."""
    count = 0
    async with httpx.AsyncClient(timeout=30) as client:

        async def fetch(url: str, headers: dict[str, str], params: dict | None = None) -> object:
            response = await client.get(url, headers=headers, params=params)
            response.raise_for_status()
            return response.json()

        async def one(p) -> int:
            headers = p.auth_headers()
            if p.kind == "rufus":
                bodies = await asyncio.gather(*(fetch(f"{p.base_url}/sessions/device/{d}", headers) for d in p.devices))
                return sum(len(b["body"]["result"]) for b in bodies)
            if p.kind == "devices":
                total, cursor = 0, None
                if p.organizations:
                    headers = {**headers, "X-Organization-Id": p.organizations[0]}
                while True:
                    params = {"limit": p.page_limit, **({"before": cursor} if cursor else {})}
                    body = await fetch(f"{p.base_url}/api/v1/sessions", headers, params)
                    total += len(body["data"])
                    cursor = body.get("nextCursor")
                    if not cursor:
                        return total
            if p.kind == "vsay":
                params = {} if p.status == "all" else {"status": p.status}
                return len((await fetch(f"{p.base_url}/sessions", headers, params))["data"]["sessions"])
            if p.kind == "agents":
                return len(await fetch(f"{p.base_url}/api/active-sessions", headers))
            return len((await fetch(f"{p.base_url}/{p.mode}/v1/sessions", headers))["sessions"])

        for n in await asyncio.gather(*(one(p) for p in config.providers)):
            count += n
    return count


async def adapters(config: Config) -> int:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        await list_command(config, None, as_json=True, show_all=True)
    return len(json.loads(buffer.getvalue()))


def timed(fn, config: Config, repeat: int) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        count = asyncio.run(fn(config))
        times.append(time.perf_counter() - started)
    return statistics.median(times), count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sim = SimProcess(Path(tmp), sessions=args.sessions).start()
        path = sim.config_path
        try:
            config = load_config(path)
            asyncio.run(plain_loop(config))  # warm both sides
            asyncio.run(adapters(config))
            plain, n_plain = timed(plain_loop, config, args.repeat)
            ours, n_ours = timed(adapters, config, args.repeat)
            started = time.perf_counter()
            cli = subprocess.run(
                [sys.executable, "-m", "sessionboard", "list", "--json", "--all", "--config", str(path)],
                capture_output=True, text=True,
            )
            whole = time.perf_counter() - started
        finally:
            sim.stop()
    ratio = ours / plain
    print(f"providers: {len(config.providers)}  sessions: {n_ours} (plain loop saw {n_plain})")
    print(f"{'measure':<44}{'median':>10}")
    print(f"{'plain httpx loop, same pages (anchor)':<44}{plain * 1000:>8.0f} ms")
    print(f"{'list --json through the adapters':<44}{ours * 1000:>8.0f} ms")
    print(f"{'ratio (goal < 1.5x)':<44}{ratio:>9.2f}x  {'OK' if ratio < 1.5 else 'MISSED'}")
    print(f"{'whole `sessionboard list --json --all` process':<44}{whole * 1000:>8.0f} ms (exit {cli.returncode})")


if __name__ == "__main__":
    main()
