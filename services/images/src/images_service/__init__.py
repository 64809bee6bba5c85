"""The images service.

httpx imports its command-line client (click, rich, pygments: 60 modules, ~3 MB of this
process's memory) whenever those happen to be installed, as they are in the workspace's shared
environment. No process of this service runs that client, so its import is refused up front;
httpx then only defines a stub `main`.
"""

import sys

sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
