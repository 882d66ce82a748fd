"""Task declarations: retry policies, periods, names, and the registry that binds them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.jobs.registry import JobRegistry, RegistryError
from application.jobs import catalog
from application.ports.task_queue import (
    Payload,
    PeriodicTask,
    RetryPolicy,
    TaskBinding,
    TaskSpec,
    period_cron,
)


async def _noop(_payload: Payload) -> None:
    return None


def test_the_wait_doubles_after_each_failed_attempt_up_to_its_maximum() -> None:
    policy = RetryPolicy(
        max_attempts=6, backoff=timedelta(seconds=10), max_backoff=timedelta(seconds=60)
    )
    waits = [policy.delay_after(attempt) for attempt in range(1, 7)]
    assert waits == [timedelta(seconds=s) for s in (10, 20, 40, 60, 60)] + [None]
    assert policy.is_last(6)
    assert not policy.is_last(5)


def test_one_attempt_means_no_retry() -> None:
    assert RetryPolicy(max_attempts=1).delay_after(1) is None


@pytest.mark.parametrize(
    "options",
    [
        {"max_attempts": 0},
        {"backoff": timedelta(seconds=-1)},
        {"backoff": timedelta(minutes=5), "max_backoff": timedelta(minutes=1)},
    ],
)
def test_a_retry_policy_must_make_sense(options: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must"):
        RetryPolicy(**options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("seconds", "cron"),
    [
        (1, "* * * * * */1"),
        (15, "* * * * * */15"),
        (60, "*/1 * * * *"),
        (300, "*/5 * * * *"),
        (3600, "0 */1 * * *"),
        (6 * 3600, "0 */6 * * *"),
        (86400, "0 0 * * *"),
        (7, None),
        (90, None),
        (7 * 60, None),
        (5 * 3600, None),
        (2 * 86400, None),
    ],
)
def test_a_period_is_a_cron_expression_aligned_on_the_clock(seconds: int, cron: str | None) -> None:
    assert period_cron(timedelta(seconds=seconds)) == cron


def test_a_periodic_task_needs_a_period_cron_can_express() -> None:
    with pytest.raises(ValueError, match="divide"):
        PeriodicTask(task=catalog.EXPIRE_UPLOADS, every=timedelta(seconds=7))


@pytest.mark.parametrize("name", ["Videos.process", "videos-process", "", "x" * 101, "a..b"])
def test_a_task_name_is_dotted_snake_case(name: str) -> None:
    with pytest.raises(ValueError, match="task name"):
        TaskSpec(name=name)


def test_a_task_runs_on_a_known_queue() -> None:
    with pytest.raises(ValueError, match="queue"):
        TaskSpec(name="videos.process", queue="gpu")


def test_the_catalog_declares_the_maintenance_sweeps_as_periodic_tasks() -> None:
    periodic = catalog.periodic_tasks(timedelta(minutes=5))
    sweeps = {
        task for task in catalog.TASKS if task.name.startswith(("maintenance.", "discovery."))
    }
    assert {item.task for item in periodic} == sweeps
    every = {item.task: item.every for item in periodic}
    assert every.pop(catalog.REFRESH_TRENDING) == timedelta(minutes=1)  # ranking tables
    assert set(every.values()) == {timedelta(minutes=5)}


def test_media_work_runs_on_the_media_queue_with_three_attempts() -> None:
    for task in (catalog.PROCESS_VIDEO, catalog.RENEW_POSTER):
        assert task in catalog.TASKS
        assert task.queue == "media"
        assert task.retry.max_attempts == 3


def test_the_registry_refuses_a_declared_task_without_a_use_case() -> None:
    with pytest.raises(RegistryError, match="no use case"):
        JobRegistry.build([], declared=[catalog.EXPIRE_UPLOADS])
    with pytest.raises(RegistryError, match="no use case"):
        JobRegistry.build(
            [], [PeriodicTask(task=catalog.EXPIRE_UPLOADS, every=timedelta(minutes=1))]
        )


def test_the_registry_refuses_a_task_bound_twice_or_with_another_spec() -> None:
    spec = TaskSpec(name="videos.process")
    with pytest.raises(RegistryError, match="twice"):
        JobRegistry.build([TaskBinding(spec, _noop), TaskBinding(spec, _noop)])
    with pytest.raises(RegistryError, match="different spec"):
        JobRegistry.build(
            [TaskBinding(TaskSpec(name="videos.process", queue="media"), _noop)], declared=[spec]
        )
    registry = JobRegistry.build([TaskBinding(spec, _noop)])
    with pytest.raises(RegistryError, match="twice"):
        registry.merged(registry)
