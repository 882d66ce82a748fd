"""On PostgreSQL an account email is a procrastinate job: it survives the worker that failed to
send it (the mail server was down), and the next worker sends it once the server is back."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import PostgresDatabases
from tests.integration.servers import running_server
from tests.integration.system.test_workers import Deployment
from tests.support.emails import token_in
from tests.support.smtp import SmtpTestServer

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PASSWORD = "correct horse battery"
_JOBS = "SELECT coalesce(sum(attempts), 0) FROM procrastinate_jobs WHERE task_name = 'email.send'"


@pytest.fixture
def deployment(postgres_databases: PostgresDatabases, tmp_path: Path) -> Iterator[Deployment]:
    url = postgres_databases.create(migrated=True)
    deployed = Deployment(url, tmp_path)
    try:
        yield deployed
    finally:
        deployed.stop_all()
        postgres_databases.drop(url)


def test_an_email_survives_a_worker_restart_while_the_mail_server_is_down(
    deployment: Deployment, tmp_path: Path
) -> None:
    smtp = SmtpTestServer()  # down until started below
    env = {
        "CLIPSTREAM_DATABASE_URL": deployment.url,
        "CLIPSTREAM_STORAGE_URL": str(tmp_path / "media"),
        "CLIPSTREAM_JWT_SECRET": "",
        "CLIPSTREAM_SMTP_URL": smtp.url,
    }
    with running_server(env, tmp_path / "server.log", extra_args=("--no-worker",)) as base:
        registered = httpx.post(
            f"{base}/api/v1/auth/register",
            json={"username": "pia", "email": "pia@example.com", "password": PASSWORD},
            timeout=10,
        )
        assert registered.status_code == 201, registered.text
    assert deployment.scalar(_JOBS) == 0  # queued in the registration's transaction, not run

    first = deployment.start_worker(CLIPSTREAM_SMTP_URL=smtp.url)
    deployment.wait_for(lambda: deployment.scalar(_JOBS) >= 1, "a first, failed attempt")
    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=30) == 0
    assert (
        deployment.scalar(
            "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'email.send' AND status = 'todo'"
        )
        == 1
    )  # waiting for its retry, with no worker running

    smtp.start()
    try:
        deployment.start_worker(CLIPSTREAM_SMTP_URL=smtp.url)
        [message] = smtp.wait_for(1, timeout=60)
        assert message["To"] == "pia@example.com"
        assert len(token_in(message)) >= 43
        deployment.wait_for(
            lambda: (
                deployment.scalar(
                    "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'email.send'"
                )
                == 0
            ),
            "the sent email's job to be deleted",
        )
        assert len(smtp.messages) == 1  # sent once
    finally:
        smtp.stop()
