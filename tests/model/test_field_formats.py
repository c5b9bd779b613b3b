"""A create field whose API schema states a format is checked before anything is sent."""

from __future__ import annotations

import pytest

from sessionboard.model import CreateField, FieldError, parse_values


def test_uuid_format_refuses_what_is_not_one() -> None:
    field = CreateField("fingerprintUUID", "Fingerprint", format="uuid")
    assert field.parse(" 3f2b8c1e-0d4a-4e5b-9c6d-7e8f9a0b1c2d ") == "3f2b8c1e-0d4a-4e5b-9c6d-7e8f9a0b1c2d"
    for bad in ("not-a-uuid", "3f2b8c1e0d4a4e5b9c6d7e8f9a0b1c2d", "{3f2b8c1e-0d4a-4e5b-9c6d-7e8f9a0b1c2d}"):
        with pytest.raises(FieldError, match="fingerprintUUID"):
            field.parse(bad)


def test_date_time_format_is_rfc3339() -> None:
    field = CreateField("at", "At", format="date-time")
    assert field.parse("2026-12-04T18:00:00.5+01:00") == "2026-12-04T18:00:00.5+01:00"
    for bad in ("2026-12-04", "2026-13-04T18:00:00Z", "yesterday", "2026-12-04T18:00:00"):
        with pytest.raises(FieldError):
            field.parse(bad)


def test_suggestions_do_not_restrict() -> None:
    fields = (CreateField("deviceid", "Device", required=True, suggestions=("RUF-001",)),)
    assert parse_values(fields, {"deviceid": "RUF-0999"}) == {"deviceid": "RUF-0999"}
