"""Hooks of the whole suite: the logs of processes a failing test started join its report."""

from __future__ import annotations

from collections.abc import Generator

import pytest

from tests.support.process_logs import forget_logs, kept_logs, tail

pytest_plugins = ["pytester"]  # tests/integration/system/test_process_logs.py runs pytest

_LOGS_SHOWN = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    forget_logs()
    try:
        return (yield)
    finally:
        forget_logs()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed and not item.stash.get(_LOGS_SHOWN, False):
        item.stash[_LOGS_SHOWN] = True
        for path in kept_logs():
            report.sections.append((f"process log {path.name} ({path.parent})", tail(path)))
    return report
