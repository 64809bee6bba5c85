"""Periodic jobs run inside the app's lifespan (the retention sweep): platform_common's loop."""

from platform_common.periodic import run_periodically

__all__ = ["run_periodically"]
