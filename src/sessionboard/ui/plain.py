"""Provider text as the console's widgets take it: through the one sanitizer, and never as markup.

`model.safe_text` makes a provider's string fit for a terminal (every control byte a visible
escape). Textual adds a second trap: in many places a `str` is read as content markup, and some of
those have no `markup=False` switch (border titles, tab labels, button and checkbox labels, option
prompts, the cells of Rich and Textual tables). There `[/]` in a session id raises `MarkupError`
and stops the console, and `[@click=app.quit]QUIT[/]` becomes a link that runs an action. A
`Content` (or a Rich `Text`) built from the text is shown as it is, so those places take `plain()`
or `plain_text()`; `Static` and `Label` take the sanitized `str` with `markup=False`. The guard in
tests/ui/test_untrusted_guard.py checks the source keeps to this.

The limits bound what one field can cost a view: a provider may send a 50 MB name, and a line of
the screen shows a few hundred characters at most. What is cut is said (`safe_text`'s note).
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from sessionboard.model import safe_text

LINE_LIMIT = 300
"""Characters of one provider string in a title, a tab label, a status line, an option or a cell."""
MESSAGE_LIMIT = 2000
"""Characters of a toast or a dialog's question, a provider's error message among them."""


def plain(value: object, *, limit: int | None = LINE_LIMIT) -> Content:
    """`value` as Textual content that is never read as markup, control bytes escaped."""
    return Content(safe_text(value, limit=limit))


def plain_text(value: object, *, limit: int | None = LINE_LIMIT, style: str = "") -> Text:
    """The same for Rich renderables (a `Table` cell reads a `str` as markup too)."""
    return Text(safe_text(value, limit=limit), style=style)
