"""`python -m sessionboard.sim.hostile --scenario NAME`: one hostile scenario served by hand.

The config goes to stdout (keys as `file:` references to 0600 files that last as long as the
server), a banner to stderr; Ctrl+C stops. For example, in tmux:

    python -m sessionboard.sim.hostile --scenario osc-in-name > /tmp/hostile.toml &
    sessionboard --config /tmp/hostile.toml
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import tempfile
from pathlib import Path

from sessionboard.sim.hostile.scenarios import SCENARIOS, Options
from sessionboard.sim.hostile.server import HostileServer
from sessionboard.sim.hostile.wire import KINDS
from sessionboard.sim.layout import HOST


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sessionboard.sim.hostile", description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="clean", metavar="NAME",
                        help="the scenario for every kind, or KIND=NAME (repeatable); --list shows them")
    parser.add_argument("--also", action="append", default=[], metavar="KIND=NAME",
                        help="another kind's scenario beside --scenario's")
    parser.add_argument("--kind", action="append", choices=KINDS, help="serve only this kind (repeatable)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ssh-port", type=int, default=None, help="the vsay provider's [ssh] port")
    parser.add_argument("--marker", default=Options.marker, help="the file the ProxyCommand hosts would create")
    parser.add_argument("--bomb-mb", type=int, default=Options.bomb_mb)
    parser.add_argument("--huge-mb", type=int, default=Options.huge_mb)
    parser.add_argument("--retry-after", default=Options.retry_after, help="seconds, or 'date'")
    parser.add_argument("--list", action="store_true", help="print the scenarios and the rows they serve")
    return parser


def _scenario(args: argparse.Namespace) -> str | dict[str, str]:
    pairs = [p for p in [args.scenario, *args.also] if "=" in p]
    if not pairs:
        return args.scenario
    chosen = {}
    for pair in pairs:
        kind, _, name = pair.partition("=")
        chosen[kind] = name
    return chosen


async def _serve(server: HostileServer, app: dict[str, float]) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await server.start()
    except OSError as exc:
        print(f"cannot listen on {HOST}:{server.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    try:
        with tempfile.TemporaryDirectory(prefix="sessionboard-hostile-") as key_dir:
            sys.stdout.write(server.config_toml(Path(key_dir), **app))
            sys.stdout.flush()
            names = ", ".join(f"{k}={s.name}" for k, s in server.scenarios.items())
            print(f"# hostile simulator ({names}) on {server.base_url(next(iter(server.apis)))} - Ctrl+C to stop",
                  file=sys.stderr, flush=True)
            await stop.wait()
    finally:
        await server.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.list:
        for scenario in SCENARIOS.values():
            rows = ", ".join(map(str, scenario.rows))
            print(f"{scenario.name:<20} rows {rows:<18} {scenario.about}")
        return 0
    options = Options(marker=args.marker, bomb_mb=args.bomb_mb, huge_mb=args.huge_mb, retry_after=args.retry_after)
    try:
        server = HostileServer(_scenario(args), kinds=tuple(args.kind) if args.kind else None, options=options,
                               port=args.port, ssh_port=args.ssh_port)
    except ValueError as exc:
        print(f"sessionboard.sim.hostile: {exc}", file=sys.stderr)
        return 2
    return asyncio.run(_serve(server, {}))


if __name__ == "__main__":
    raise SystemExit(main())
