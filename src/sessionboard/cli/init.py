"""`sessionboard init`: a starting config from the example shipped in the package (a user who
installed a wheel has no `config.example.toml` to copy), written where it will be read.

The file is made with O_CREAT|O_EXCL, mode 0600: an existing file (or a symlink, even a dangling
one) is never replaced, and no other user can read the keys the user then writes in.
"""

from __future__ import annotations

import errno
import os
from importlib.resources import files
from pathlib import Path

from sessionboard.cli import output

EXAMPLE = "config.example.toml"
EXIT_OK, EXIT_FAIL = 0, 1


def example_text() -> str:
    """The shipped example (package data beside this module; a test holds it equal to the
    repository's top-level `config.example.toml`)."""
    return files("sessionboard.cli").joinpath(EXAMPLE).read_text(encoding="utf-8")


def init_target(explicit: str | None) -> Path:
    """Where the file goes: the same place the other verbs read it from (`--config`, else
    `$SESSIONBOARD_CONFIG`, else the user config dir's config.toml)."""
    from sessionboard.config.paths import ENV_VAR, default_config_path

    chosen = explicit or os.environ.get(ENV_VAR)
    return Path(chosen).expanduser() if chosen else default_config_path()


def write_new(path: Path, text: str) -> None:
    """Create `path` with `text`, mode 0600, refusing one that exists (FileExistsError). A write
    that fails half way leaves no half file behind."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except FileExistsError:  # a file where a directory should be: not "the config exists"
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path.parent)) from None
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)  # the umask may only take bits away; say exactly what is meant
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            fd = -1
            handle.write(text)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        path.unlink(missing_ok=True)
        raise


def init_command(explicit: str | None) -> int:
    path = init_target(explicit)
    try:
        write_new(path, example_text())
    except FileExistsError:
        output.error(f"{path} already exists; it was left as it is (edit it, or give --config NEWPATH)")
        return EXIT_FAIL
    except OSError as exc:
        output.error(f"cannot write {path}: {exc.strerror or type(exc).__name__}")
        return EXIT_FAIL
    output.line(f"wrote {path} (mode 0600): fill in your providers, then run `sessionboard check`")
    return EXIT_OK
