"""A managed server process: own process group, log file, readiness by real request, clean stop."""

import atexit
import contextlib
import os
import pwd
import signal
import subprocess
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from devstack.errors import ComponentFailed, DevstackError

POLL_INTERVAL = 0.1
_live: "weakref.WeakSet[ManagedProcess]" = weakref.WeakSet()


class Cancelled(DevstackError):
    """The stack is shutting down while this component was still starting."""


class ManagedProcess:
    def __init__(
        self,
        name: str,
        argv: Sequence[str | Path],
        *,
        log_path: Path,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        user: str | None = None,
        stop_signal: signal.Signals = signal.SIGTERM,
        stop_timeout: float = 20.0,
    ) -> None:
        self.name = name
        self.argv = [str(arg) for arg in argv]
        self.log_path = log_path
        self.env = env
        self.cwd = cwd
        self.user = user
        self.stop_signal = stop_signal
        self.stop_timeout = stop_timeout
        self._popen: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self._popen is not None and self._popen.poll() is None

    @property
    def pid(self) -> int | None:
        return self._popen.pid if self._popen else None

    @property
    def pid_path(self) -> Path:
        return self.log_path.with_suffix(".pid")

    def start(self) -> None:
        if self.running:
            return
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._reap_left_over()
        with self.log_path.open("ab") as log:
            log.write(f"\n=== {time.strftime('%F %T')} {' '.join(self.argv)}\n".encode())
            log.flush()
            # A new session keeps Ctrl-C in the terminal away from the child: the stack stops
            # its components itself, in order, and can then kill the whole group.
            self._popen = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=self.cwd,
                start_new_session=True,
                **run_as(self.user),
            )
        self.pid_path.write_text(str(self._popen.pid))
        _live.add(self)

    def wait_ready(
        self,
        probe: Callable[[], bool],
        *,
        timeout: float,
        cancel: threading.Event | None = None,
    ) -> None:
        """Polls `probe` (a real request) until it returns True; fails fast if the process dies."""
        deadline = time.monotonic() + timeout
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            if cancel is not None and cancel.is_set():
                raise Cancelled(f"{self.name} start cancelled")
            if self._popen is None or self._popen.poll() is not None:
                code = self._popen.returncode if self._popen else None
                raise ComponentFailed(self.name, f"exited with code {code}", self.log_path)
            try:
                if probe():
                    return
            except Exception as exc:  # readiness probes fail in many ways until the server is up
                last_error = f"{type(exc).__name__}: {exc}".strip()
            time.sleep(POLL_INTERVAL)
        raise ComponentFailed(
            self.name, f"was not ready after {timeout:.0f}s ({last_error})", self.log_path
        )

    def stop(self) -> None:
        """The component's own graceful signal first, SIGKILL for the whole group if it hangs."""
        self._signal_group(self.stop_signal)
        self._wait_and_reap(self.stop_timeout)

    def kill(self) -> None:
        self._signal_group(signal.SIGKILL)
        self._wait_and_reap(10)

    def _signal_group(self, sig: signal.Signals) -> None:
        if self._popen is None or self._popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._popen.pid, sig)

    def _wait_and_reap(self, timeout: float) -> None:
        if self._popen is None:
            return
        try:
            self._popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self._signal_group(signal.SIGKILL)
            self._popen.wait(10)
        # Children the leader left behind (it is gone, its group may not be) go too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._popen.pid, signal.SIGKILL)
        self.pid_path.unlink(missing_ok=True)
        _live.discard(self)

    def _reap_left_over(self) -> None:
        """Kills the same command left running by a run that died without stopping (kill -9)."""
        try:
            pid = int(self.pid_path.read_text())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[:-1]
        except (OSError, ValueError):
            return
        if [part.decode(errors="replace") for part in cmdline] == self.argv:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                return
            deadline = time.monotonic() + 10
            while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
                time.sleep(POLL_INTERVAL)


def run_as(user: str | None) -> dict[str, Any]:
    """subprocess arguments to run as `user` with only its own group: root's group would still
    apply root's group permissions, and root-only directories along the path would then refuse."""
    if user is None:
        return {}
    entry = pwd.getpwnam(user)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


@atexit.register
def _kill_leftovers() -> None:
    # Safety net for an interpreter exit that skipped Stack.stop(): never leave servers behind.
    for process in list(_live):
        process.kill()
