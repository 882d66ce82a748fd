"""`VideoUseCases`: uploads, playback, editing (application.videos)."""

from __future__ import annotations

from application.videos.complete_upload import CompleteUpload
from application.videos.create_video import CreateVideo
from application.videos.delete_video import DeleteVideo
from application.videos.fail_processing import FailProcessing
from application.videos.get_poster import GetPoster
from application.videos.get_video import GetVideo
from application.videos.hls_playlist import GetHlsPlaylist
from application.videos.list_user_videos import ListUserVideos
from application.videos.list_videos import ListVideos
from application.videos.process_video import ProcessVideo
from application.videos.receive_upload import ReceiveUpload
from application.videos.renew_poster import RenewPoster
from application.videos.serve_media import ServeMedia
from application.videos.stream_video import StreamVideo
from application.videos.update_video import UpdateVideo
from entrypoints.composition.ports import Ports
from entrypoints.composition.wiring import singleton


class VideoUseCases(Ports):
    """Start, receive and finish uploads; read, list, edit, delete and stream videos."""

    create_video = singleton(
        CreateVideo,
        Ports.unit_of_work,
        Ports.storage,
        Ports.upload_policy,
        Ports.clock,
        Ports.ids,
        Ports.email_policy,
    )
    receive_upload = singleton(
        ReceiveUpload, Ports.unit_of_work, Ports.storage, Ports.upload_grants, Ports.clock
    )
    complete_upload = singleton(
        CompleteUpload,
        Ports.unit_of_work,
        Ports.storage,
        Ports.video_queries,
        Ports.storage_cleanup,
        Ports.clock,
    )
    get_video = singleton(GetVideo, Ports.video_queries)
    list_videos = singleton(ListVideos, Ports.video_queries)
    list_user_videos = singleton(ListUserVideos, Ports.account_queries, Ports.video_queries)
    update_video = singleton(UpdateVideo, Ports.unit_of_work, Ports.video_queries, Ports.clock)
    delete_video = singleton(DeleteVideo, Ports.unit_of_work, Ports.storage_cleanup, Ports.clock)
    stream_video = singleton(StreamVideo, Ports.video_queries, Ports.storage, Ports.playback_policy)
    get_poster = singleton(GetPoster, Ports.video_queries, Ports.storage, Ports.playback_policy)
    get_hls_playlist = singleton(
        GetHlsPlaylist,
        Ports.video_queries,
        Ports.storage,
        Ports.media_urls,
        Ports.playback_policy,
        Ports.clock,
    )
    serve_media = singleton(ServeMedia, Ports.storage, Ports.media_urls, Ports.clock)
    process_video = singleton(
        ProcessVideo,
        Ports.unit_of_work,
        Ports.storage,
        Ports.media,
        Ports.storage_cleanup,
        Ports.clock,
        Ports.ids,
        Ports.processing_policy,
    )
    fail_processing = singleton(
        FailProcessing, Ports.unit_of_work, Ports.storage_cleanup, Ports.clock
    )
    renew_poster = singleton(
        RenewPoster,
        Ports.unit_of_work,
        Ports.storage,
        Ports.media,
        Ports.storage_cleanup,
        Ports.clock,
        Ports.ids,
    )
