"""A real `clipstream seed` process stopped half-way (Ctrl-C, SIGTERM) exits at once, keeps no
row and leaves no file; a listing of objects a stopped run could not remove is removed by
`clipstream seed --remove-objects`."""

from __future__ import annotations

import asyncio
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from adapters.memory.bulk_loader import MemoryBulkLoader
from adapters.memory.store import MemoryDatabase
from adapters.security.bcrypt_hasher import BcryptPasswordHasher
from adapters.sqlalchemy.engine import create_engine
from adapters.storage.filesystem import FileSystemObjectStorage
from adapters.storage.upload_grants import HmacUploadGrants
from application.ports.object_storage import StorageError
from application.videos.settings import ProcessingPolicy
from entrypoints.composition.seed import SeedAdapters
from entrypoints.config import Settings
from entrypoints.seed import SeedInterrupted, SeedOptions, sample_clip, seed
from entrypoints.seed.child import ChildProcessStorage
from entrypoints.seed.files import read_key_list
from entrypoints.seed.interrupts import Interrupts
from entrypoints.seed.progress import Phase, PlainReporter
from tests.integration.conftest import PostgresDatabases
from tests.support.fake_media import FakeImageProcessor, FakeMediaProcessor

PROCESSING = ProcessingPolicy()
SECRET = b"seed-stop-test-secret-0123456789-0123456789"

CLIPSTREAM = str(Path(sys.executable).with_name("clipstream"))
# Large enough that the loading goes on for seconds after the follows are in.
SIZES = ["--users", "600", "--videos-per-user", "5", "--likes", "300000", "--comments", "20000"]
PROMPT_SECONDS = 10.0  # from the signal to the exit, clean-up included
CATALOG = (
    "SELECT string_agg(definition, ' | ' ORDER BY definition) FROM ("
    " SELECT conname || ': ' || pg_get_constraintdef(oid) AS definition FROM pg_constraint"
    "  WHERE connamespace = 'public'::regnamespace"
    " UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public') AS d"
)


class Seeding:
    """A `clipstream seed` process whose output lines can be waited for."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        full_env = {**os.environ, "CLIPSTREAM_BCRYPT_ROUNDS": "4", **env}
        self.process = subprocess.Popen(
            [CLIPSTREAM, "seed", *args],
            env=full_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for(self, start: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"no line starting with {start!r} in time; seen: {self.seen}")
            if line is None:
                pytest.fail(f"exited before {start!r}: {self.seen} {self.stderr()}")
            self.seen.append(line)
            if line.strip().startswith(start):
                return

    def stop(self, number: signal.Signals) -> tuple[int, float]:
        """Send the signal once; returns the exit code and the seconds it took to exit."""
        sent = time.monotonic()
        self.process.send_signal(number)
        code = self.process.wait(timeout=60)
        return code, time.monotonic() - sent

    def stderr(self) -> str:
        assert self.process.stderr is not None
        return self.process.stderr.read()


@pytest.fixture
def postgres(postgres_databases: PostgresDatabases) -> Iterator[str]:
    url = postgres_databases.create(migrated=True)
    try:
        yield url
    finally:
        postgres_databases.drop(url)


def _files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


async def _query(url: str, query: str) -> object:
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(text(query))).scalar_one()
    finally:
        await engine.dispose()


@pytest.mark.postgres
@pytest.mark.slow
async def test_ctrl_c_stops_a_seed_at_once_and_keeps_nothing(postgres: str, tmp_path: Path) -> None:
    media = tmp_path / "media"
    catalog = await _query(postgres, CATALOG)
    seeding = Seeding(
        {"CLIPSTREAM_DATABASE_URL": postgres, "CLIPSTREAM_STORAGE_URL": str(media)}, *SIZES
    )
    seeding.wait_for("follows")  # the rows are loading, the files being written

    code, seconds = seeding.stop(signal.SIGINT)

    stderr = seeding.stderr()
    assert code == 130, stderr
    assert seconds < PROMPT_SECONDS
    assert "stopped by SIGINT: no rows were kept and the" in stderr
    assert "objects it wrote were removed" in stderr
    assert await _query(postgres, "SELECT count(*) FROM users") == 0
    assert await _query(postgres, "SELECT count(*) FROM videos") == 0
    assert await _query(postgres, CATALOG) == catalog  # the indexes set aside are all there
    assert _files(media) == []


@pytest.mark.slow
async def test_sigterm_stops_a_seed_at_once_and_keeps_nothing(tmp_path: Path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path}/seed.db"
    media = tmp_path / "media"
    seeding = Seeding(
        {"CLIPSTREAM_DATABASE_URL": database, "CLIPSTREAM_STORAGE_URL": str(media)}, *SIZES
    )
    seeding.wait_for("follows")

    code, seconds = seeding.stop(signal.SIGTERM)

    stderr = seeding.stderr()
    assert code == 143, stderr
    assert seconds < PROMPT_SECONDS
    assert "stopped by SIGTERM: no rows were kept" in stderr
    assert await _query(database, "SELECT count(*) FROM users") == 0
    assert await _query(database, "SELECT count(*) FROM video_likes") == 0
    assert _files(media) == []


@pytest.mark.slow
def test_remove_objects_deletes_what_a_listing_names(tmp_path: Path) -> None:
    media = tmp_path / "media"
    for key in ("videos/a/source", "videos/b/source", "videos/kept/source"):
        (media / key).parent.mkdir(parents=True)
        (media / key).write_bytes(b"bytes")
    listing = tmp_path / "left.txt"
    listing.write_text("videos/a/source\n\nvideos/b/source\nvideos/never/source\n")
    env = {
        **os.environ,
        "CLIPSTREAM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/unused.db",
        "CLIPSTREAM_STORAGE_URL": str(media),
    }

    done = subprocess.run(
        [CLIPSTREAM, "seed", "--remove-objects", str(listing)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "Removed the 3 objects listed" in done.stdout
    assert _files(media) == [media / "videos" / "kept" / "source"]


# --- the run itself, on the in-memory loader and local files ------------------------------------


class StoppingReporter(PlainReporter):
    """Progress, and a stop (as a signal makes it) once a phase named in `stops` has advanced
    that many units (0: as it starts)."""

    def __init__(self, interrupts: Interrupts, stops: dict[str, int]) -> None:
        super().__init__(lambda _: None)
        self.interrupts = interrupts
        self.stops = stops
        self.task = asyncio.current_task()

    @contextmanager
    def phase(self, name: str, total: int | None = None) -> Iterator[Phase]:
        with super().phase(name, total) as phase:
            if name not in self.stops:
                yield phase
            elif self.stops[name] == 0:
                self.stop()
                yield phase
            else:
                yield _Stopping(phase, self.stops[name], self.stop)

    def stop(self) -> None:
        self.interrupts.received = "SIGINT"
        assert self.task is not None
        self.task.cancel()


class _Stopping:
    def __init__(self, phase: Phase, after: int, stop: Callable[[], None]) -> None:
        self._phase, self._after, self._stop = phase, after, stop
        self._done = 0

    def advance(self, count: int = 1) -> None:
        self._phase.advance(count)
        before, self._done = self._done, self._done + count
        if before < self._after <= self._done:
            self._stop()


def _adapters(tmp_path: Path, store: MemoryDatabase) -> SeedAdapters:
    media = tmp_path / "media"
    return SeedAdapters(
        loader=MemoryBulkLoader(store),
        storage=FileSystemObjectStorage(media, HmacUploadGrants(SECRET), "http://api.test"),
        hasher=BcryptPasswordHasher(rounds=4),
        media=FakeMediaProcessor.tiny(),
        images=FakeImageProcessor(),
        processing=PROCESSING,
        public_url="http://api.test",
        database="memory",
        storage_url=str(media),
    )


async def _run(adapters: SeedAdapters, reporter: PlainReporter, interrupts: Interrupts) -> None:
    await seed(
        adapters,
        SeedOptions(users=300, videos_per_user=5, likes=2000, comments=100, follows=100),
        sample=sample_clip(),
        out=lambda _: None,
        reporter=reporter,
        interrupts=interrupts,
    )


async def test_a_stop_while_the_files_are_written_removes_them(tmp_path: Path) -> None:
    store, interrupts = MemoryDatabase(), Interrupts()
    reporter = StoppingReporter(interrupts, {"video files": 1000})

    # The stop comes after the first batch of 1,000 copies; the second batch, already under way,
    # ends before the removal starts.
    with pytest.raises(SeedInterrupted, match="the 1,501 objects it wrote were removed"):
        await _run(_adapters(tmp_path, store), reporter, interrupts)

    assert store.state.users == {}
    assert _files(tmp_path / "media") == []


async def test_a_second_stop_lists_what_is_left_and_how_to_remove_it(tmp_path: Path) -> None:
    store, interrupts = MemoryDatabase(), Interrupts()
    reporter = StoppingReporter(interrupts, {"video files": 1000, "removing files": 0})
    media = tmp_path / "media"

    with pytest.raises(SeedInterrupted) as stopped:
        await _run(_adapters(tmp_path, store), reporter, interrupts)

    message = str(stopped.value)
    assert "no rows were kept, but removing the files this run wrote stopped" in message
    listing = Path(message.rsplit("clipstream seed --remove-objects ", 1)[1].rstrip("`"))
    try:
        keys = read_key_list(listing)
        left = {path.relative_to(media).as_posix() for path in _files(media)}
        assert left
        assert left <= set(keys)
        await _adapters(tmp_path, store).storage.delete_many(keys)  # what the command does
    finally:
        await asyncio.to_thread(listing.unlink)
    assert _files(media) == []
    assert store.state.users == {}


async def test_a_storage_failure_while_removing_lists_what_is_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, interrupts = MemoryDatabase(), Interrupts()
    reporter = StoppingReporter(interrupts, {"video files": 1000})

    async def failing(self: FileSystemObjectStorage, keys: Sequence[str]) -> None:
        raise StorageError("the disk went away")

    monkeypatch.setattr(FileSystemObjectStorage, "delete_many", failing)
    with pytest.raises(SeedInterrupted, match="failed: the disk went away") as stopped:
        await _run(_adapters(tmp_path, store), reporter, interrupts)

    listing = Path(str(stopped.value).rsplit("clipstream seed --remove-objects ", 1)[1].rstrip("`"))
    assert len(read_key_list(listing)) == 1501  # 1,500 copies and the sample they were made of
    await asyncio.to_thread(listing.unlink)


async def test_the_child_process_copies_deletes_and_reports_failures(tmp_path: Path) -> None:
    media = tmp_path / "media"
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/unused.db",
        storage_url=str(media),
        jwt_secret=SECRET,
    )
    storage = FileSystemObjectStorage(media, HmacUploadGrants(SECRET), "http://api.test")
    await storage.put("seed/sample.mp4", b"clip", content_type="video/mp4")
    child = ChildProcessStorage(settings)
    try:
        await child.copy_many("seed/sample.mp4", ["videos/1/source", "videos/2/source"])
        assert (media / "videos" / "2" / "source").read_bytes() == b"clip"
        with pytest.raises(StorageError):
            await child.copy_many("seed/missing.mp4", ["videos/3/source"])
        await child.delete_many(["videos/1/source", "videos/2/source", "videos/3/source"])
    finally:
        await asyncio.to_thread(child.close)
    assert _files(media) == [media / "seed" / "sample.mp4"]
