"""The VNC part of a tasknet session's detail: enabled, mode, and the password, masked.

The password is not in the session at all (the adapter masks `raw`); it is fetched only when the
user asks to reveal or copy it, shown for `REVEAL_SECONDS` at most, and kept nowhere else."""

from __future__ import annotations

from rich.text import Text

from sessionboard.model import Session, safe_text

REVEAL_SECONDS = 10.0
MASK = "***"


def vnc_text(session: Session, revealed: str | None = None, *, reveal_key: str = "v", copy_key: str = "y") -> Text:
    raw = session.raw if isinstance(session.raw, dict) else {}
    enabled = raw.get("isVncEnabled")
    text = Text()
    text.append("\nVNC\n", style="bold underline")
    text.append(f"{'enabled':<14}", style="bold")
    text.append(("yes" if enabled else "no" if enabled is not None else "—") + "\n")
    text.append(f"{'mode':<14}", style="bold")
    mode = safe_text(raw.get("vncMode"), limit=100)
    text.append((f"{mode} ({'read-write' if mode == 'rw' else 'read-only' if mode == 'ro' else mode})" if mode else "—") + "\n")
    text.append(f"{'password':<14}", style="bold")
    if not enabled:
        text.append("—\n", style="dim")
    elif revealed is not None:
        text.append(safe_text(revealed, limit=200), style="bold reverse")
        text.append(f"  (shown for {REVEAL_SECONDS:g}s; {reveal_key} hides)\n", style="dim")
    else:
        text.append(MASK)
        text.append(f"  ({reveal_key} reveals, {copy_key} copies)\n", style="dim")
    return text
