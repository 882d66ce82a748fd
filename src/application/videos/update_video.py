"""Edit a video's caption, visibility or poster frame."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from uuid import UUID

from application.common.patch import KEEP, Keep
from application.common.validation import ErrorCollector
from application.common.visibility import owned_video, visible_view
from application.jobs.catalog import RENEW_POSTER
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.ports.video_queries import VideoQueries, VideoView
from domain.errors import Conflict, ValidationFailed
from domain.videos import Caption, InvalidTransition, Video, parse_visibility, published_delta


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateVideoCommand:
    owner_id: UUID
    video_id: UUID
    caption: str | Keep | None = KEEP
    visibility: str | Keep = KEEP
    poster_at_seconds: float | Keep = KEEP


def _poster_moment(video: Video, seconds: float) -> float:
    """The moment to take the poster at: 0..the duration of a processed video (else 409/422)."""
    if not video.is_processed or video.duration_seconds is None:
        raise InvalidTransition("A poster frame can be picked once the video is ready.")
    if not math.isfinite(seconds) or not 0 <= seconds <= video.duration_seconds:
        raise ValidationFailed.single(
            "posterAtSeconds", f"must be between 0 and {video.duration_seconds:g} (the duration)"
        )
    return float(seconds)


class UpdateVideo:
    """Change the caption (hashtags follow it), the visibility, or the poster frame; only the owner
    may (403/404).

    `posterAtSeconds` (0..the duration, else 422; ready videos only, else 409) picks the poster
    frame: a job extracts it shortly after, and the new poster has a new `posterUrl`.
    """

    def __init__(self, uow: UnitOfWorkFactory, queries: VideoQueries, clock: Clock) -> None:
        self._uow = uow
        self._queries = queries
        self._clock = clock

    async def execute(self, command: UpdateVideoCommand) -> VideoView:
        check = ErrorCollector()
        changes: dict[str, object] = {}
        if not isinstance(command.caption, Keep):
            caption = check.parse(lambda: Caption.parse(command.caption))  # type: ignore[arg-type]
            changes |= {"caption": caption.text, "hashtags": caption.hashtags} if caption else {}
        if not isinstance(command.visibility, Keep):
            changes["visibility"] = check.parse(lambda: parse_visibility(command.visibility))  # type: ignore[arg-type]
        check.raise_if_any()

        async with self._uow() as uow:
            video = await owned_video(uow, command.video_id, command.owner_id)
            if not isinstance(command.poster_at_seconds, Keep):
                moment = _poster_moment(video, command.poster_at_seconds)
                changes["poster_at_seconds"] = moment
                await uow.tasks.defer(
                    RENEW_POSTER, {"video_id": str(video.id)}, dedupe_key=str(video.id)
                )
            if changes:
                updated = dataclasses.replace(video, **changes, updated_at=self._clock.now())  # type: ignore[arg-type]
                if not await uow.videos.save(updated, expected_status=video.status):
                    raise Conflict("The video changed meanwhile; try again.")
                if delta := published_delta(video, updated):
                    await uow.users.add_to_counters(video.owner_id, videos=delta)
                await uow.commit()
        return await visible_view(self._queries, command.video_id, command.owner_id)
