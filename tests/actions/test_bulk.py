"""The bulk runner against the simulators: every session closed, never more than the bound in
flight per provider, failures named and kept, refusals sending nothing."""

from __future__ import annotations

import pytest

from sessionboard.actions import ActionRunner, AuditLog, BulkItem, run_bulk
from sessionboard.sim.faults import Fault
from tests.actions.conftest import agents, browsers, config_for, providers_for


async def close_all(providers) -> None:
    for provider in providers.values():
        await provider.aclose()


@pytest.mark.parametrize("bound", [4, 2])
async def test_two_providers_each_bounded_every_session_closed(bound):
    tasknet, tids = browsers(30)
    agent, aids = agents(30)
    for sim in (tasknet, agent):
        sim.fault = Fault("slow", delay=0.02)  # every answer takes a moment, so the closes overlap
    sims = {"browsers": tasknet, "agents": agent}
    config = config_for(sims)
    providers = providers_for(config, sims)
    items = [BulkItem("browsers", i) for i in tids] + [BulkItem("agents", i) for i in aids]
    seen: list[tuple[str, int, int]] = []
    try:
        outcome = await run_bulk(
            ActionRunner(config, None), providers, "close", items, bound=bound,
            on_progress=lambda result, done, total: seen.append((result.session or "", done, total)),
        )
    finally:
        await close_all(providers)
    assert outcome.ok and outcome.summary() == "closed 60 of 60"
    assert [r.session for r in outcome.results] == tids + aids  # in the items' order
    assert sorted(s for s, _, _ in seen) == sorted(tids + aids)
    assert [done for _, done, _ in seen] == list(range(1, 61)) and {t for _, _, t in seen} == {60}
    assert tasknet.peak_in_flight == bound and agent.peak_in_flight == bound  # the bound, reached, never passed
    assert sorted(p for m, p in tasknet.requests if m == "DELETE") == sorted(f"/live/v1/sessions/{i}" for i in tids)
    assert all(tasknet.modes["live"][i].status == "terminated" for i in tids)
    assert not any(i in agent.sessions for i in aids)


async def test_failures_are_named_in_the_summary_and_kept_for_a_retry():
    tasknet, tids = browsers(5)
    sims = {"browsers": tasknet}
    config = config_for(sims)
    providers = providers_for(config, sims)
    gone = ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002",
            "00000000-0000-4000-8000-000000000003", "00000000-0000-4000-8000-000000000004"]
    items = [BulkItem("browsers", i) for i in [*tids[:3], *gone, *tids[3:]]] + [BulkItem("nosuch", "x")]
    try:
        outcome = await run_bulk(ActionRunner(config, None), providers, "close", items)
    finally:
        await close_all(providers)
    assert not outcome.ok
    assert [(item.provider, item.session) for item in outcome.failed_items()] == [
        *(("browsers", i) for i in gone), ("nosuch", "x")
    ]
    summary = outcome.summary()
    assert summary.startswith(f"closed 5 of 10; 5 failed: browsers {gone[0]}: DELETE /live/v1/sessions/{gone[0]}: not found")
    assert summary.endswith("; and 2 more") and gone[2] in summary and gone[3] not in summary


async def test_a_read_only_provider_is_refused_once_and_sent_nothing_while_the_other_acts():
    tasknet, tids = browsers(3)
    agent, aids = agents(3)
    sims = {"browsers": tasknet, "agents": agent}
    config = config_for(sims, agents={"read_only": True})
    providers = providers_for(config, sims)
    items = [BulkItem("agents", i) for i in aids] + [BulkItem("browsers", i) for i in tids]
    try:
        outcome = await run_bulk(ActionRunner(config, None), providers, "close", items)
    finally:
        await close_all(providers)
    assert agent.requests == []
    assert [r.message for r in outcome.failed] == ["agents is read-only (read_only = true)"] * 3
    assert [r.ok for r in outcome.results[3:]] == [True] * 3
    assert outcome.summary().startswith("closed 3 of 6; 3 failed: agents ")


async def test_a_required_audit_log_that_cannot_be_written_refuses_before_sending(tmp_path):
    tasknet, tids = browsers(3)
    sims = {"browsers": tasknet}
    config = config_for(sims, app={"audit": "required"})
    providers = providers_for(config, sims)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    audit = AuditLog(blocker / "audit.jsonl", via="console", policy="required")
    try:
        outcome = await run_bulk(ActionRunner(config, audit), providers, "close", [BulkItem("browsers", i) for i in tids])
    finally:
        await close_all(providers)
    assert tasknet.requests == []
    assert {r.message for r in outcome.results} == {
        f'audit log {blocker / "audit.jsonl"} cannot be written (File exists); [app] audit = "required" refuses actions'
    }


async def test_a_bulk_action_writes_one_audit_line_per_session(tmp_path):
    import json

    tasknet, tids = browsers(4)
    sims = {"browsers": tasknet}
    config = config_for(sims)
    providers = providers_for(config, sims)
    path = tmp_path / "state" / "audit.jsonl"
    audit = AuditLog(path, via="console")
    try:
        await run_bulk(ActionRunner(config, audit), providers, "extend",
                       [BulkItem("browsers", i) for i in tids], {"minutes": 45, "allow_shorten": False})
    finally:
        audit.close()
        await close_all(providers)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert sorted(line["session"] for line in lines) == sorted(tids)
    assert {(line["via"], line["action"], line["ok"]) for line in lines} == {("console", "extend", True)}
    assert all(line["params"] == {"minutes": 45, "allow_shorten": False} for line in lines)
    assert all(tasknet.modes["live"][i].lease == 45 for i in tids)
