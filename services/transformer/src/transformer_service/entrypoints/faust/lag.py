"""Consumer lag per partition, from our own bookkeeping of what the agent has taken.

The worker reads ahead of the committed offset (requests wait for a fair slot), so what matters
for scaling is how many requests are not yet taken: the partition's high-water mark minus the
next offset to take. Only Faust's public consumer API is used (assignment, highwater).
"""

import faust
from faust.types import TP

from platform_common.messaging.subscriber import CONSUMER_LAG

LAG_INTERVAL_SECONDS = 5.0


class TakenOffsets:
    """The highest offset the agent has taken from each partition."""

    def __init__(self) -> None:
        self._taken: dict[TP, int] = {}

    def took(self, tp: TP, offset: int) -> None:
        if offset > self._taken.get(tp, -1):
            self._taken[tp] = offset

    def next_offset(self, tp: TP) -> int:
        return self._taken.get(tp, -1) + 1


def register_lag_timer(app: faust.App, taken: TakenOffsets) -> None:
    async def measure_consumer_lag() -> None:
        """Requests waiting in this worker's partitions, not yet taken by the agent."""
        consumer = app.consumer
        for tp in consumer.assignment():
            highwater = consumer.highwater(tp)
            if highwater is not None:
                lag = max(0, highwater - taken.next_offset(tp))
                CONSUMER_LAG.labels(app.conf.id, tp.topic, str(tp.partition)).set(lag)

    app.timer(interval=LAG_INTERVAL_SECONDS, name="transformer.consumer_lag")(measure_consumer_lag)
