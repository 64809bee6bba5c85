"""Container HEALTHCHECK probe: exit 0 when the URL answers 2xx, 1 otherwise.

The slim Python base image has no curl or wget, and installing one only for this would grow every
image, so the interpreter that runs the service also probes it (standard library only).
"""

import sys
import urllib.error
import urllib.request

TIMEOUT_SECONDS = 3


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[1].startswith(("http://", "https://")):
        print("usage: healthcheck.py http://127.0.0.1:PORT/health", file=sys.stderr)
        return 2
    url = argv[1]
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (scheme checked above)
            healthy = 200 <= response.status < 300
    except (urllib.error.URLError, OSError) as error:
        print(f"unhealthy: {url}: {error}", file=sys.stderr)
        return 1
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
