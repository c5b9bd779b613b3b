"""The one trust boundary for text: everything a provider sends that reaches a person passes here.

A provider controls names, users, targets, ids, hosts, timestamps and error bodies. Written to a
terminal as they are, their bytes are instructions to it: OSC 0 sets the window title, OSC 52
writes the clipboard, `CSI 2 J` wipes the screen, a lone CR or BS hides what was printed before,
and C1 controls (`\\x9b` is CSI) do the same in one byte. `safe_text` turns every such character
into a visible escape (`\\x1b`, `\\x9b`, `\\u202e`), the way `less` shows raw bytes, so the text is
still there to read and none of it acts. It returns a plain `str`: the UI must still show it as
text, never as markup (`rich.text.Text`, `markup=False`), because `[...]` is Rich's syntax.

What is escaped, and why:
- C0 (U+0000-U+001F) but newline and tab where a multi-line view wants them, DEL, C1
  (U+0080-U+009F): terminal controls.
- Unicode bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) and the line and
  paragraph separators (U+2028, U+2029): they reorder or break what the operator reads.
- Lone surrogates (U+D800-U+DFFF), which JSON's `\\ud800` can produce: a terminal cannot be
  sent them, and encoding them for stdout raises.

`safe_json` is the same boundary for `--json` output: valid JSON with the content kept, C0
escaped by `json` itself and the rest above escaped as `\\uXXXX` too.
"""

from __future__ import annotations

import json
import re
from typing import Any

_UNSAFE_CLASS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE_LINE = re.compile(f"[\t\n{_UNSAFE_CLASS}]")
"""One line (a table cell, a title, a toast, a stderr line): newline and tab are escaped too."""
_UNSAFE_BLOCK = re.compile(f"[{_UNSAFE_CLASS}]")
"""A multi-line view (the detail pane's JSON, a log): newline and tab are kept."""
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}

TRUNCATED = "… ({more} more characters)"


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def safe_text(value: object, *, multiline: bool = False, limit: int | None = None) -> str:
    """`value` as text fit to show a person: every control character a visible escape.

    `None` is the empty string; anything else that is not a string is shown by `str()` (a number
    where a name was expected is still shown, as text). `limit` bounds the length (in characters,
    before escaping): the rest is cut and said so, so one huge field cannot freeze a view.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    more = 0
    if limit is not None and len(text) > limit:
        more = len(text) - limit
        text = text[:limit]
    pattern = _UNSAFE_BLOCK if multiline else _UNSAFE_LINE
    if pattern.search(text) is not None:
        text = pattern.sub(_escape, text)
    if more:
        text += TRUNCATED.format(more=f"{more:,}")
    return text


def is_safe(text: str, *, multiline: bool = False) -> bool:
    """True when `text` holds no character `safe_text` would escape (tests and asserts use it)."""
    return (_UNSAFE_BLOCK if multiline else _UNSAFE_LINE).search(text) is None


def _escape_json(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def safe_json(value: Any, *, indent: int | None = None, sort_keys: bool = False) -> str:
    """`json.dumps` for output a person's terminal may show: valid JSON, content kept, and no
    character left raw that a terminal would act on (json escapes only C0 with ensure_ascii off).

    Outside string literals JSON holds only ASCII, so escaping these characters anywhere in the
    output only ever touches the inside of strings, where `\\uXXXX` means the same character.
    """
    text = json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=sort_keys, default=str)
    if _UNSAFE_IN_JSON.search(text) is not None:
        text = _UNSAFE_IN_JSON.sub(_escape_json, text)
    return text
