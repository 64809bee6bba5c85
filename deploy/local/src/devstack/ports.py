"""Port choice: fixed defaults (overridable by env) for `make run`, free ports for tests."""

import os
import random
import socket
from pathlib import Path

from devstack.errors import DevstackError, PortInUse

HOST = "127.0.0.1"
FREE_PORTS_FROM = 20000  # above the usual fixed ports of development servers


def is_free(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Without SO_REUSEADDR a port in TIME_WAIT after a restart would look taken, while the
        # servers (which all set it) can bind it fine.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(*, also_free_at_offset: int | None = None, avoid: set[int] | None = None) -> int:
    """A port free right now; `also_free_at_offset` for servers that derive a second port.

    Picked below the kernel's ephemeral range: a port the kernel hands out (bind to 0) can be
    taken as the source port of some outgoing connection before our server binds it, which
    happens on a busy machine running several test sessions."""
    avoid = avoid or set()
    for _ in range(1000):
        port = random.randrange(FREE_PORTS_FROM, _ephemeral_ports_start())  # noqa: S311
        partner = port + also_free_at_offset if also_free_at_offset else None
        if port in avoid or not is_free(port):
            continue
        if partner is None or (partner < 65536 and partner not in avoid and is_free(partner)):
            return port
    raise DevstackError("could not find a free TCP port on 127.0.0.1")


def _ephemeral_ports_start() -> int:
    try:
        start = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        start = 32768
    return max(start, FREE_PORTS_FROM + 1000)


def port_from_env(env_var: str, default: int) -> int:
    raw = os.environ.get(env_var)
    if not raw:
        return default
    try:
        port = int(raw)
    except ValueError:
        raise DevstackError(f"{env_var}={raw!r} is not a port number") from None
    if not 0 < port < 65536:
        raise DevstackError(f"{env_var}={port} is outside 1-65535")
    return port


def ensure_free(port: int, component: str, env_var: str | None = None) -> None:
    if not is_free(port):
        raise PortInUse(port, component, env_var)


def accepts_connections(port: int, host: str = HOST) -> bool:
    """A TCP connect: cheap first step of readiness probes, before the real request."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False
