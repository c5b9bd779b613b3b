"""Rows 16-19 and 21 of issue 14: lenient where the spec allows, strict where it forbids.

- tasknet: a list answer `{}` is an empty list (its schema does not require `sessions`);
- tasknet: `fingerprintUUID` is `format: uuid` in the schema, checked before anything is sent;
- vsay: `logs` in text mode takes the `text/plain` body of a server that honours `format=text`;
- tasknet: `environment_id` is an identifier (shown, sent, never masked); secrets are masked only
  as whole values;
- rufus: a create may name any device, and that device is listed from then on.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from sessionboard.cli.commands import logs_command
from sessionboard.config import parse_config
from sessionboard.model import FieldError
from sessionboard.providers import ProviderError
from tests.providers.conftest import KEY, json_response, provider_config
from tests.providers.rawhttp import head, raw_server

# ---- tasknet {} (row 16) ---------------------------------------------------------------------------


@pytest.mark.parametrize("body", [{}, {"sessions": None}, {"sessions": []}, {"other": 1}])
async def test_a_tasknet_list_without_sessions_is_empty(make, body):
    provider, _ = make("tasknet", lambda r: json_response(200, body))
    listing = await provider.poll()
    assert list(listing) == [] and listing.warnings == ()


# ---- formats (row 17) ------------------------------------------------------------------------------

UUID = "3f2b8c1e-0d4a-4e5b-9c6d-7e8f9a0b1c2d"
CREATED = {"sessionUUID": "s-new", "fingerprintUUID": UUID, "driver": "api", "status": "running"}


@pytest.mark.parametrize("bad", ["not-a-uuid", "3f2b8c1e0d4a4e5b9c6d7e8f9a0b1c2d", "{" + UUID + "}", UUID + "x"])
async def test_fingerprint_uuid_must_be_a_uuid_before_anything_is_sent(make, bad):
    provider, rec = make("tasknet", lambda r: json_response(200, CREATED))
    with pytest.raises(FieldError) as info:
        await provider.create_session({"leaseTime": "30", "driver": "api", "fingerprintUUID": bad})
    assert str(info.value).startswith("fingerprintUUID: ") and "UUID" in str(info.value)
    assert rec.requests == []


async def test_a_uuid_is_sent_as_given(make):
    provider, rec = make("tasknet", lambda r: json_response(200, CREATED))
    session = await provider.create_session({"leaseTime": "30", "driver": "api", "fingerprintUUID": UUID})
    assert session.target == UUID
    assert json.loads(rec.requests[0].content)["fingerprintUUID"] == UUID


def test_the_only_create_field_with_a_schema_format_is_fingerprint_uuid(make):
    """seeds/tasknet-sessions.md: CreateSessionRequestBody states `format` for fingerprintUUID (uuid)
    alone; the rest are integers, booleans and enums, typed already."""
    provider, _ = make("tasknet", lambda r: json_response(200, {}))
    formats = {f.name: f.format for f in provider.create_fields() if f.format}
    assert formats == {"fingerprintUUID": "uuid"}


# ---- text logs (row 18) ----------------------------------------------------------------------------

LOG_TEXT = "2024-01-01T12:00:00Z command ls -la\n2024-01-01T12:00:01Z output total 42\n"


async def honours_format(request: bytes, writer: asyncio.StreamWriter) -> None:
    """A vsay that answers `format=text` with text/plain, and JSON otherwise."""
    if b"format=text" in request.split(b"\r\n", 1)[0]:
        body, kind = LOG_TEXT.encode(), "text/plain; charset=utf-8"
    else:
        entries = [{"timestamp": "2024-01-01T12:00:00Z", "type": "command", "content": "ls -la"}]
        body, kind = json.dumps({"success": True, "data": {"session_id": "s1", "logs": entries}}).encode(), "application/json"
    writer.write(head(content_type=kind, content_length=str(len(body))) + body)


def vsay_config(port: int) -> Any:
    return parse_config({"providers": [provider_config("vsay", base_url=f"http://127.0.0.1:{port}/v1")]})


async def test_text_logs_take_a_text_plain_body():
    from sessionboard.providers import make_providers

    async with raw_server(honours_format) as port:
        provider = make_providers(vsay_config(port))[0]
        try:
            assert await provider.logs("s1", "text") == LOG_TEXT
            entries = await provider.logs("s1", "json")
            assert [(e.type, e.content) for e in entries] == [("command", "ls -la")]
        finally:
            await provider.aclose()


async def test_the_cli_prints_text_logs(capsys):
    async with raw_server(honours_format) as port:
        status = await logs_command(vsay_config(port), "myvsay", "s1", "text")
    out, err = capsys.readouterr()
    assert status == 0 and err == ""
    assert out == LOG_TEXT


async def test_text_plain_is_not_taken_where_json_is_expected(make):
    provider, _ = make("vsay", lambda r: httpx.Response(200, content=b"all good", headers={"content-type": "text/plain"}))
    with pytest.raises(ProviderError) as info:
        await provider.list_sessions()
    assert "invalid JSON" in info.value.message


# ---- environment_id and whole-value masking (row 19) ------------------------------------------------


def tasknet(make, handler, **extra: Any):
    return make("tasknet", handler, **extra)


async def test_environment_id_is_an_identifier_sent_and_never_masked(make):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return json_response(200, CREATED)
        return json_response(404, {"message": "environment live has no such session", "code": "NOT_FOUND"})

    provider, rec = tasknet(make, handler, mode="live", environment_id="live")
    await provider.create_session({"leaseTime": "30", "driver": "api"})
    assert rec.requests[0].headers["x-environment-id"] == "live"
    with pytest.raises(ProviderError) as info:
        await provider.get_session("nope")
    assert info.value.message == (
        "GET /live/v1/sessions/nope: not found (HTTP 404): environment live has no such session (NOT_FOUND)"
    )


def test_environment_id_still_takes_env_and_file_references(tmp_path, monkeypatch):
    monkeypatch.setenv("TASKNET_ENV_ID", "env-123")
    from_env = parse_config({"providers": [provider_config("tasknet", environment_id="env:TASKNET_ENV_ID")]})
    assert from_env.providers[0].environment_id == "env-123"
    (tmp_path / "id").write_text("env-456\n")
    from_file = parse_config({"providers": [provider_config("tasknet", environment_id=f"file:{tmp_path / 'id'}")]})
    assert from_file.providers[0].environment_id == "env-456"
    assert "env-456" in repr(from_file.providers[0])  # an identifier: shown as it is, not as '**********'


async def test_a_secret_is_masked_as_a_whole_value_not_inside_other_words(make):
    body = {"message": "key live rejected; try /live/v1/sessions with a key other than 'live' (delivery)"}
    provider, _ = make("tasknet", lambda r: json_response(401, body), api_key="live", mode="live")
    with pytest.raises(ProviderError) as info:
        await provider.list_sessions()
    assert info.value.message == (
        "GET /live/v1/sessions: authentication failed (HTTP 401): key *** rejected;"
        " try /live/v1/sessions with a key other than '***' (delivery); check api_key"
    )


@pytest.mark.parametrize(
    "echo", [f"bad key {KEY}", f"Bearer {KEY}", f'{{"apiKey":"{KEY}"}}', f"key={KEY}&x=1", f"({KEY})", KEY]
)
async def test_an_api_key_echoed_in_an_error_body_is_still_masked(make, echo):
    provider, _ = make("vsay", lambda r: json_response(403, {"success": False, "message": echo}))
    with pytest.raises(ProviderError) as info:
        await provider.list_sessions()
    assert KEY not in info.value.message and "***" in info.value.message


async def test_a_fingerprint_secret_sent_on_create_is_masked_from_then_on(make):
    answers = [json_response(200, CREATED), json_response(400, {"message": "fp-SECRET-9 is revoked", "code": "X"})]
    provider, _ = make("tasknet", lambda r: answers.pop(0))
    await provider.create_session({"leaseTime": "30", "driver": "api", "fingerprintSecret": "fp-SECRET-9"})
    with pytest.raises(ProviderError) as info:
        await provider.list_sessions()
    assert "fp-SECRET-9" not in info.value.message and "*** is revoked" in info.value.message


# ---- rufus devices (row 21) ------------------------------------------------------------------------


class Rufus:
    """Sessions per device; a create adds one to the device it names."""

    def __init__(self) -> None:
        self.by_device: dict[str, list[dict[str, Any]]] = {"RUF-001": [], "RUF-002": [], "RUF-0999": []}
        self.listed: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST":
            values = json.loads(request.content)
            token = f"tok-{values['deviceid']}"
            self.by_device[values["deviceid"]].append({"token_session": token, "alias": values["alias"], "active": True})
            return json_response(201, {"body": {"token_session": token}})
        if "/device/" in path:
            device = path.rsplit("/", 1)[-1]
            self.listed.append(device)
            return json_response(200, {"body": {"result": self.by_device.get(device, [])}})
        token = path.rsplit("/", 1)[-1]
        found = [s for sessions in self.by_device.values() for s in sessions if s["token_session"] == token]
        return json_response(200, {"body": {"result": found}})


async def test_rufus_create_takes_a_device_not_in_the_list_and_lists_it_from_then_on(make):
    server = Rufus()
    provider, rec = make("rufus", server, devices=["RUF-001", "RUF-002"])
    field = next(f for f in provider.create_fields() if f.name == "deviceid")
    assert field.type == "str" and field.choices == () and field.suggestions == ("RUF-001", "RUF-002")
    session = await provider.create_session({"deviceid": "RUF-0999", "alias": "x"})
    assert json.loads(rec.requests[0].content) == {"deviceid": "RUF-0999", "alias": "x"}
    assert session.id == "tok-RUF-0999" and session.target == "RUF-0999"
    assert provider.created_note(session) == (
        "device RUF-0999 is not in this provider's devices; it is listed too for the rest of this run"
    )
    server.listed.clear()
    listing = await provider.poll()
    assert server.listed == ["RUF-001", "RUF-002", "RUF-0999"]
    assert [(s.id, s.target) for s in listing] == [("tok-RUF-0999", "RUF-0999")]


async def test_a_configured_device_needs_no_note(make):
    provider, _ = make("rufus", Rufus(), devices=["RUF-001", "RUF-002"])
    session = await provider.create_session({"deviceid": "RUF-002", "alias": "y"})
    assert provider.created_note(session) is None
    assert provider.devices == ["RUF-001", "RUF-002"]


async def test_cli_create_on_an_unlisted_device_says_so_on_stderr(capsys):
    from sessionboard.cli.commands import create_command
    from sessionboard.sim.cluster import SimCluster

    async with SimCluster(seed=1, sessions_per_provider=12) as cluster:  # seeded: RUF-002 has no active session
        rufus = cluster.sims["rufus"]
        free = next(d for d in rufus.device_ids if rufus.active_session(d) is None)
        other = next(d for d in rufus.device_ids if d != free)
        entry = next(d for d in cluster.provider_dicts() if d["kind"] == "rufus")
        config = parse_config({"providers": [{**entry, "devices": [other]}]})
        status = await create_command(config, entry["name"], [f"deviceid={free}", "alias=heat 9"])
    out, err = capsys.readouterr()
    assert status == 0
    assert json.loads(out)["target"] == free
    assert err == (
        f"sessionboard: {entry['name']}: device {free} is not in this provider's devices;"
        " it is listed too for the rest of this run\n"
    )
