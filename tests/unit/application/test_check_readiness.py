"""Readiness: which dependencies fail and why; the cause of an outage logged once, not per poll."""

from __future__ import annotations

import asyncio
import logging

import pytest

from application.health.check_readiness import CheckReadiness, NotReady
from application.ports.dependency_probe import DependencyNotReady, DependencyProbe


class _Probe(DependencyProbe):
    def __init__(self, name: str, location: str = "") -> None:
        self._name = name
        self.location = location
        self.failure: BaseException | None = None
        self.hang = False

    @property
    def name(self) -> str:
        return self._name

    async def check(self) -> None:
        if self.hang:
            await asyncio.sleep(10)
        if self.failure is not None:
            raise self.failure


async def test_ready_when_every_probe_answers() -> None:
    assert await CheckReadiness([_Probe("database"), _Probe("storage")]).execute() == []


async def test_an_outage_is_only_unavailable_publicly_and_its_cause_is_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    storage = _Probe("storage", "s3://clips at http://127.0.0.1:9000")
    try:
        raise ConnectionError("connection refused")
    except ConnectionError as cause:
        try:
            raise RuntimeError("head_bucket failed") from cause
        except RuntimeError as error:
            storage.failure = error
    readiness = CheckReadiness([_Probe("database"), storage])
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            assert await readiness.execute() == [NotReady("storage", "unavailable")]
        # The same failure whose details change at every attempt (a temporary file's name).
        storage.failure = RuntimeError("head_bucket failed again")
        storage.failure.__cause__ = ConnectionError("connection refused on port 51234")
        assert await readiness.execute() == [NotReady("storage", "unavailable")]
        [logged] = [r.getMessage() for r in caplog.records]
        assert logged == (
            "readiness: the storage (s3://clips at http://127.0.0.1:9000) is not ready: "
            "RuntimeError: head_bucket failed <- ConnectionError: connection refused"
        )
        storage.failure = None
        assert await readiness.execute() == []
        assert caplog.records[-1].getMessage() == "readiness: the storage is available again"
        storage.failure = OSError("disk full")
        await readiness.execute()
        assert "OSError: disk full" in caplog.records[-1].getMessage()  # a new outage: logged


async def test_a_dependency_that_cannot_be_used_says_why_publicly() -> None:
    database = _Probe("database")
    database.failure = DependencyNotReady("the database is at revision a, this release needs b")
    assert await CheckReadiness([database]).execute() == [
        NotReady("database", "the database is at revision a, this release needs b")
    ]


async def test_a_probe_that_does_not_answer_in_time_fails(caplog: pytest.LogCaptureFixture) -> None:
    storage = _Probe("storage")
    storage.hang = True
    assert await CheckReadiness([storage], timeout=0.05).execute() == [
        NotReady("storage", "unavailable")
    ]
    assert "no answer within 0.05 s" in caplog.records[-1].getMessage()
