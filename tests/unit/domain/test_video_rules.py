"""The video rules: the status machine, who sees a video, captions and what an upload may be."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import Conflict, ValidationFailed
from domain.media import Rendition
from domain.videos import (
    CAPTION_MAX,
    FAILURE_REASON_MAX,
    HASHTAG_MAX,
    MAX_HASHTAGS,
    Caption,
    InvalidTransition,
    Video,
    VideoStatus,
    Visibility,
    container_matches,
    counts_as_published,
    parse_content_type,
    parse_size,
    parse_visibility,
    published_delta,
)

CREATED = datetime(2026, 1, 1, tzinfo=UTC)
LATER = CREATED + timedelta(minutes=5)
OWNER = UUID(int=1)
STRANGER = UUID(int=2)

UPLOADING, PROCESSING, READY, FAILED = (
    VideoStatus.UPLOADING,
    VideoStatus.PROCESSING,
    VideoStatus.READY,
    VideoStatus.FAILED,
)
PUBLIC, UNLISTED, PRIVATE = Visibility.PUBLIC, Visibility.UNLISTED, Visibility.PRIVATE


def _video(
    status: VideoStatus = UPLOADING,
    visibility: Visibility = PUBLIC,
    *,
    renditions: tuple[Rendition, ...] = (),
) -> Video:
    return Video(
        id=uuid4(),
        owner_id=OWNER,
        caption="",
        hashtags=(),
        visibility=visibility,
        status=status,
        content_type="video/mp4",
        size_bytes=1000,
        storage_key="videos/x/source",
        created_at=CREATED,
        updated_at=CREATED,
        upload_id="multipart-1" if status is UPLOADING else None,
        renditions=renditions,
    )


# The status machine ------------------------------------------------------------------------------

ALLOWED = {
    (UPLOADING, PROCESSING),
    (UPLOADING, READY),
    (UPLOADING, FAILED),
    (PROCESSING, READY),
    (PROCESSING, FAILED),
}


@pytest.mark.parametrize("source", list(VideoStatus))
@pytest.mark.parametrize("target", list(VideoStatus))
def test_a_video_moves_only_forward_and_ready_or_failed_is_final(
    source: VideoStatus, target: VideoStatus
) -> None:
    assert source.can_become(target) is ((source, target) in ALLOWED)


@pytest.mark.parametrize(
    ("source", "target"),
    [(s, t) for s in VideoStatus for t in VideoStatus if (s, t) not in ALLOWED],
)
def test_a_forbidden_move_is_a_conflict_naming_both_statuses(
    source: VideoStatus, target: VideoStatus
) -> None:
    with pytest.raises(InvalidTransition) as refused:
        _video(source).moved_to(target, LATER)
    assert isinstance(refused.value, Conflict)
    assert str(refused.value) == f"A {source} video cannot become {target}."


def test_leaving_uploading_forgets_the_multipart_upload_and_stamps_the_change() -> None:
    moved = _video(UPLOADING).moved_to(PROCESSING, LATER)
    assert moved.status is PROCESSING
    assert moved.upload_id is None
    assert moved.updated_at == LATER
    assert moved.published_at is None


def test_becoming_ready_publishes_the_video_at_that_moment() -> None:
    ready = _video(PROCESSING).moved_to(READY, LATER)
    assert ready.published_at == LATER
    assert ready.failure_reason is None


def test_a_failure_keeps_its_reason_cut_to_500_characters() -> None:
    failed = _video(PROCESSING).moved_to(FAILED, LATER, reason="x" * (FAILURE_REASON_MAX + 50))
    assert failed.failure_reason == "x" * FAILURE_REASON_MAX
    assert failed.published_at is None


@pytest.mark.parametrize("reason", [None, ""])
def test_a_failure_without_a_reason_has_none(reason: str | None) -> None:
    assert _video(PROCESSING).moved_to(FAILED, LATER, reason=reason).failure_reason is None


def test_a_reason_is_kept_only_for_a_failure() -> None:
    assert _video(PROCESSING).moved_to(READY, LATER, reason="ignored").failure_reason is None


def test_moving_leaves_the_original_unchanged() -> None:
    video = _video(UPLOADING)
    video.moved_to(READY, LATER)
    assert video.status is UPLOADING
    assert video.upload_id == "multipart-1"


def test_a_video_is_processed_when_ready_with_renditions() -> None:
    renditions = (Rendition(640, 360, 800),)
    assert _video(READY, renditions=renditions).is_processed
    assert not _video(READY).is_processed  # ready without processing (seeded, or older)
    assert not _video(PROCESSING, renditions=renditions).is_processed


# Who sees a video --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", list(VideoStatus))
@pytest.mark.parametrize("visibility", list(Visibility))
def test_only_ready_public_videos_are_published(
    status: VideoStatus, visibility: Visibility
) -> None:
    expected = status is READY and visibility is PUBLIC
    assert counts_as_published(status, visibility) is expected
    assert _video(status, visibility).is_published is expected


@pytest.mark.parametrize("status", list(VideoStatus))
@pytest.mark.parametrize("visibility", list(Visibility))
def test_owners_see_and_list_every_video_of_theirs(
    status: VideoStatus, visibility: Visibility
) -> None:
    video = _video(status, visibility)
    assert video.is_visible_to(OWNER)
    assert video.is_listed_for(OWNER)


@pytest.mark.parametrize("viewer", [STRANGER, None])
@pytest.mark.parametrize("status", list(VideoStatus))
@pytest.mark.parametrize("visibility", list(Visibility))
def test_others_see_ready_videos_with_the_link_unless_private_and_list_only_public_ones(
    viewer: UUID | None, status: VideoStatus, visibility: Visibility
) -> None:
    video = _video(status, visibility)
    assert video.is_visible_to(viewer) is (status is READY and visibility is not PRIVATE)
    assert video.is_listed_for(viewer) is (status is READY and visibility is PUBLIC)


@pytest.mark.parametrize(
    ("before", "after", "delta"),
    [
        (None, (READY, PUBLIC), 1),  # created published (seeded)
        ((UPLOADING, PUBLIC), (READY, PUBLIC), 1),
        ((READY, PUBLIC), (READY, PRIVATE), -1),
        ((READY, UNLISTED), (READY, PUBLIC), 1),
        ((READY, PUBLIC), None, -1),  # deleted
        ((READY, PUBLIC), (READY, PUBLIC), 0),
        ((PROCESSING, PUBLIC), (FAILED, PUBLIC), 0),
        ((READY, PRIVATE), None, 0),
        (None, None, 0),
    ],
)
def test_a_change_moves_the_owners_published_count_by_at_most_one(
    before: tuple[VideoStatus, Visibility] | None,
    after: tuple[VideoStatus, Visibility] | None,
    delta: int,
) -> None:
    old = None if before is None else _video(*before)
    new = None if after is None else _video(*after)
    assert published_delta(old, new) == delta


@pytest.mark.parametrize("raw", ["public", "unlisted", "private"])
def test_visibility_is_one_of_three_words(raw: str) -> None:
    assert parse_visibility(raw).value == raw


@pytest.mark.parametrize("raw", ["PUBLIC", "friends", ""])
def test_another_visibility_is_refused_naming_the_field(raw: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_visibility(raw)
    assert [error.field for error in refused.value.errors] == ["visibility"]


# Captions ----------------------------------------------------------------------------------------


def test_a_caption_is_trimmed_and_none_is_empty() -> None:
    assert Caption.parse("  hello  ").text == "hello"
    assert Caption.parse(None) == Caption(text="", hashtags=())


def test_hashtags_are_lower_cased_distinct_and_in_order_of_first_use() -> None:
    caption = Caption.parse("#Cats and #dogs, then #CATS again #dogs_2 #Ünïcode")
    assert caption.hashtags == ("cats", "dogs", "dogs_2", "ünïcode")


@pytest.mark.parametrize("text", ["a#b", "##double", "# space", "#", "email@x#y", "#-dash"])
def test_a_hash_inside_a_word_or_before_no_letter_is_no_hashtag(text: str) -> None:
    assert Caption.parse(text).hashtags == ()


def test_a_hashtag_keeps_at_most_100_characters() -> None:
    (tag,) = Caption.parse("#" + "a" * (HASHTAG_MAX + 20)).hashtags
    assert tag == "a" * HASHTAG_MAX


def test_a_caption_has_at_most_2200_characters() -> None:
    assert Caption.parse("x" * CAPTION_MAX).text == "x" * CAPTION_MAX
    with pytest.raises(ValidationFailed) as refused:
        Caption.parse("x" * (CAPTION_MAX + 1))
    assert refused.value.errors[0].field == "caption"


def test_a_caption_has_at_most_30_distinct_hashtags() -> None:
    thirty = " ".join(f"#t{index}" for index in range(MAX_HASHTAGS))
    assert len(Caption.parse(thirty + " #T0 #t1").hashtags) == MAX_HASHTAGS  # repeats count once
    with pytest.raises(ValidationFailed) as refused:
        Caption.parse(thirty + " #one_more")
    assert refused.value.errors[0].field == "caption"


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x7f"])
def test_a_caption_refuses_control_characters(control: str) -> None:
    with pytest.raises(ValidationFailed):
        Caption.parse(f"bad{control}caption")


def test_a_caption_keeps_line_breaks_and_tabs() -> None:
    assert Caption.parse("one\ntwo\r\n\tthree").text == "one\ntwo\r\n\tthree"


@given(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=300))
def test_every_hashtag_is_a_lower_cased_tag_of_the_caption(raw: str) -> None:
    caption = Caption.parse(raw)
    assert caption.text == raw.strip()
    assert len(set(caption.hashtags)) == len(caption.hashtags)
    for tag in caption.hashtags:
        assert 1 <= len(tag) <= HASHTAG_MAX
        assert tag == tag.lower()
        assert "#" + tag in caption.text.lower()


# What an upload may be ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("video/mp4", "video/mp4"),
        ("Video/MP4; codecs=avc1", "video/mp4"),
        (" video/webm ", "video/webm"),
        ("video/quicktime;x=y", "video/quicktime"),
    ],
)
def test_a_content_type_ignores_case_and_parameters(raw: str, expected: str) -> None:
    assert parse_content_type(raw) == expected


@pytest.mark.parametrize("raw", ["video/avi", "image/png", "", "mp4", "video/mp4x"])
def test_other_content_types_are_refused_naming_the_field(raw: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_content_type(raw)
    assert refused.value.errors[0].field == "contentType"


def test_a_size_is_between_one_byte_and_the_maximum() -> None:
    assert parse_size(1, 100) == 1
    assert parse_size(100, 100) == 100
    for bad in (0, -1, 101):
        with pytest.raises(ValidationFailed) as refused:
            parse_size(bad, 100)
        assert refused.value.errors[0].field == "sizeBytes"


MP4_HEAD = b"\x00\x00\x00\x18ftypisom"
WEBM_HEAD = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81"


@pytest.mark.parametrize(
    ("content_type", "head", "matches"),
    [
        ("video/mp4", MP4_HEAD, True),
        ("video/mp4", WEBM_HEAD, False),
        ("video/mp4", b"\x00\x00\x00\x08moov", False),
        ("video/quicktime", MP4_HEAD, True),
        *[("video/quicktime", b"\x00\x00\x00\x08" + atom, True) for atom in [b"moov", b"mdat"]],
        *[("video/quicktime", b"\x00\x00\x00\x08" + atom, True) for atom in [b"wide", b"free"]],
        ("video/quicktime", b"\x00\x00\x00\x08skip", True),
        ("video/quicktime", b"\x00\x00\x00\x08junk", False),
        ("video/webm", WEBM_HEAD, True),
        ("video/webm", MP4_HEAD, False),
        ("video/mp4", b"", False),
        ("video/avi", MP4_HEAD, False),
    ],
)
def test_the_first_bytes_must_be_the_declared_container(
    content_type: str, head: bytes, matches: bool
) -> None:
    assert container_matches(content_type, head) is matches
