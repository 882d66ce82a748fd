"""A seed run: plan, then load the rows in one transaction while the video bytes are stored.

The rows are made from the plan one at a time and handed to the bulk loader (COPY in batches on
PostgreSQL), parents before children; meanwhile every video gets the sample's bytes at its own
key. The rows are committed only once every video has its bytes, so a storage failure leaves the
database untouched; a failure or a stop (SIGINT, SIGTERM) before the commit keeps no row and
removes every object the run wrote (or, if that is cut short too, lists them and prints the
command that removes them).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from application.errors import DependencyUnavailable
from application.ports.bulk_loader import BulkLoader, BulkLoadFailed
from application.ports.image_processor import ImageRejected
from application.ports.media_processor import MediaProcessingFailed, MediaRejected
from application.ports.object_storage import StorageError
from domain.videos import Video
from entrypoints.composition.seed import SeedAdapters, seed_adapters, seed_storage
from entrypoints.config import Settings
from entrypoints.seed import generate
from entrypoints.seed.child import ChildProcessStorage
from entrypoints.seed.files import (
    SeedFiles,
    StorageBatches,
    check_storage,
    read_key_list,
    write_leftovers,
)
from entrypoints.seed.interrupts import Interrupts
from entrypoints.seed.media import SeedMedia, VideoMedia, process_sample
from entrypoints.seed.options import SeedError, SeedInterrupted, SeedOptions, SeedReport
from entrypoints.seed.plan import Plan, Planner
from entrypoints.seed.progress import PlainReporter, Reporter, counted
from entrypoints.seed.vocabulary import vocabulary

REMOVE_COMMAND = "clipstream seed --remove-objects"
# From this many videos on, their files are stored by a child process (see `child`); for fewer,
# starting it costs more than it saves.
CHILD_PROCESS_FROM = 20_000


def sample_clip() -> bytes:
    """The 2-second MP4 every seeded video plays."""
    return resources.files("entrypoints.seed").joinpath("sample.mp4").read_bytes()


async def run_seed(
    settings: Settings,
    options: SeedOptions,
    *,
    out: Callable[[str], None] = print,
    reporter: Reporter | None = None,
    interrupts: Interrupts | None = None,
) -> SeedReport:
    """Seed the database and storage of `settings`; progress goes to `reporter` (default: plain
    lines to `out`), the summary to `out`.

    SQLite is migrated first (like `serve`); PostgreSQL must already be at the newest revision.

    Raises:
        SeedError: bad options, an unmigrated or unreachable database, one that already has users
            (unless `options.append`), or a failure while seeding (nothing is kept).
        SeedInterrupted: `interrupts` received a signal before the commit (nothing is kept).
    """
    options.check()
    sample = sample_clip()
    child = ChildProcessStorage(settings) if options.videos >= CHILD_PROCESS_FROM else None
    try:
        async with seed_adapters(settings) as adapters:
            return await seed(
                adapters,
                options,
                sample=sample,
                out=out,
                reporter=reporter or PlainReporter(out),
                interrupts=interrupts or Interrupts(),
                batches=child,
            )
    finally:
        if child is not None:
            await asyncio.to_thread(child.close)


async def seed(
    adapters: SeedAdapters,
    options: SeedOptions,
    *,
    sample: bytes,
    out: Callable[[str], None],
    reporter: Reporter,
    interrupts: Interrupts,
    batches: StorageBatches | None = None,
) -> SeedReport:
    """`run_seed` on the given adapters (`batches`: where the file batches go, by default the
    adapters' storage)."""
    files: SeedFiles | None = None
    try:
        run_tag = await _prepare(adapters, options, sample)
        out(f"Seeding {adapters.database} and {adapters.storage_url} (seed {options.seed})...")
        started = time.perf_counter()
        with reporter.phase("password hash"):
            password_hash = await adapters.hasher.hash(options.password)
        media = await _media(adapters, options, sample, reporter)
        plan = await _plan(options, reporter, run_tag)
        copies = media.copies(sample, plan.video_ids, plan.user_ids)
        files = SeedFiles(adapters.storage, copies, reporter, batches=batches)
        files.start()
        rows = _Rows(password_hash, len(sample), media, adapters.public_url)
        loaded = await _load(adapters.loader, plan, files, reporter, interrupts, rows)
    except BaseException as error:
        undone = await _undo(files, reporter, error, interrupts)
        explained = _explained(error, interrupts, undone)
        if explained is error:
            raise
        raise explained from error
    report = loaded.report(plan, options, time.perf_counter() - started, reporter.done)
    for line in report.summary():
        out(line)
    return report


async def remove_objects(settings: Settings, listing: Path, *, out: Callable[[str], None]) -> int:
    """Delete the objects listed in `listing` (what an interrupted run could not remove)."""
    keys = read_key_list(listing)
    async with seed_storage(settings) as storage:
        for start in range(0, len(keys), 1000):
            await storage.delete_many(keys[start : start + 1000])
    out(f"Removed the {len(keys):,} objects listed in {listing}.")
    return len(keys)


async def _prepare(adapters: SeedAdapters, options: SeedOptions, sample: bytes) -> str | None:
    """Check that the run can start; returns the run tag of an appended batch (None otherwise)."""
    loader = adapters.loader
    try:
        schema = await loader.schema()
    except BulkLoadFailed as error:
        raise SeedError(f"cannot reach the database: {error}") from error
    if not schema.is_newest:
        raise SeedError(
            f"the database schema is at revision {schema.current or 'none'}, not the newest "
            f"({schema.newest}): run `clipstream migrate` first"
        )
    populated = await loader.has_users()
    if populated and not options.append:
        raise SeedError(
            "the database already has users; seed an empty database, or pass --append to add "
            "another batch of demo users (with distinct usernames) next to them"
        )
    run_tag = await _free_run_tag(loader) if populated else None
    await check_storage(adapters.storage, sample)
    return run_tag


async def _free_run_tag(loader: BulkLoader) -> str:
    """A short random tag no existing username ends with."""
    while True:
        tag = "".join(secrets.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(4))
        if not await loader.username_suffix_taken(f"_{tag}"):
            return tag


async def _media(
    adapters: SeedAdapters, options: SeedOptions, sample: bytes, reporter: Reporter
) -> SeedMedia:
    """The sample processed once and the avatars (nothing with `options.media` off)."""
    if not options.media:
        return SeedMedia()
    with reporter.phase("processing the sample"):
        try:
            return await process_sample(
                sample, adapters.media, adapters.images, adapters.processing
            )
        except (MediaRejected, MediaProcessingFailed, ImageRejected) as error:
            raise SeedError(
                f"processing the sample clip failed: {error} (check the CLIPSTREAM_PROCESSING_* "
                "settings, or pass --no-media to seed plain originals)"
            ) from error


@dataclass(frozen=True, slots=True)
class _Rows:
    """What every generated row shares."""

    password_hash: str
    size_bytes: int  # of the original each video has
    media: SeedMedia
    public_url: str

    @property
    def video(self) -> VideoMedia | None:
        return self.media.video


async def _plan(options: SeedOptions, reporter: Reporter, run_tag: str | None) -> Plan:
    planner = Planner(options, vocabulary(), now=datetime.now(UTC), run_tag=run_tag)
    with reporter.phase("plan", len(Planner.STEPS)) as phase:
        current = None
        for step in planner.steps():
            if step != current:
                if current is not None:
                    phase.advance()
                current = step
            await asyncio.sleep(0)  # a stop takes effect here
        phase.advance()
    return planner.plan


@dataclass(frozen=True, slots=True)
class _Loaded:
    """Rows stored, per kind."""

    users: int
    videos: int
    hashtags: int
    follows: int
    video_likes: int
    comments: int
    comment_likes: int

    def report(
        self,
        plan: Plan,
        options: SeedOptions,
        seconds: float,
        phases: Iterable[tuple[str, float]],
    ) -> SeedReport:
        return SeedReport(
            users=self.users,
            videos=self.videos,
            public_videos=plan.public_videos,
            hashtags=self.hashtags,
            follows=self.follows,
            video_likes=self.video_likes,
            comments=self.comments,
            replies=plan.replies,
            comment_likes=self.comment_likes,
            views=sum(plan.video_views),
            demo_username=plan.usernames[plan.demo_user],
            password=options.password,
            seconds=seconds,
            phases=tuple(phases),
        )


async def _load(
    loader: BulkLoader,
    plan: Plan,
    files: SeedFiles,
    reporter: Reporter,
    interrupts: Interrupts,
    rows: _Rows,
) -> _Loaded:
    words = vocabulary()
    hashtags = 0

    def tally(videos: Iterable[Video]) -> Iterator[Video]:
        nonlocal hashtags
        for video in videos:
            hashtags += len(video.hashtags)
            yield video

    async with loader.load() as load:
        with reporter.phase("users", len(plan.user_ids)) as phase:
            profiles = generate.users(
                plan,
                words,
                password_hash=rows.password_hash,
                avatar_of=rows.media.avatar_version,
                public_url=rows.public_url,
            )
            users = await load.add_users(counted(profiles, phase))
        with reporter.phase("videos", len(plan.video_ids)) as phase:
            clips = tally(
                generate.videos(plan, words, size_bytes=rows.size_bytes, media=rows.video)
            )
            videos = await load.add_videos(counted(clips, phase))
        with reporter.phase("follows", len(plan.follow_follower)) as phase:
            follows = await load.add_follows(counted(generate.follows(plan), phase))
        with reporter.phase("video likes", sum(plan.video_likes)) as phase:
            video_likes = await load.add_video_likes(counted(generate.video_likes(plan), phase))
        with reporter.phase("comments", len(plan.comment_ids)) as phase:
            comments = await load.add_comments(counted(generate.comments(plan, words), phase))
        with reporter.phase("comment likes", sum(plan.comment_likes)) as phase:
            likes = generate.comment_likes(plan)
            comment_likes = await load.add_comment_likes(counted(likes, phase))
        with reporter.phase("keys and indexes"):
            await load.check()
        await files.finished()  # the rows are kept only if every video has its bytes
        with interrupts.deferred():
            await load.commit()
    return _Loaded(users, videos, hashtags, follows, video_likes, comments, comment_likes)


async def _undo(
    files: SeedFiles | None, reporter: Reporter, error: BaseException, interrupts: Interrupts
) -> str:
    """Remove what the failed or stopped run wrote; says what was done (the rows were never
    committed). Raises `SeedError` naming a listing of what is left if the removal fails or is
    stopped too."""
    if isinstance(error, asyncio.CancelledError) and interrupts.received is not None:
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()  # the stop is handled here; a later one stops the removal
        reporter.line(
            f"Stopping ({interrupts.received or 'cancelled'}): removing what this run wrote; "
            "stop again to skip that and get the command that does it later."
        )
    if files is None:
        return "nothing was written"
    written = len(files.keys_written())
    try:
        await files.remove()
    except (asyncio.CancelledError, StorageError, DependencyUnavailable) as failure:
        left = files.keys_written()
        listing = write_leftovers(left)
        why = "stopped" if isinstance(failure, asyncio.CancelledError) else f"failed: {failure}"
        message = (
            f"no rows were kept, but removing the files this run wrote {why}: {len(left):,} "
            f"objects are left, listed in {listing}; remove them with `{REMOVE_COMMAND} {listing}`"
        )
        if interrupts.received is not None:
            raise SeedInterrupted(message, signal_name=interrupts.received) from failure
        raise SeedError(message) from failure
    return f"the {written:,} objects it wrote were removed" if written else "nothing was written"


def _explained(error: BaseException, interrupts: Interrupts, undone: str) -> BaseException:
    """The error `run_seed` raises for `error` (after `_undo` said `undone`)."""
    if isinstance(error, asyncio.CancelledError) and interrupts.received is not None:
        return SeedInterrupted(
            f"stopped by {interrupts.received}: no rows were kept and {undone}",
            signal_name=interrupts.received,
        )
    if isinstance(error, BulkLoadFailed):
        return SeedError(f"the database failed: {error}; no rows were kept and {undone}")
    if isinstance(error, StorageError | DependencyUnavailable):
        return SeedError(f"the video storage failed: {error}; no rows were kept and {undone}")
    return error
