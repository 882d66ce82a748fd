"""A video's HLS playlists: the master playlist, and each rendition's media playlist with signed
segment URLs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from application.common.object_reads import small_object
from application.common.visibility import Viewer
from application.ports.clock import Clock
from application.ports.media_urls import MediaUrls
from application.ports.object_storage import ObjectStorage
from application.ports.video_queries import VideoQueries
from application.videos.playable import playable_video
from application.videos.settings import PlaybackPolicy
from application.videos.storage_keys import MASTER_PLAYLIST, hls_key
from domain.errors import NotFound
from domain.videos import Video

PLAYLIST_TYPE = "application/vnd.apple.mpegurl"
MAX_PLAYLIST_BYTES = 1024 * 1024
_VARIANT = re.compile(r"([1-9][0-9]{0,3})p\.m3u8")
_MAP_URI = re.compile(r'(#EXT-X-MAP:.*URI=")([^"]*)(")')


@dataclass(frozen=True, slots=True, kw_only=True)
class HlsPlaylistQuery:
    video_id: UUID
    name: str  # master.m3u8, or <short side>p.m3u8
    viewer_id: UUID | None = None
    moderator: bool = False  # moderators may play hidden videos (to review them)


class GetHlsPlaylist:
    """HLS for adaptive playback. `master.m3u8` lists one variant per rendition (`BANDWIDTH`,
    `AVERAGE-BANDWIDTH`, `RESOLUTION`, `CODECS`, `FRAME-RATE`), lowest first; `{size}p.m3u8` is
    that rendition's VOD media playlist, whose init-segment and segment URIs are absolute,
    short-lived URLs (presigned storage URLs, or signed URLs of this API), valid at least
    `CLIPSTREAM_MEDIA_URL_TTL_SECONDS`. 404 wherever `GET /videos/{id}` would answer 404, for a
    video that is not ready, and for a size the video has no rendition of."""

    def __init__(
        self,
        queries: VideoQueries,
        storage: ObjectStorage,
        media_urls: MediaUrls,
        policy: PlaybackPolicy,
        clock: Clock,
    ) -> None:
        self._queries = queries
        self._storage = storage
        self._media_urls = media_urls
        self._policy = policy
        self._clock = clock

    async def execute(self, query: HlsPlaylistQuery) -> str:
        video = await playable_video(
            self._queries,
            query.video_id,
            Viewer(user_id=query.viewer_id, moderator=query.moderator),
        )
        if not video.is_processed:
            raise NotFound("The video has no HLS renditions.")
        if query.name == MASTER_PLAYLIST:
            return await self._read(video, MASTER_PLAYLIST)
        match = _VARIANT.fullmatch(query.name)
        if match is None or int(match.group(1)) not in {r.short_side for r in video.renditions}:
            raise NotFound("The video has no such rendition.")
        return await self._signed(video, await self._read(video, query.name))

    async def _read(self, video: Video, name: str) -> str:
        key = hls_key(video.id, name)
        if key is None:
            raise NotFound("No such playlist.")
        data = await small_object(self._storage, key, MAX_PLAYLIST_BYTES)
        return data.decode("utf-8")

    async def _signed(self, video: Video, playlist: str) -> str:
        """The playlist with every URI (segments and the init segment) made absolute and signed."""
        lines = playlist.splitlines()
        spots: list[tuple[int, str]] = []  # (line, URI)
        for number, line in enumerate(lines):
            if line and not line.startswith("#"):
                spots.append((number, line.strip()))
            elif (mapped := _MAP_URI.search(line)) is not None:
                spots.append((number, mapped.group(2)))
        keys = [hls_key(video.id, uri) for _, uri in spots]
        if any(key is None for key in keys):
            raise NotFound("The playlist is damaged.")
        urls = await self._urls([key for key in keys if key is not None])
        for (number, uri), url in zip(spots, urls, strict=True):
            line = lines[number]
            lines[number] = (
                url if not line.startswith("#") else line.replace(f'"{uri}"', f'"{url}"')
            )
        return "\n".join(lines) + "\n"

    async def _urls(self, keys: list[str]) -> list[str]:
        ttl = self._policy.url_ttl_seconds
        presigned = await self._storage.presign_reads(keys, expires_in_seconds=ttl)
        if presigned is not None:
            return list(presigned)
        expires = self._clock.now() + timedelta(seconds=ttl)
        return [self._media_urls.url(key, expires) for key in keys]
