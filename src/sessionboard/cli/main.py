"""`sessionboard` and its subcommands (CONFIG.md). `--config` is accepted before or after the verb."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from typing import TYPE_CHECKING, Any

from sessionboard.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from sessionboard.config import Config

# The verbs import their stacks (pydantic models, httpx, Textual) only when run: `demo` starts its
# simulators before anything heavy is imported, so the two start side by side.
EXIT_FAIL, EXIT_USAGE = 1, 2


class _VersionAction(argparse.Action):
    """argparse's `version` action wants the string when the parser is built; reading the installed
    metadata costs ~25 ms, so it is read only when `--version` is given."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        import sessionboard

        parser.exit(message=f"sessionboard {sessionboard.__version__}\n")


def _config_option(parser: argparse.ArgumentParser, top: bool) -> None:
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=None if top else argparse.SUPPRESS,
        help="the TOML file (else $SESSIONBOARD_CONFIG, else the user config dir's config.toml)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sessionboard", description="One terminal console for sessions held in several services."
    )
    parser.add_argument("--version", action=_VersionAction)
    _config_option(parser, top=True)
    verbs = parser.add_subparsers(dest="command", metavar="COMMAND")

    def verb(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = verbs.add_parser(name, help=help_text, description=help_text)
        _config_option(sub, top=False)
        return sub

    verb("demo", "the console on built-in simulators of all five providers (no config, no network)")
    sub = verb("list", "poll every (or the named) provider once and print the sessions")
    sub.add_argument("--json", action="store_true", help="print the normalized sessions as a JSON array")
    sub.add_argument("--all", action="store_true", help="include ended sessions")
    sub.add_argument("--provider", action="append", metavar="NAME", help="only this provider (repeatable)")
    verb("check", "validate the config and reach every provider once")
    sub = verb("create", "create a session on provider NAME")
    sub.add_argument("name", metavar="NAME")
    sub.add_argument("values", nargs="*", metavar="KEY=VALUE")
    sub = verb("close", "close / terminate session ID of provider NAME")
    sub.add_argument("name", metavar="NAME")
    sub.add_argument("id", metavar="ID")
    sub = verb("extend", "extend a lease (tasknet) or send a heartbeat (agents)")
    sub.add_argument("name", metavar="NAME")
    sub.add_argument("id", metavar="ID")
    sub.add_argument("--minutes", type=int, default=None, help="tasknet: the new lease, 1-60 minutes")
    sub = verb("logs", "print a vsay session's command and output log")
    sub.add_argument("name", metavar="NAME")
    sub.add_argument("id", metavar="ID")
    sub.add_argument("--format", choices=("text", "json"), default="text")
    sub = verb("stats", "print a vsay provider's session statistics, with a bar of its top machines")
    sub.add_argument("name", metavar="NAME")
    sub.add_argument("--period", choices=("day", "week", "month"), default="day")
    sub.add_argument("--json", action="store_true")
    sub = verb("simulate", "serve the five simulators on loopback and print a config for them")
    sub.add_argument("--port", type=int, default=None, help="the port to listen on (default: a free one)")
    sub.add_argument("--sessions", type=int, default=None, help="sessions per provider (default: 10-25)")
    sub.add_argument("--seed", type=int, default=1)
    verb("locate", "print where sessionboard looks for its config and themes")
    verb("capabilities", "print which actions each provider kind supports (a Markdown table)")
    return parser


def _load(path_arg: str | None, required: bool = True) -> Config | None:
    from sessionboard.config import find_config, load_config

    path = find_config(path_arg)
    if path is None:
        if required:
            raise ConfigError(
                ["no configuration found; pass --config PATH, set $SESSIONBOARD_CONFIG, or copy config.example.toml"
                 " to the path `sessionboard locate` prints (or try `sessionboard demo`)"]
            )
        return None
    return load_config(path)


def _run(args: argparse.Namespace) -> int:
    command = args.command
    if command == "simulate":
        from sessionboard.sim.cluster import run_simulate

        return run_simulate(args.port, args.sessions, seed=args.seed)
    if command == "demo":
        from sessionboard.ui.demo import run_demo

        return run_demo()
    if command == "locate":
        from sessionboard.config import find_config, user_config_dir, user_themes_dir
        from sessionboard.config.paths import default_config_path

        print(f"config: {find_config(args.config) or default_config_path()}")
        print(f"config dir: {user_config_dir()}")
        print(f"themes dir: {user_themes_dir()}")
        return 0
    if command == "capabilities":
        from sessionboard.providers.capabilities import capability_table

        print(capability_table())
        return 0
    if command is None:
        from sessionboard.ui.entry import run_console

        return run_console(_load(args.config, required=False))

    from sessionboard.cli.commands import (
        check_command,
        close_command,
        create_command,
        extend_command,
        list_command,
        logs_command,
        stats_command,
    )

    import asyncio

    config = _load(args.config)
    assert config is not None
    if command == "list":
        return asyncio.run(list_command(config, args.provider, args.json, args.all))
    if command == "check":
        return asyncio.run(check_command(config))
    if command == "create":
        return asyncio.run(create_command(config, args.name, args.values))
    if command == "close":
        return asyncio.run(close_command(config, args.name, args.id))
    if command == "extend":
        return asyncio.run(extend_command(config, args.name, args.id, args.minutes))
    if command == "logs":
        return asyncio.run(logs_command(config, args.name, args.id, args.format))
    if command == "stats":
        return asyncio.run(stats_command(config, args.name, args.period, args.json))
    raise UsageError(f"unknown command {command}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except ConfigError as exc:
        for line in exc.lines():
            print(f"sessionboard: {line}", file=sys.stderr)
        return EXIT_USAGE
    except UsageError as exc:
        print(f"sessionboard: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last guard: one line, never a traceback
        print(f"sessionboard: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAIL
