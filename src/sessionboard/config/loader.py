"""Reading the file: every problem found at once, each as `place: what is wrong; the fix`."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sessionboard.config.keys import ALL_ACTIONS, DEFAULT_KEYS, EXTRA_KEYS, KINDS, key_identity, normalize_key
from sessionboard.config.models import CONFIG_BY_KIND, AppSettings, Config, HubSettings, ProviderBase
from sessionboard.errors import ConfigError, NoConfigError

TOP_LEVEL = ("app", "providers", "keys", "hub")
MAX_FILE_BYTES = 1024 * 1024
"""A config is a few kilobytes; past a megabyte it is not one (or is `/dev/zero`)."""
MAX_DEPTH = 32
"""Tables and arrays nested deeper than this are refused: the file's shape is three levels deep,
and a file nested 100,000 deep must be one line, not a RecursionError in the parser or later."""


def _too_deep(data: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether `data` nests tables or arrays more than `limit` deep (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


_SCAN_STOPS = re.compile(r"[\"'#\[\]{}=,\n.]")


def _nests_too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether the TOML text opens more than `limit` arrays or inline tables inside each other, or
    has a dotted key of more than `limit` parts, read before `tomllib` sees it: tomllib recurses
    once per bracket (a RecursionError) and spends time and memory quadratic in a dotted key's
    length (a key of 100,000 parts took the machine's memory). One pass, strings and comments
    skipped; a dot counts toward a key until `=`, a comma, a bracket or a line's end."""
    depth = dots = 0
    i, size = 0, len(text)
    while i < size:
        found = _SCAN_STOPS.search(text, i)
        if found is None:
            break
        i = found.start()
        char = text[i]
        if char in "\"'":
            triple = text.startswith(char * 3, i)
            close = char * 3 if triple else char
            i += len(close)
            while i < size:
                if char == '"' and text[i] == "\\":
                    i += 2
                    continue
                if text.startswith(close, i):
                    i += len(close)
                    if triple:  # a closing run may be up to five quotes long; the last three close
                        while i < size and text[i] == char:
                            i += 1
                    break
                if not triple and text[i] == "\n":
                    break  # an unclosed one-line string: tomllib reports it
                i += 1
            continue
        if char == "#":
            end = text.find("\n", i)
            i = size if end < 0 else end
            continue
        if char in "[{":
            depth += 1
            dots = 0
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
            dots = 0
        elif char in "=,\n":
            dots = 0
        elif char == ".":
            dots += 1
            if dots >= limit:
                return True
        i += 1
    return False


def _read_bounded(path: Path) -> bytes:
    """The file's bytes, reading no more than one past the limit (a FIFO or a device is refused
    by its size, never read forever)."""
    with path.open("rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ConfigError([f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; this is not a sessionboard config"], path)
    return raw


def _place(prefix: str, loc: tuple[Any, ...]) -> str:
    text = prefix
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _describe(error: dict[str, Any], model: type[BaseModel]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    given = error.get("input")
    if kind == "missing":
        return "required; add it"
    if kind == "extra_forbidden":
        known = ", ".join(name for name in model.model_fields if name != "kind")
        return f"unknown key; remove it or use one of: {known}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        return f"{given!r} is not one of {expected.replace(' or ', ', ')}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "finite_number":
        return f"must be a finite number, got {given!r}"
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        return f"{error['msg'].lower()}, got {given!r}"
    if kind.endswith("_type") or kind.endswith("_parsing"):
        # Never echo the input here: a secret of the wrong type would be printed.
        return error["msg"].lower()
    return error["msg"]


def _validate(model: type[BaseModel], data: Any, prefix: str, problems: list[str]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            problems.append(f"{_place(prefix, error['loc'])}: {_describe(error, model)}")
    return None


def parse_config(data: dict[str, Any], path: Path | None = None) -> Config:
    problems: list[str] = []
    for key in data:
        if key not in TOP_LEVEL:
            problems.append(f"{key}: unknown table; use one of: {', '.join(TOP_LEVEL)}")

    app = _validate(AppSettings, data.get("app", {}), "app", problems)

    providers: list[ProviderBase] = []
    raw_providers = data.get("providers", [])
    if not isinstance(raw_providers, list):
        problems.append("providers: must be an array of tables, written [[providers]]")
        raw_providers = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_providers):
        prefix = f"providers[{index}]"
        if not isinstance(raw, dict):
            problems.append(f"{prefix}: must be a table")
            continue
        kind = raw.get("kind")
        if kind not in CONFIG_BY_KIND:
            if kind is None:
                problems.append(f"{prefix}.kind: required; one of {', '.join(KINDS)}")
            else:
                problems.append(f"{prefix}.kind: {kind!r} is not one of {', '.join(KINDS)}")
            continue
        model = CONFIG_BY_KIND[kind]
        provider = _validate(model, raw, prefix, problems)
        if provider is None:
            continue
        if provider.name in seen:
            problems.append(
                f"{prefix}.name: {provider.name!r} is already the name of providers[{seen[provider.name]}];"
                " names must be unique"
            )
            continue
        seen[provider.name] = index
        providers.append(provider)

    keys = {**DEFAULT_KEYS, **EXTRA_KEYS}
    raw_keys = data.get("keys", {})
    if not isinstance(raw_keys, dict):
        problems.append("keys: must be a table of action = \"key\"")
        raw_keys = {}
    written: dict[str, str] = {}
    for action, key in raw_keys.items():
        if action not in ALL_ACTIONS:
            problems.append(f"keys.{action}: unknown action; use one of: {', '.join(ALL_ACTIONS)}")
        elif not isinstance(key, str) or not key.strip():
            problems.append(f"keys.{action}: must be a key name such as \"ctrl+d\"")
        else:
            try:
                keys[action] = normalize_key(key.strip())
            except ValueError as exc:
                problems.append(f"keys.{action}: {exc}; write a key such as \"ctrl+d\", \"f5\" or \"slash\"")
                keys.pop(action)
            else:
                written[action] = key.strip()
    # Compared as Textual names them ("/" is "slash", "ctrl+i" is "tab"); the defaults first, so a
    # clash is reported on the action the file rebinds.
    by_key: dict[str, str] = {}
    ordered = [action for action in keys if action not in written] + [action for action in written if action in keys]
    for action in ordered:
        key = keys[action]
        for one in key.split(","):
            identity = key_identity(one)
            if identity in by_key and by_key[identity] != action:
                shown = written.get(action, key)
                also = f" ({one})" if shown != one else ""
                problems.append(
                    f"keys.{action}: {shown!r}{also} is already bound to {by_key[identity]}; choose another key"
                )
            else:
                by_key[identity] = action

    hub = _validate(HubSettings, data["hub"], "hub", problems) if "hub" in data else None

    if problems:
        raise ConfigError(problems, path)
    return Config(app=app, providers=providers, keys=keys, hub=hub, path=path)


def load_config(path: Path) -> Config:
    try:
        raw = _read_bounded(path)
    except FileNotFoundError:
        raise ConfigError(["file not found; check the path, or run `sessionboard demo`"], path) from None
    except OSError as exc:
        raise ConfigError([f"cannot read the file: {exc.strerror}"], path) from None
    too_deep = ConfigError([f"tables, arrays or keys nested more than {MAX_DEPTH} deep; this is not a sessionboard config"], path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(["not UTF-8 text; save the file as UTF-8"], path) from None
    if _nests_too_deep(text):
        raise too_deep
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"not valid TOML: {exc}"], path) from None
    except RecursionError:  # the scan above should leave none; never a traceback if it does
        raise too_deep from None
    if _too_deep(data):
        raise too_deep
    return parse_config(data, path)
