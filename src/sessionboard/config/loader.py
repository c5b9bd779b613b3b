"""Reading the file: every problem found at once, each as `place: what is wrong; the fix`."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, ValidationError

from sessionboard.config.keys import ALL_ACTIONS, DEFAULT_KEYS, EXTRA_KEYS, KINDS
from sessionboard.config.models import CONFIG_BY_KIND, AppSettings, Config, HubSettings, ProviderBase
from sessionboard.errors import ConfigError, NoConfigError

TOP_LEVEL = ("app", "providers", "keys", "hub")


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
    for action, key in raw_keys.items():
        if action not in ALL_ACTIONS:
            problems.append(f"keys.{action}: unknown action; use one of: {', '.join(ALL_ACTIONS)}")
        elif not isinstance(key, str) or not key.strip():
            problems.append(f"keys.{action}: must be a key name such as \"ctrl+d\"")
        else:
            keys[action] = key.strip()
    by_key: dict[str, str] = {}
    for action, key in keys.items():
        if key in by_key:
            problems.append(f"keys.{action}: {key!r} is already bound to {by_key[key]}; choose another key")
        else:
            by_key[key] = action

    hub = _validate(HubSettings, data["hub"], "hub", problems) if "hub" in data else None

    if problems:
        raise ConfigError(problems, path)
    return Config(app=app, providers=providers, keys=keys, hub=hub, path=path)


def load_config(path: Path) -> Config:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(["file not found; check the path, or run `sessionboard demo`"], path) from None
    except OSError as exc:
        raise ConfigError([f"cannot read the file: {exc.strerror}"], path) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(["not UTF-8 text; save the file as UTF-8"], path) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"not valid TOML: {exc}"], path) from None
    return parse_config(data, path)


def save_theme(path: Path, theme: str) -> None:
    """Write the chosen theme back, keeping every other value of the file as it was.

    tomli-w cannot keep comments; the values stay, the comments of a hand-written file go.
    """
    data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data.setdefault("app", {})["theme"] = theme
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(tomli_w.dumps(data), encoding="utf-8")
    tmp.replace(path)
