"""Edit a video's caption or visibility."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from uuid import UUID

from application.common.patch import KEEP, Keep
from application.common.validation import ErrorCollector
from application.common.visibility import owned_video, visible_view
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.ports.video_queries import VideoQueries, VideoView
from domain.errors import Conflict
from domain.videos import Caption, parse_visibility, published_delta


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateVideoCommand:
    owner_id: UUID
    video_id: UUID
    caption: str | Keep | None = KEEP
    visibility: str | Keep = KEEP


class UpdateVideo:
    """Change the caption (hashtags follow it) or the visibility; only the owner may (403/404)."""

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
            if changes:
                updated = dataclasses.replace(video, **changes, updated_at=self._clock.now())  # type: ignore[arg-type]
                if not await uow.videos.save(updated, expected_status=video.status):
                    raise Conflict("The video changed meanwhile; try again.")
                if delta := published_delta(video, updated):
                    await uow.users.add_to_counters(video.owner_id, videos=delta)
                await uow.commit()
        return await visible_view(self._queries, command.video_id, command.owner_id)
