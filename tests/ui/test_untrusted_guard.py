"""The guard: no path in the console's source shows a string as markup.

Textual reads a `str` as content markup in many places. Provider text in any of them is a hole:
`[/]` in a session id raises `MarkupError` and stops the console, `[@click=app.quit]QUIT[/]`
becomes a link that runs an action. This test walks the console's source (`ui/`, and
`terminal/widget.py`, the terminal widget it shows) and fails on any of these:

1. **A markup switch left on.** `Static(...)`, `Label(...)` and `RichLog(...)` are built with
   `markup=False`, always: a `str` they are given, or later `update`d with, is then text. (One rule
   for all, literal or not: a literal today is an f-string tomorrow.)
2. **A markup sink fed a string.** Places with no switch take only an inert value: a string literal
   (no placeholders), what `plain()` / `plain_text()` / `Content(...)` / `Text(...)` build, or a
   local name its function only ever binds to one of those.
   The sinks: assignments to `.border_title`, `.border_subtitle` and `.label` (`self.label` only
   in a subclass of a widget whose label is markup); the label or prompt of `Button`,
   `Checkbox`, `RadioButton`, `Option`, `Tab` and `TabPane`; every cell given to `.add_row(...)`
   (Rich's `Table` and Textual's `DataTable` both read a `str` cell as markup); the argument of
   `from_markup(...)` and `render_str(...)`.
3. **A toast around the boundary.** Every toast goes through `SessionboardApp.notify`, which
   escapes its text and turns markup off (its own test is in test_untrusted_text.py): nothing
   else here builds a `Notification` or a `Notify` message itself.
4. **`markup=True` anywhere.**

What this cannot see, and what covers it instead: that a `str` handed to a `markup=False` widget
was escaped (control bytes are not markup). The console tests in test_untrusted_text.py run the
console over sessions full of terminal controls and check the bytes it writes to its terminal.
The palette's entries (`commands.py`) are the console's own words and are not checked here.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import sessionboard

SOURCE = Path(sessionboard.__file__).parent

SWITCHED = frozenset({"Static", "Label", "RichLog"})
LABELLED = {  # callee -> (positional index, keyword) of the argument read as markup
    "Button": (0, "label"),
    "Checkbox": (0, "label"),
    "RadioButton": (0, "label"),
    "Option": (0, "prompt"),
    "Tab": (0, "label"),
    "TabPane": (0, "title"),
    "from_markup": (0, "markup"),
    "render_str": (0, "text_content"),
}
SINK_ATTRIBUTES = frozenset({"border_title", "border_subtitle", "label"})
INERT_BUILDERS = frozenset({"plain", "plain_text", "Content", "Text"})
TOAST_TYPES = frozenset({"Notification", "Notify", "SafeNotification"})
THE_TOAST_DOOR = ("ui/app.py", "notify")
"""`SessionboardApp.notify`: the one place a toast is built (from escaped text, markup off)."""
LABEL_OWNERS = frozenset({"Tab", "Button", "ToggleButton", "Checkbox", "RadioButton"})
"""Widgets whose own `label` is markup: `self.label = ...` in their subclasses is a sink."""


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    rule: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}"


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _keyword(call: ast.Call, name: str) -> ast.keyword | None:
    return next((k for k in call.keywords if k.arg == name), None)


def _is_constant(node: ast.expr | None, value: bool) -> bool:
    return isinstance(node, ast.Constant) and node.value is value


class _Checker(ast.NodeVisitor):
    """One pass over a module. A local name counts as inert when every assignment to it in its
    function is inert (`content = Text()`, then `content = Text(...)`): enough to follow what a
    function builds and hands to a sink, without guessing at types."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[Violation] = []
        self.scopes: list[dict[str, list[ast.expr]]] = [{}]
        self.classes: list[set[str]] = []
        self.functions: list[str] = []

    # -- scopes --------------------------------------------------------------------------------
    def _enter(self, node: ast.AST, body: list[ast.stmt]) -> None:
        assigned: dict[str, list[ast.expr]] = {}
        for child in body:
            for sub in ast.walk(child):
                if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)) and sub is not node:
                    continue
                if isinstance(sub, ast.Assign):
                    for target in sub.targets:
                        if isinstance(target, ast.Name):
                            assigned.setdefault(target.id, []).append(sub.value)
                elif isinstance(sub, ast.AnnAssign) and isinstance(sub.target, ast.Name) and sub.value is not None:
                    assigned.setdefault(sub.target.id, []).append(sub.value)
        self.scopes.append(assigned)

    def visit_Module(self, node: ast.Module) -> None:
        self.scopes = []
        self._enter(node, node.body)
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._enter(node, node.body)
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append({name for name in map(_name, node.bases) if name})
        self.generic_visit(node)
        self.classes.pop()

    # -- what is inert -------------------------------------------------------------------------
    def inert(self, node: ast.expr, seen: frozenset[str] = frozenset()) -> bool:
        """True when `node` can never be read as markup: a literal, a Content/Text builder's
        result, or a local name only ever bound to one of those."""
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.JoinedStr):
            return all(isinstance(part, ast.Constant) for part in node.values)
        if isinstance(node, ast.Call):
            return _name(node.func) in INERT_BUILDERS
        if isinstance(node, ast.IfExp):
            return self.inert(node.body, seen) and self.inert(node.orelse, seen)
        if isinstance(node, ast.Name) and node.id not in seen:
            values = self.scopes[-1].get(node.id) if self.scopes else None
            return bool(values) and all(self.inert(v, seen | {node.id}) for v in values or ())
        if isinstance(node, ast.Starred):
            value = node.value
            if isinstance(value, (ast.GeneratorExp, ast.ListComp)):
                return self.inert(value.elt, seen)
            if isinstance(value, (ast.Tuple, ast.List)):
                return all(self.inert(element, seen) for element in value.elts)
        return False

    # -- the rules -------------------------------------------------------------------------------
    def flag(self, node: ast.AST, rule: str) -> None:
        self.found.append(Violation(self.path, getattr(node, "lineno", 0), rule))

    def visit_Call(self, node: ast.Call) -> None:
        name = _name(node.func)
        markup = _keyword(node, "markup")
        if markup is not None and _is_constant(markup.value, True):
            self.flag(node, f"{name}(markup=True)")
        if name in SWITCHED and (markup is None or not _is_constant(markup.value, False)):
            self.flag(node, f"{name}(...) without markup=False")
        if name in LABELLED:
            index, keyword = LABELLED[name]
            given = _keyword(node, keyword)
            for value in (node.args[index] if len(node.args) > index else None, given.value if given else None):
                if value is not None and not self.inert(value):
                    self.flag(node, f"{name}(...) given a str that is read as markup: use plain()")
        if name == "add_row" and not all(self.inert(argument) for argument in node.args):
            self.flag(node, "add_row(...) cell that is read as markup: use plain_text()")
        if name in TOAST_TYPES and (self.path, self.functions[-1] if self.functions else "") != THE_TOAST_DOOR:
            self.flag(node, f"{name}(...) built directly: toasts go through App.notify")
        self.generic_visit(node)

    def _assigned(self, node: ast.stmt, targets: list[ast.expr], value: ast.expr | None) -> None:
        for target in targets:
            if not isinstance(target, ast.Attribute) or target.attr not in SINK_ATTRIBUTES or value is None:
                continue
            own = isinstance(target.value, ast.Name) and target.value.id == "self"
            if target.attr == "label" and own and not (self.classes and self.classes[-1] & LABEL_OWNERS):
                continue  # an attribute of a class of ours that merely has that name
            if not self.inert(value):
                self.flag(node, f".{target.attr} = a str that is read as markup: use plain()")

    def visit_Assign(self, node: ast.Assign) -> None:
        self._assigned(node, node.targets, node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._assigned(node, [node.target], node.value)
        self.generic_visit(node)


def check_source(text: str, path: str = "<snippet>") -> list[Violation]:
    checker = _Checker(path)
    checker.visit(ast.parse(text))
    return checker.found


def checked_files() -> list[Path]:
    """The console's widgets and screens, and the terminal widget it shows."""
    return sorted((SOURCE / "ui").rglob("*.py")) + [SOURCE / "terminal" / "widget.py"]


def test_no_path_in_the_console_reads_a_string_as_markup() -> None:
    violations: list[Violation] = []
    for path in checked_files():
        violations += check_source(path.read_text(encoding="utf-8"), str(path.relative_to(SOURCE)))
    assert not violations, "provider text may be read as markup:\n" + "\n".join(map(str, violations))


def test_the_guard_catches_each_kind_of_hole() -> None:
    """Each rule, broken once: the guard must name it (else the test above proves nothing)."""
    holes = {
        'Label(f"{session.id}")': "without markup=False",
        'Static(text, markup=True)': "markup=True",
        "self.notify(message, markup=True)": "markup=True",
        'box.border_title = f"logs · {session.id}"': ".border_title",
        "pane.label = session.name": ".label",
        'Button(f"{yes} (y)")': "Button",
        "Option(label, id=x)": "Option",
        "TabPane(label, id=x)": "TabPane",
        "Checkbox(label=spec.help)": "Checkbox",
        "table.add_row(name, str(count))": "add_row",
        "table.add_row(*row.cells())": "add_row",
        "Content.from_markup(message)": "from_markup",
        "self.post_message(Notify(Notification(text, '', 'information', 3)))": "Notification",
    }
    for snippet, rule in holes.items():
        found = check_source(snippet)
        assert any(rule in v.rule for v in found), (snippet, found)


def test_the_guard_passes_what_is_safe() -> None:
    safe = [
        'Label(question, markup=False)',
        'Static(detail_text(s), id="x", markup=False)',
        'box.border_title = plain(f"logs · {session.id}")',
        'box.border_title = "keys"',
        'self.border_title = plain(x) if session else "detail"',
        'Button("Cancel", id="cancel")',
        'Option(plain(label), id=x)',
        'table.add_row(*(plain_text(cell) for cell in row.cells()), key=row.device)',
        'grid.add_row("sessions", plain_text(count))',
        'tab.label = Content(text)',
    ]
    for snippet in safe:
        assert check_source(snippet) == [], snippet
