"""The CLI's one way out: only `cli/output.py` writes to stdout or stderr, so every line a verb
prints has passed `safe_text` or `safe_json` (issue 14: "an import contract or a test makes sure no
other path prints provider text")."""

from __future__ import annotations

import ast
from pathlib import Path

import sessionboard.cli

CLI = Path(sessionboard.cli.__file__).parent
WRITERS = {"print", "write", "writelines"}


def _writes(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in WRITERS:
                lines.append(node.lineno)
    return lines


def test_only_the_output_module_writes() -> None:
    found = {}
    for path in sorted(CLI.glob("*.py")):
        if path.name == "output.py":
            continue
        lines = _writes(ast.parse(path.read_text()))
        if path.name == "init.py":  # the new config file's own text, not a terminal's
            lines = [n for n in lines if "handle.write(" not in path.read_text().splitlines()[n - 1]]
        if path.name == "main.py":  # --version: our own version string
            lines = [n for n in lines if "__version__" not in path.read_text().splitlines()[n - 1]]
        if lines:
            found[path.name] = lines
    assert found == {}, f"print/write outside cli/output.py: {found}"


def test_the_contract_sees_a_print() -> None:
    assert _writes(ast.parse("import sys\nprint('x')\nsys.stderr.write('y')\n")) == [2, 3]
