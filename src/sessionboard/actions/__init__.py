"""The actions core: every operation that changes a session, the read-only gate, the audit log and
the bounded bulk runner, with no Textual and no CLI in it, so the console's keys and palette and
the CLI's verbs reach the same code (DESIGN.md: "actions through one registry")."""

from sessionboard.actions.audit import AuditLog, audit_path
from sessionboard.actions.bulk import DEFAULT_BOUND, BulkItem, BulkOutcome, run_bulk
from sessionboard.actions.operations import ACTIONS, ActionSpec
from sessionboard.actions.outcome import ActionResult, Refused
from sessionboard.actions.readonly import ReadOnlyGate
from sessionboard.actions.runner import ActionRunner

__all__ = [
    "ACTIONS",
    "DEFAULT_BOUND",
    "ActionResult",
    "ActionRunner",
    "ActionSpec",
    "AuditLog",
    "BulkItem",
    "BulkOutcome",
    "ReadOnlyGate",
    "Refused",
    "audit_path",
    "run_bulk",
]
