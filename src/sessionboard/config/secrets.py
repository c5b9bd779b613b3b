"""Secret references (`env:NAME`, `file:PATH`, or a literal) resolved once, at load time, into
`SecretStr`, so nothing past the config layer ever holds a secret as a printable string."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import SecretStr


def resolve_secret(reference: str) -> SecretStr:
    """Raises ValueError with a message that names the variable or file, never the value."""
    if reference.startswith("env:"):
        name = reference[4:].strip()
        if not name:
            raise ValueError("'env:' needs a variable name, as in env:MY_API_KEY")
        value = os.environ.get(name)
        if value is None:
            raise ValueError(f"environment variable {name} is not set; export it, or write the key here")
        return SecretStr(value)
    if reference.startswith("file:"):
        path = Path(reference[5:].strip()).expanduser()
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise ValueError(f"cannot read secret file {path}: {reason}; check the path") from None
        lines = text.splitlines()
        first = lines[0].strip() if lines else ""
        if not first:
            raise ValueError(f"secret file {path} is empty; put the key on its first line")
        return SecretStr(first)
    return SecretStr(reference)
