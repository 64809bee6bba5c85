"""Fan-out of live-status messages to each user's open connections.

Every connection has its own bounded queue and publishing never waits: a connection that falls
behind is marked overflowed and closed (the client reconnects and catches up), so one slow
client can never hold up the feed or anybody else.
"""

import asyncio
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager

from cachetools import LRUCache

from gateway_service.adapters.metrics import LIVE_DISCONNECTED_SLOW
from gateway_service.domain.live import LiveMessage
from platform_common.errors import AppError

# Replay buffers are kept for this many recently active users at most.
REPLAY_USERS = 10_000


class TooManyConnections(AppError):
    status_code = 429
    code = "too_many_connections"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"You already have {limit} live connections open, the most allowed per user; "
            "close one (one connection carries all your transformations) and try again."
        )


class Subscription:
    def __init__(self, user_id: str, queue_size: int) -> None:
        self.user_id = user_id
        self._queue: asyncio.Queue[LiveMessage | None] = asyncio.Queue(queue_size)
        self.overflowed = asyncio.Event()

    def offer(self, message: LiveMessage) -> None:
        if self.overflowed.is_set():
            return
        try:
            self._queue.put_nowait(message)
        except asyncio.QueueFull:
            self.overflowed.set()
            LIVE_DISCONNECTED_SLOW.inc()
            # Whoever waits in next() learns at once that this connection is over.
            while not self._queue.empty():
                self._queue.get_nowait()
            self._queue.put_nowait(None)

    async def next(self) -> LiveMessage | None:
        """The next message, or None once the connection fell too far behind."""
        return await self._queue.get()


class LiveHub:
    def __init__(self, queue_size: int, replay_per_user: int, max_per_user: int = 0) -> None:
        self.queue_size = queue_size
        self.max_per_user = max_per_user  # live connections per user on this replica; 0 = any
        self.replay_per_user = replay_per_user
        self._subscribers: defaultdict[str, set[Subscription]] = defaultdict(set)
        self._recent: LRUCache[str, deque[LiveMessage]] = LRUCache(maxsize=REPLAY_USERS)

    def add(self, user_id: str) -> Subscription:
        """Raises TooManyConnections when the user already has `max_per_user` open."""
        if self.max_per_user and len(self._subscribers.get(user_id, ())) >= self.max_per_user:
            raise TooManyConnections(self.max_per_user)
        subscription = Subscription(user_id, self.queue_size)
        self._subscribers[user_id].add(subscription)
        return subscription

    def remove(self, subscription: Subscription) -> None:
        """Idempotent: a connection may be closed from more than one place."""
        subscribers = self._subscribers.get(subscription.user_id)
        if subscribers is not None:
            subscribers.discard(subscription)
            if not subscribers:
                del self._subscribers[subscription.user_id]

    @contextmanager
    def subscribe(self, user_id: str) -> Iterator[Subscription]:
        subscription = self.add(user_id)
        try:
            yield subscription
        finally:
            self.remove(subscription)

    def publish(self, message: LiveMessage) -> None:
        if self.replay_per_user and message.id is not None:
            recent = self._recent.get(message.owner_id)
            if recent is None:
                recent = self._recent[message.owner_id] = deque(maxlen=self.replay_per_user)
            recent.append(message)
        for subscription in tuple(self._subscribers.get(message.owner_id, ())):
            subscription.offer(message)

    def replay_after(self, user_id: str, last_event_id: str) -> list[LiveMessage] | None:
        """What the user missed since `last_event_id`, or None when that id is not remembered."""
        recent = list(self._recent.get(user_id, ()))
        for index, message in enumerate(recent):
            if message.id == last_event_id:
                return recent[index + 1 :]
        return None

    def connection_count(self) -> int:
        return sum(len(s) for s in self._subscribers.values())
