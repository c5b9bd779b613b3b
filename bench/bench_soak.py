"""Memory of a console left running: `sessionboard demo` with its churn sped up, RSS over time.

The demo runs as a person runs it, in a terminal (a pty this script holds, 160x45, its output read
and thrown away), with two changes: the simulators churn every 0.1-0.3 s instead of every 1-3 s,
and the console polls every 0.5 s instead of every 2 s, so one run covers hours of an ordinary
demo. `[app] keep_ended` keeps its default. Every `--every` seconds the resident memory (VmRSS)
of the console and of the simulators' process is printed. Growth is the median of the last three
samples less the median of the first three after the warm-up; the goal (issue 14, row 22) is
under 2 MB for each across the run.

`--tracemalloc` (diagnosis, slower) has the console write the allocation sites that grew most
between the end of the warm-up and the end of the run to `--trace-file`.

Run: .venv/bin/python bench/bench_soak.py [--seconds 600] [--warmup 120] [--every 15]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import termios
import threading
import time
from pathlib import Path

GOAL_MB = 2.0
CHURN_EVERY = (0.1, 0.3)
POLL_INTERVAL = 0.5


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            found += [int(child) for child in text]
    except OSError:
        pass
    return found


def simulators_of(console: int) -> int | None:
    for child in children(console):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"run_demo_simulators" in cmdline:
            return child
    return None


def run_child(args: argparse.Namespace) -> int:
    """In the pty: the demo, its churn and polls sped up."""
    import sessionboard.ui.demo as demo

    demo.PROGRAM = demo.PROGRAM.replace("{seed!r}))", "{seed!r}, churn_every=" + repr(CHURN_EVERY) + "))")
    demo.POLL_INTERVAL = POLL_INTERVAL
    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start(8)
        warm_at = time.monotonic() + args.warmup
        snapshots: list[tracemalloc.Snapshot] = []

        def watch() -> None:
            time.sleep(max(0.0, warm_at - time.monotonic()))
            snapshots.append(tracemalloc.take_snapshot())

        threading.Thread(target=watch, daemon=True).start()

        def report(signum: int, frame: object) -> None:
            if snapshots:
                end = tracemalloc.take_snapshot()
                stats = end.compare_to(snapshots[0], "traceback")[:25]
                total = sum(stat.size_diff for stat in end.compare_to(snapshots[0], "filename"))
                with open(args.trace_file, "w", encoding="utf-8") as out:
                    out.write(f"traced growth in all: {total / 1024:+.1f} KiB\n")
                    for stat in stats:
                        out.write(f"{stat.size_diff / 1024:+.1f} KiB, {stat.count_diff:+d} blocks\n")
                        out.write("\n".join(f"    {line}" for line in stat.traceback.format()) + "\n")
            os.kill(os.getpid(), signal.SIGTERM)

        signal.signal(signal.SIGUSR1, report)
    return demo.run_demo()


def drain(fd: int, stop: threading.Event) -> None:
    while not stop.is_set():
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                if not os.read(fd, 1 << 16):
                    return
            except OSError:
                return


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--warmup", type=float, default=120.0)
    parser.add_argument("--every", type=float, default=15.0)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--trace-file", default="/tmp/sessionboard-soak-trace.txt")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_child(args)

    pid, fd = pty.fork()
    if pid == 0:  # the console, in a terminal of its own
        os.environ["TERM"] = "xterm-256color"
        argv = [sys.executable, __file__, "--child", "--warmup", str(args.warmup), "--trace-file", args.trace_file]
        if args.tracemalloc:
            argv.append("--tracemalloc")
        os.execv(sys.executable, argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 45, 160, 0, 0))
    stop = threading.Event()
    reader = threading.Thread(target=drain, args=(fd, stop), daemon=True)
    reader.start()
    samples: list[tuple[float, float, float]] = []
    started = time.monotonic()
    print(f"demo, churn every {CHURN_EVERY[0]}-{CHURN_EVERY[1]} s, polls every {POLL_INTERVAL} s;"
          f" {args.seconds:.0f} s, warm-up {args.warmup:.0f} s")
    print(f"{'t (s)':>7} {'console MB':>11} {'simulators MB':>14}")
    try:
        while (elapsed := time.monotonic() - started) < args.seconds:
            time.sleep(args.every - (elapsed % args.every))
            elapsed = time.monotonic() - started
            sims = simulators_of(pid)
            console, simulators = rss_mb(pid), rss_mb(sims) if sims else None
            if console is None:
                print("the console has stopped")
                return 1
            samples.append((elapsed, console, simulators or float("nan")))
            print(f"{elapsed:7.0f} {console:11.1f} {simulators or float('nan'):14.1f}", flush=True)
    finally:
        if args.tracemalloc:
            os.kill(pid, signal.SIGUSR1)
        else:
            os.kill(pid, signal.SIGTERM)
        try:
            os.waitpid(pid, 0)
        finally:
            stop.set()
            os.close(fd)
    after = [sample for sample in samples if sample[0] >= args.warmup]
    if len(after) < 6:
        print("too few samples after the warm-up for a verdict")
        return 1
    for index, name in ((1, "console"), (2, "simulators")):
        start = statistics.median(sample[index] for sample in after[:3])
        end = statistics.median(sample[index] for sample in after[-3:])
        growth = end - start
        verdict = "meets" if growth < GOAL_MB else "MISSES"
        print(f"{name}: {start:.1f} -> {end:.1f} MB after the warm-up, growth {growth:+.1f} MB;"
              f" goal < {GOAL_MB:.0f} MB: {verdict} it")
    if args.tracemalloc:
        print(f"allocation growth by site: {args.trace_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
