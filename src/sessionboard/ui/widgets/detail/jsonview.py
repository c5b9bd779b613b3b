"""The detail pane's JSON in colour, the way `jq` shows it: keys, strings, numbers, true / false
and null each their own colour, taken from the theme (`$text-primary`, `$text-success`...), so a
light theme reads as well as a dark one.

The text is already made safe and bounded (`raw_view`): this only adds spans over it, one pass of
one regular expression, so colouring costs a fraction of laying the text out.
"""

from __future__ import annotations

import re

from textual.content import Content, Span

_TOKEN = re.compile(
    r'(?P<string>"(?:[^"\\\n]|\\.)*")(?P<colon>[ \t]*:)?'
    r"|(?P<number>-?\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b)"
    r"|\b(?P<literal>true|false)\b"
    r"|\b(?P<null>null)\b"
)
KEY_STYLE = "bold $text-primary"
STRING_STYLE = "$text-success"
NUMBER_STYLE = "$text-warning"
LITERAL_STYLE = "$text-accent"
NULL_STYLE = "italic $text-muted"


def json_content(text: str) -> Content:
    """`text` (indented JSON as `raw_view` makes it) as content with a span per token: a string
    before a `:` is a key. Anything that is not JSON (a note of what was cut) stays as it is."""
    spans: list[Span] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("string", "colon"):
            style = KEY_STYLE if match.group("colon") else STRING_STYLE
            spans.append(Span(match.start("string"), match.end("string"), style))
        elif kind == "number":
            spans.append(Span(match.start(), match.end(), NUMBER_STYLE))
        elif kind == "literal":
            spans.append(Span(match.start(), match.end(), LITERAL_STYLE))
        else:
            spans.append(Span(match.start(), match.end(), NULL_STYLE))
    return Content(text, spans=spans)
