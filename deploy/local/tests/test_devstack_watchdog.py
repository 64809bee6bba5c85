"""No orphans: when the process that started the stack dies by SIGKILL, its servers go too."""

import signal
import subprocess
import sys
import time

from devstack.ports import accepts_connections, free_port

STARTS_REDIS_THEN_WAITS = """
import sys, time
from pathlib import Path
from devstack import watchdog
from devstack.redis import Redis

root, port = Path(sys.argv[1]), int(sys.argv[2])
watchdog.guard(root)
Redis(root, port).start()
print("ready", flush=True)
time.sleep(600)
"""


def test_servers_stop_when_their_owner_is_killed(tmp_path):
    port = free_port()
    owner = subprocess.Popen(
        [sys.executable, "-c", STARTS_REDIS_THEN_WAITS, str(tmp_path), str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert owner.stdout.readline().strip() == "ready"
        assert accepts_connections(port)
    finally:
        owner.send_signal(signal.SIGKILL)
        owner.wait()

    pid_files = (tmp_path / "logs").glob
    deadline = time.monotonic() + 30
    while (accepts_connections(port) or list(pid_files("*.pid"))) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not accepts_connections(port), "redis-server outlived the process that started it"
    assert not list(pid_files("*.pid")), "the watchdog cleans up after itself"
