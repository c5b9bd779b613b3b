"""`sessionboard` and its subcommands (CONFIG.md). `--config` is accepted before or after the verb."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from sessionboard.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from sessionboard.config import Config

# The verbs import their stacks (pydantic models, httpx, Textual) only when run: `demo` starts its
# simulators before anything heavy is imported, so the two start side by side.
EXIT_FAIL, EXIT_USAGE = 1, 2
EXIT_PIPE = 141
"""A closed stdout (`| head`): the status a shell reports for a program ended by SIGPIPE."""


def _error(text: object) -> None:
    from sessionboard.cli.output import error

    error(text)


class _Parser(argparse.ArgumentParser):
    """argparse with its complaints in the CLI's own form: one line, `sessionboard: ...`, exit 2
    (argparse's own is a usage block, then `sessionboard create: error: ...`)."""

    def error(self, message: str) -> NoReturn:
        verb = self.prog.removeprefix("sessionboard").strip()
        _error(f"{verb + ': ' if verb else ''}{message} (see: {self.prog} --help)")
        raise SystemExit(EXIT_USAGE)


class _VersionAction(argparse.Action):
    """argparse's `version` action wants the string when the parser is built; reading the installed
    metadata costs ~25 ms, so it is read only when `--version` is given."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        import sessionboard

        sys.stdout.write(f"sessionboard {sessionboard.__version__}\n")  # stdout, as argparse's own does
        parser.exit()


def _config_option(parser: argparse.ArgumentParser, top: bool) -> None:
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=None if top else argparse.SUPPRESS,
        help="the TOML file (else $SESSIONBOARD_CONFIG, else the user config dir's config.toml)",
    )


def _direct_option(parser: argparse.ArgumentParser, top: bool) -> None:
    parser.add_argument(
        "--direct",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="with a [hub] table: poll the providers instead of reading the hub",
    )


def _json_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--json", action="store_true", help=help_text)


CREATE_HELP = (
    "create a session on provider NAME; each KEY=VALUE is one of that provider's create fields, "
    "typed by its schema and checked before anything is sent. `sessionboard create NAME --help` "
    "or `sessionboard fields NAME` lists them (type, required, choices, default)"
)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sessionboard", description="One terminal console for sessions held in several services."
    )
    parser.add_argument("--version", action=_VersionAction)
    _config_option(parser, top=True)
    _direct_option(parser, top=True)
    verbs = parser.add_subparsers(dest="command", metavar="COMMAND")

    def verb(name: str, help_text: str, add_help: bool = True) -> argparse.ArgumentParser:
        sub = verbs.add_parser(name, help=help_text, description=help_text, add_help=add_help)
        _config_option(sub, top=False)
        return sub

    verb("demo", "the console on built-in simulators of all five providers (no config, no network)")
    verb("init", "write a starting config (mode 0600) to the user config dir, or to --config PATH")
    sub = verb("list", "poll every (or the named) provider once and print the sessions")
    _json_option(sub, "print the normalized sessions as a JSON array")
    sub.add_argument("--all", action="store_true", help="include ended sessions")
    sub.add_argument("--provider", action="append", metavar="NAME", help="only this provider (repeatable)")
    _direct_option(sub, top=False)
    verb("hub", "team mode: poll the providers and publish their sessions to the [hub] Redis (Ctrl+C stops)")
    sub = verb("check", "validate the config and reach every provider once")
    _json_option(sub, "print one object per provider: ok, ms, sessions, error")
    sub = verb("create", CREATE_HELP, add_help=False)
    sub.add_argument("-h", "--help", action="store_true", help="show this help and NAME's create fields")
    sub.set_defaults(verb_parser=sub)  # `create NAME --help` prints this parser's help, then the fields
    sub.add_argument("name", metavar="NAME", nargs="?")
    sub.add_argument("values", nargs="*", metavar="KEY=VALUE")
    _json_option(sub, "print the new session as JSON (what create prints anyway)")
    sub = verb("fields", "list provider NAME's create fields: type, required, choices, default, help")
    sub.add_argument("name", metavar="NAME")
    _json_option(sub, "print the fields as a JSON array")
    sub = verb("close", "close / terminate session ID of provider NAME")
    sub.add_argument("name", metavar="NAME")
    sub.add_argument("id", metavar="ID")
    _json_option(sub, "print the result as a JSON object")
    sub = verb("extend", "extend a lease (tasknet) or send a heartbeat (agents)")
    sub.add_argument("name", metavar="NAME")
    sub.add_argument("id", metavar="ID")
    sub.add_argument(
        "--minutes", type=int, default=None,
        help="tasknet: the lease, 1-60 minutes from now (default: 60, the longest; agents take none)",
    )
    sub.add_argument(
        "--allow-shorten", action="store_true",
        help="tasknet: set the lease even when it would end sooner than it ends now (else refused, exit 1)",
    )
    _json_option(sub, "print the result as a JSON object")
    sub = verb("logs", "print a vsay session's command and output log")
    sub.add_argument("name", metavar="NAME")
    sub.add_argument("id", metavar="ID")
    sub.add_argument("--format", choices=("text", "json"), default="text")
    _json_option(sub, "the same as --format json")
    sub = verb("stats", "print a vsay provider's session statistics, with a bar of its top machines")
    sub.add_argument("name", metavar="NAME")
    sub.add_argument("--period", choices=("day", "week", "month"), default="day")
    _json_option(sub, "print the statistics as a JSON object")
    sub = verb("simulate", "serve the five simulators on loopback and print a config for them")
    sub.add_argument("--port", type=int, default=None, help="the port to listen on (default: a free one)")
    sub.add_argument("--sessions", type=int, default=None, help="sessions per provider (default: 10-25)")
    sub.add_argument("--seed", type=int, default=1)
    sub = verb("locate", "print where sessionboard looks for its config and themes")
    _json_option(sub, "print the paths as a JSON object")
    sub = verb("capabilities", "print which actions each provider kind supports (a Markdown table)")
    _json_option(sub, "print each kind's capabilities as a JSON object")
    return parser


def _load(path_arg: str | None, required: bool = True) -> Config | None:
    from sessionboard.config import find_config, load_config
    from sessionboard.config.paths import default_config_path

    path = find_config(path_arg)
    if path is None:
        if required:
            raise ConfigError(
                [f"no configuration found; `sessionboard init` writes a starting one to {default_config_path()}"
                 " (or pass --config PATH, set $SESSIONBOARD_CONFIG, or try `sessionboard demo`)"]
            )
        return None
    return load_config(path)


def _locate(as_json: bool) -> int:
    from sessionboard.cli import output
    from sessionboard.config import find_config, user_config_dir, user_themes_dir
    from sessionboard.config.paths import default_config_path, state_file_path

    paths = {
        "config": str(find_config(None) or default_config_path()),
        "config_dir": str(user_config_dir()),
        "themes_dir": str(user_themes_dir()),
        "state_file": str(state_file_path()),  # the console's own choices, never the config
    }
    if as_json:
        output.json_out(paths)
    else:
        output.line(f"config: {paths['config']}")
        output.line(f"config dir: {paths['config_dir']}")
        output.line(f"themes dir: {paths['themes_dir']}")
        output.line(f"state file: {paths['state_file']}")
    return 0


def _capabilities(as_json: bool) -> int:
    from sessionboard.cli import output
    from sessionboard.providers import PROVIDER_TYPES
    from sessionboard.providers.capabilities import capability_table

    if as_json:
        output.json_out({kind: sorted(cls.capabilities) for kind, cls in PROVIDER_TYPES.items()})
    else:
        output.block(capability_table())
    return 0


def _run(args: argparse.Namespace) -> int:
    command = args.command
    if command == "simulate":
        from sessionboard.sim.cluster import run_simulate

        return run_simulate(args.port, args.sessions, seed=args.seed)
    if command == "demo":
        from sessionboard.ui.demo import run_demo

        return run_demo()
    if command == "init":
        from sessionboard.cli.init import init_command

        return init_command(args.config)
    if command == "locate":
        return _locate(args.json)
    if command == "capabilities":
        return _capabilities(args.json)
    if command is None:
        from sessionboard.ui.entry import run_console

        return run_console(_load(args.config, required=False))
    if command == "create" and args.help:
        from sessionboard.cli.fields import create_help

        return create_help(args.verb_parser, args.name, lambda: _load(args.config))
    if command == "create" and args.name is None:
        raise UsageError("create: give the provider NAME (sessionboard create NAME KEY=VALUE...; --help lists its fields)")

    from sessionboard.cli.commands import (
        check_command,
        close_command,
        create_command,
        extend_command,
        fields_command,
        list_command,
        logs_command,
        stats_command,
    )

    import asyncio

    config = _load(args.config)
    assert config is not None
    if command == "list" and config.hub is not None and not args.direct:
        from sessionboard.cli.team import list_from_hub

        return asyncio.run(list_from_hub(config, args.provider, args.json, args.all))
    if command == "list":
        return asyncio.run(list_command(config, args.provider, args.json, args.all))
    if command == "hub":
        from sessionboard.cli.team import hub_command

        return hub_command(config)
    if command == "check":
        return asyncio.run(check_command(config, args.json))
    if command == "create":
        return asyncio.run(create_command(config, args.name, args.values))
    if command == "fields":
        return asyncio.run(fields_command(config, args.name, args.json))
    if command == "close":
        return asyncio.run(close_command(config, args.name, args.id, args.json))
    if command == "extend":
        return asyncio.run(
            extend_command(config, args.name, args.id, args.minutes, args.json, args.allow_shorten)
        )
    if command == "logs":
        return asyncio.run(logs_command(config, args.name, args.id, "json" if args.json else args.format))
    if command == "stats":
        return asyncio.run(stats_command(config, args.name, args.period, args.json))
    raise UsageError(f"unknown command {command}")


def _parse_and_run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error already said
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return _run(args)
    except BrokenPipeError:
        raise
    except ConfigError as exc:
        for line in exc.lines():
            _error(line)
        return EXIT_USAGE
    except UsageError as exc:
        _error(exc)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last guard: one line, never a traceback
        _error(f"internal error: {type(exc).__name__}: {exc}")
        return EXIT_FAIL


def _stdout_closed() -> int:
    """The reader went away (`| head -1`): it has what it wanted. fd 1 is pointed at /dev/null so
    the interpreter's last flush, at exit, has nothing to fail on ("Exception ignored ...")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return EXIT_PIPE


def main(argv: Sequence[str] | None = None) -> int:
    """The console script. A closed stdout ends any verb quietly with status 141, nothing on stderr."""
    try:
        status = _parse_and_run(argv)
        sys.stdout.flush()  # inside the guard: a pipe closed under the last block fails here
    except BrokenPipeError:
        return _stdout_closed()
    return status
