"""Requests finished out of order are acknowledged to Faust in each partition's offset order."""

from dataclasses import dataclass, field

from transformer_service.entrypoints.faust.ordered_acks import InOrderAcks


@dataclass(frozen=True)
class Message:
    tp: str
    offset: int


@dataclass
class Event:
    message: Message
    acked: list[tuple[str, int]] = field(repr=False)

    def ack(self) -> bool:
        self.acked.append((self.message.tp, self.message.offset))
        return True


def test_a_done_request_waits_for_every_earlier_one_of_its_partition() -> None:
    acked: list[tuple[str, int]] = []
    acks = InOrderAcks()
    taken = {n: acks.took(Event(Message("p0", n), acked)) for n in range(4)}
    acks.finished(taken[1])
    acks.finished(taken[3])
    assert acked == [], "offset 0 still runs: nothing after it may be committed"
    acks.finished(taken[0])
    assert acked == [("p0", 0), ("p0", 1)]
    acks.finished(taken[2])
    assert acked == [("p0", 0), ("p0", 1), ("p0", 2), ("p0", 3)]
    assert acks.unfinished() == 0


def test_partitions_do_not_wait_for_each_other() -> None:
    acked: list[tuple[str, int]] = []
    acks = InOrderAcks()
    heavy = acks.took(Event(Message("p0", 7), acked))
    light = acks.took(Event(Message("p1", 3), acked))
    acks.finished(light)
    assert acked == [("p1", 3)]
    assert acks.unfinished() == 1
    acks.finished(heavy)
    assert acked == [("p1", 3), ("p0", 7)]
