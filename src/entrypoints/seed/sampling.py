"""Reproducible draws and time arithmetic for the seed (times are microseconds since the epoch)."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SECOND = 1_000_000
MINUTE = 60 * SECOND
DAY = 24 * 3600 * SECOND


def rng(seed: int, purpose: str) -> random.Random:
    """An independent, reproducible stream of draws for one part of the data."""
    return random.Random(f"clipstream-seed:{seed}:{purpose}")  # noqa: S311 - demo data


def apportion(total: int, weights: Sequence[float], caps: Sequence[int] | None = None) -> list[int]:
    """`total` split into whole shares proportional to `weights` (largest remainders), none above
    its cap: fewer than `total` only when the caps (or zero weights) leave no room."""
    counts = [0] * len(weights)
    room = list(caps) if caps is not None else None
    active = [i for i, weight in enumerate(weights) if weight > 0 and (room is None or room[i] > 0)]
    remaining = total
    while remaining > 0 and active:
        scale = remaining / math.fsum(weights[i] for i in active)
        given = 0
        left: list[int] = []  # the shares that can still grow, and their remainders
        remainders: list[float] = []
        for i in active:
            exact = weights[i] * scale
            share = int(exact)
            if room is not None:
                share = min(share, room[i])
                room[i] -= share
                if room[i] == 0:
                    counts[i] += share
                    given += share
                    continue
            counts[i] += share
            given += share
            left.append(i)
            remainders.append(exact - share)
        remaining -= given
        if given == 0 or remaining <= len(left):
            # Hand the rest out one by one, largest remainder first (ties: lower index, as the
            # sort is stable).
            order = sorted(range(len(left)), key=remainders.__getitem__, reverse=True)
            for position in order[:remaining]:
                i = left[position]
                counts[i] += 1
                if room is not None:
                    room[i] -= 1
            remaining -= min(remaining, len(left))
        active = left if room is None else [i for i in left if room[i] > 0]
    return counts


def time_order(times: Sequence[int], start: int) -> list[int]:
    """The indices of `times` (microseconds, from `start` on) in time order, to within 8 ms
    (ties keep their order): small sort keys, which Python sorts several times faster."""
    keys = [(moment - start) >> 13 for moment in times]
    return sorted(range(len(keys)), key=keys.__getitem__)


def others(draw: random.Random, population: int, excluded: int, count: int) -> list[int]:
    """`count` distinct indices of `range(population)`, never `excluded`."""
    if count <= 0:
        return []
    picked = draw.sample(range(population - 1), count)
    return [index + 1 if index >= excluded else index for index in picked]


def uniform_us(draw: random.Random, low: int, high: int) -> int:
    """A time in [low, high) (`low` when the range is empty)."""
    return low if high <= low else low + int(draw.random() * (high - low))


def microseconds(moment: datetime) -> int:
    return microseconds_of(moment - EPOCH)


def microseconds_of(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * SECOND + delta.microseconds


def as_datetime(microseconds: int) -> datetime:
    """The UTC time of `microseconds` since the epoch."""
    seconds, micro = divmod(microseconds, SECOND)
    return EPOCH + timedelta(0, seconds, micro)


def uuid7_at(microseconds: int, draw: random.Random) -> UUID:
    """A UUIDv7 of this instant (microseconds since the epoch): the millisecond, then the
    sub-millisecond fraction in `rand_a` (RFC 9562, section 6.2, method 3), so that ids sort like
    their creation times, even within a millisecond; random otherwise."""
    millisecond, rest = divmod(microseconds, 1000)
    fraction = rest * 4096 // 1000
    value = (millisecond << 80) | (0x7 << 76) | (fraction << 64) | (0b10 << 62)
    return UUID(int=value | draw.getrandbits(62))
