"""Start or stop several components at once; one failure (or Ctrl-C) cancels the rest."""

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

from devstack.process import Cancelled

log = logging.getLogger("devstack")


def run_parallel(
    steps: Sequence[Callable[[], None]], cancel: threading.Event, *, quiet: bool = False
) -> None:
    """Runs `steps` in threads. Raises the first real failure, unless `quiet` (for stopping,
    where every step must get its chance and a failure is only worth a warning)."""
    with ThreadPoolExecutor(max_workers=len(steps), thread_name_prefix="devstack") as pool:
        futures = [pool.submit(step) for step in steps]
        try:
            wait(futures, return_when=FIRST_EXCEPTION)
        except BaseException:
            cancel.set()  # Ctrl-C while waiting: the starting threads give up at their next poll
            raise
        if any(f.done() and f.exception() for f in futures):
            cancel.set()  # one failed: the others need not finish starting
        errors = [exc for f in futures if (exc := f.exception()) is not None]
    if quiet:
        for exc in errors:
            log.warning("devstack: %s", exc)
    elif errors:
        # The first real failure explains the others, which were cancelled because of it.
        raise next((e for e in errors if not isinstance(e, Cancelled)), errors[0])
