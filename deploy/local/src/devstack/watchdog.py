"""A tiny guard process that stops the stack if the Python process running it dies unannounced.

The components run in their own sessions (so Ctrl-C reaches only devstack, which stops them in
order); the price is that nothing stops them when devstack or pytest is killed with SIGKILL. The
guard holds the read end of a pipe whose only writer is that process: at EOF (a normal stop, or
its death) it stops every process still recorded in <stack>/logs/*.pid and running in <stack>.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

GRACE_SECONDS = 10


def guard(root: Path) -> Callable[[], None]:
    """Starts the guard for the stack in `root`; call the result once the stack is stopped."""
    read_end, write_end = os.pipe()
    subprocess.Popen(
        [sys.executable, "-m", "devstack.watchdog", str(root)],
        stdin=read_end,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    os.close(read_end)
    return lambda: os.close(write_end)


def _stop_left_overs(root: Path) -> None:
    root = root.resolve()
    recorded = _recorded_pids(root)
    groups = [pid for pid in recorded.values() if _works_in(pid, root)]
    for pid in groups:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    while any(Path(f"/proc/{pid}").exists() for pid in groups) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in groups:
        _signal(pid, signal.SIGKILL)
    for pid_file in recorded:
        pid_file.unlink(missing_ok=True)


def _recorded_pids(root: Path) -> dict[Path, int]:
    pids = {}
    for pid_file in (root / "logs").glob("*.pid"):
        with contextlib.suppress(OSError, ValueError):
            pids[pid_file] = int(pid_file.read_text())
    return pids


def _works_in(pid: int, root: Path) -> bool:
    # Every component and service runs with its working directory inside the stack folder: a
    # recycled pid belonging to something else does not.
    try:
        return os.readlink(f"/proc/{pid}/cwd").startswith(str(root))
    except OSError:
        return False


def _signal(pid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.stdin.buffer.read()  # returns at EOF: the stack was stopped, or its process died
    _stop_left_overs(Path(sys.argv[1]))
