"""The output of processes a test starts stays in files, and joins the report only on failure."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

_TESTS = """
import subprocess
import sys

import pytest

from tests.support.process_logs import kept_log, while_running


def _serve(path, line):
    with path.open("wb") as log:
        subprocess.run([sys.executable, "-c", f"print({line!r})"], stdout=log, check=True)


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    path = tmp_path_factory.mktemp("shared") / "shared.log"
    with while_running(path):
        _serve(path, '{"event": "request of the module server"}')
        yield


def test_passes(tmp_path, shared):
    _serve(kept_log(tmp_path / "server.log"), '{"event": "request of the passing test"}')


def test_fails(tmp_path, shared):
    _serve(kept_log(tmp_path / "server.log"), '{"event": "request of the failing test"}')
    assert False, "the failure"
"""


def test_a_failing_test_shows_the_logs_of_its_processes_and_a_passing_one_shows_none(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest("from tests.conftest import *  # noqa: F403\n")
    pytester.makepyfile(test_logs=_TESTS)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, failed=1)
    output = result.stdout.str()
    assert "request of the failing test" in output
    assert "request of the passing test" not in output
    assert output.count("process log server.log") == 1
    # The module's server started with the passing test; it still ran when the other failed.
    assert output.count("request of the module server") == 1
