"""`sessionboard simulate` as a child process: for the CLI's end-to-end tests and the benchmarks,
which need the simulators in another process (real sockets, their CPU not counted as ours)."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType


class SimProcess:
    def __init__(self, workdir: Path, *, sessions: int | None = None, seed: int = 1, timeout: float = 60) -> None:
        self.workdir = workdir
        self.sessions = sessions
        self.seed = seed
        self.timeout = timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self.config_path = workdir / "simulate.toml"
        self.config_text = ""

    def start(self) -> SimProcess:
        args = [sys.executable, "-m", "sessionboard", "simulate", "--seed", str(self.seed)]
        if self.sessions is not None:
            args += ["--sessions", str(self.sessions)]
        self.proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=self.workdir
        )
        assert self.proc.stdout is not None and self.proc.stderr is not None
        out, err = bytearray(), bytearray()
        deadline = time.monotonic() + self.timeout
        # The config goes to stdout first; "serving on" to stderr after it, so once that line is in,
        # everything the config has is already in the stdout pipe.
        while b"serving on" not in err:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"simulate did not start: {bytes(err).decode(errors='replace')[-500:]}")
            ready, _, _ = select.select([self.proc.stdout, self.proc.stderr], [], [], 0.2)
            for stream in ready:
                chunk = os.read(stream.fileno(), 65536)
                (out if stream is self.proc.stdout else err).extend(chunk)
        while select.select([self.proc.stdout], [], [], 0.2)[0]:
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                break
            out.extend(chunk)
        self.config_text = out.decode()
        self.config_path.write_text(self.config_text)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> SimProcess:
        return self.start()

    def __exit__(self, *exc: object | TracebackType) -> None:
        self.stop()
