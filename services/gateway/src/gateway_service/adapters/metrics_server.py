"""The gateway's /metrics on a port of its own, so the public edge never serves it.

prometheus_client's threaded server: scrapes never wait behind the event loop, and nothing the
public port receives can reach them.
"""

import contextlib
import logging
from collections.abc import Iterator

from prometheus_client import start_http_server

log = logging.getLogger(__name__)


@contextlib.contextmanager
def metrics_server(host: str, port: int) -> Iterator[None]:
    if not port:
        yield
        return
    server, thread = start_http_server(port, addr=host)
    log.info("metrics on http://%s:%s/metrics", host, port)
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
