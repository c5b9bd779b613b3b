"""The create form: a refused create keeps the form open with the values typed and the provider's
error in it; devices that already have an active session are marked; a free-text field offers
its suggestions beside it; after a create the new session is selected. At the three sizes."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Button, Input, Label, OptionList, Select

from sessionboard.model import CreateField, Session
from sessionboard.ui.screens.create import CreateScreen
from tests.ui.helpers import console, select, wait_for

SIZES = [(80, 24), (120, 35), (200, 50)]


def posts(cluster: Any, kind: str, path: str) -> int:
    return sum(1 for m, p in cluster.sims[kind].requests if m == "POST" and p == path)


async def open_form(pilot: Any, screen: Any, provider: str) -> CreateScreen:
    select(screen, provider)
    await pilot.press("c")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CreateScreen), "the create form")
    form = pilot.app.screen
    assert isinstance(form, CreateScreen) and form.provider == provider
    await pilot.pause()
    return form


def label_text(form: CreateScreen, selector: str) -> str:
    return str(form.query_one(selector, Label).render())


def offered(select: Select[str]) -> list[str]:
    """The lines a Select's list shows when opened (its overlay is an OptionList)."""
    return [str(option.prompt) for option in select.query_one(OptionList).options]


@pytest.mark.parametrize("size", SIZES)
async def test_a_refused_create_keeps_the_form_with_the_values_and_the_providers_error(
    size: tuple[int, int],
) -> None:
    async with console(size=size, poll_interval=600) as (cluster, app, pilot, screen):
        busy = next(screen.table.session(k) for k in screen.table.keys() if k[0] == "timing")
        form = await open_form(pilot, screen, "timing")
        device = form.query_one("#field-deviceid", Input)  # any device id, the configured ones suggested
        await pilot.click("#field-deviceid")
        await pilot.press(*str(busy.target))
        assert f"{busy.target} is in use: active session" in label_text(form, "#note-deviceid")
        await pilot.click("#field-alias")
        await pilot.press(*"heat 9", "enter")
        await wait_for(pilot, lambda: "refused" in label_text(form, "#errors"), "the refusal in the form")
        assert posts(cluster, "rufus", "/sessions") == 1
        assert app.screen is form  # still open...
        assert f"already has an active session" in label_text(form, "#errors")
        assert device.value == busy.target  # ...with every value as typed
        assert form.query_one("#field-alias", Input).value == "heat 9"
        button = form.query_one("#create", Button)
        assert not button.disabled and str(button.label) == "Create"
        frame = form.query_one("Vertical").content_region
        assert frame.contains_region(form.query_one("#errors").region)  # the error is on screen
        assert frame.contains_region(button.region)

        # The device is freed elsewhere; the same form, pressed again, creates and closes.
        cluster.sims["rufus"].close(busy.id)
        await pilot.click("#create")
        await wait_for(pilot, lambda: app.screen is screen, "the form closed on success")
        assert posts(cluster, "rufus", "/sessions") == 2
        assert screen.last_result is not None and screen.last_result.ok
        created = screen.last_result.session
        assert created is not None
        await wait_for(pilot, lambda: screen.table.cursor_key == created, "the new session selected")
        new = screen.table.session(created)
        assert new is not None and new.name == "heat 9" and new.target == busy.target


@pytest.mark.parametrize("size", SIZES)
async def test_after_a_create_the_new_session_is_selected(size: tuple[int, int]) -> None:
    async with console(size=size, poll_interval=600) as (cluster, app, pilot, screen):
        before = set(screen.table.keys())
        form = await open_form(pilot, screen, "browsers")
        form.query_one("#field-leaseTime", Input).value = "15"
        form.query_one("#field-driver", Select).value = "api"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, "the form closed")
        await wait_for(pilot, lambda: len(set(screen.table.keys()) - before) == 1, "the new row")
        (new,) = set(screen.table.keys()) - before
        await wait_for(pilot, lambda: screen.table.cursor_key == new, "the new session selected")
        assert screen.detail.session is not None and screen.detail.session.key == new
        row = screen.table.cursor_row
        top = screen.table.scroll_offset.y
        assert top <= row < top + screen.table.scrollable_content_region.height - 1  # and shown
        assert screen.table.session(new).raw["currentLeaseTime"] == 15


async def test_the_marks_come_from_the_listed_sessions() -> None:
    async with console(size=(120, 35), poll_interval=600) as (cluster, app, pilot, screen):
        active = {s.target for k in screen.table.keys() if (s := screen.table.session(k)) and k[0] == "timing"}
        form = await open_form(pilot, screen, "timing")
        marks = form.taken.get("deviceid", {})
        assert set(marks) == active and active
        lines = offered(form.query_one("#pick-deviceid", Select))
        for device in active:
            (line,) = [line for line in lines if line.startswith(device)]
            assert line.endswith("· in use"), line


class FormApp(App[None]):
    """The form alone, on a field that takes any device id and suggests the configured ones."""

    FIELDS = (
        CreateField("deviceid", "Device", required=True, suggestions=("RUF-001", "RUF-002")),
        CreateField("alias", "Alias"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[dict[str, Any]] = []

    def on_mount(self) -> None:
        taken = {"deviceid": {"RUF-002": "active session heat 1 (tok)"}}
        self.push_screen(CreateScreen("timing", "rufus", self.FIELDS, send=self.sent.append, taken=taken))


@pytest.mark.parametrize("size", SIZES)
async def test_a_suggestions_field_offers_a_list_and_takes_free_text(size: tuple[int, int]) -> None:
    app = FormApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CreateScreen)
        box = form.query_one("#field-deviceid", Input)
        picker = form.query_one("#pick-deviceid", Select)
        lines = [line for line in offered(picker) if line.startswith("RUF")]
        assert lines == ["RUF-001", "RUF-002  · in use"]
        assert form.query_one("#note-deviceid").display is False  # nothing chosen yet

        picker.value = "RUF-002"  # picked from the list: the field takes it, and says it is in use
        await pilot.pause()
        assert box.value == "RUF-002"
        assert "RUF-002 is in use: active session heat 1 (tok)" in label_text(form, "#note-deviceid")

        await pilot.click("#field-deviceid")
        await pilot.press("end", *["backspace"] * 7, *"RUF-777")  # any other id is taken as typed
        assert box.value == "RUF-777" and picker.is_blank()
        assert form.query_one("#note-deviceid").display is False
        await pilot.press("enter")
        assert app.sent == [{"deviceid": "RUF-777"}]
        assert str(form.query_one("#create", Button).label) == "Creating…"
        await pilot.press("enter")  # pressed again while it is on its way: not sent twice
        assert len(app.sent) == 1
        form.failed("device RUF-777 is unknown")
        await pilot.pause()
        assert "timing refused it: device RUF-777 is unknown" in label_text(form, "#errors")
        assert box.value == "RUF-777"
