"""The README's "Try it" works when pasted: run its shell blocks, as written, in POSIX sh against
the real server, up to a processed video whose stream URL answers with the MP4."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.integration.servers import running_server

ROOT = Path(__file__).resolve().parents[3]
README = (ROOT / "README.md").read_text()
START_LINE = "make run > clipstream.log 2>&1 &"


def _try_it_blocks() -> list[str]:
    section = README.split("\n## Try it\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)


def test_the_readme_documents_the_repository_from_inside_it() -> None:
    assert "../shared" not in README  # links out of the clone are dead
    for page in ("docs/architecture.md", "docs/api.md"):
        assert f"]({page})" in README
        assert (ROOT / page).is_file()
    assert "stat -c" not in README  # GNU only
    assert "make run PORT=" in README
    assert ".venv/bin/clipstream" in README
    assert "CLIPSTREAM_PUBLIC_URL=" in README
    assert "HOST=0.0.0.0" in README


@pytest.mark.slow
def test_try_it_pasted_into_sh_registers_uploads_and_plays_a_video(tmp_path: Path) -> None:
    first, upload, *_ = _try_it_blocks()
    assert first.splitlines()[0].startswith(START_LINE)
    sample = tmp_path / "src" / "entrypoints" / "seed"  # the README copies the repository's clip
    sample.mkdir(parents=True)
    (sample / "sample.mp4").write_bytes((ROOT / "src/entrypoints/seed/sample.mp4").read_bytes())
    env = {
        "CLIPSTREAM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/clipstream.db",
        "CLIPSTREAM_STORAGE_URL": str(tmp_path / "media"),
        "CLIPSTREAM_JWT_SECRET": "",
    }
    with running_server(env, tmp_path / "server.log") as base:
        port = base.rsplit(":", 1)[1]
        # The server is the test's (on a free port): the rest is pasted as it is written.
        pasted = (first + upload).replace(":8000", f":{port}")
        started = pasted.replace(START_LINE, "sleep 300 &  # stands for make run\n")
        script = f"set -eu\n{started}\nkill $!  # the stand-in\n"
        finished = subprocess.run(
            ["sh", "-c", script],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert finished.returncode == 0, finished.stdout + finished.stderr
        lines = finished.stdout.strip().splitlines()
        assert '"username":"ana"' in lines[0]  # GET /users/me
        assert lines[-2] == "ready"
        match = re.fullmatch(r"play it: open (\S+) in a browser", lines[-1])
        assert match, lines
        stream = httpx.get(match.group(1), timeout=10, follow_redirects=True)
        assert stream.status_code == 200
        assert stream.headers["content-type"] == "video/mp4"
        assert stream.content[4:8] == b"ftyp"
