"""Kept for the transformer's imports only; everything lives in `platform_common.messaging`.

The transformer is being rebuilt on another branch: its two imports move there at merge, and this
module goes.
"""

from platform_common.messaging.publisher import make_producer, publish, trace_headers
from platform_common.messaging.subscriber import CONSUMER_LAG, record_lag

__all__ = ["CONSUMER_LAG", "make_producer", "publish", "record_lag", "trace_headers"]
