"""Running the background jobs of a test's container: video processing and the rest."""

from __future__ import annotations

from entrypoints.composition import Container, jobs


async def process_videos(container: Container) -> int:
    """Run every due background job (video processing included); returns how many ran."""
    return await jobs.in_process_runner(container).run_until_idle()


async def process_now(container: Container, video_id: str) -> None:
    """Process one video right away, outside the job queue (for tests on PostgreSQL, whose queue
    needs a procrastinate worker): what its `videos.process` job does."""
    from uuid import UUID

    from application.videos.process_video import ProcessVideoCommand

    await container.videos.process_video().execute(ProcessVideoCommand(video_id=UUID(video_id)))
