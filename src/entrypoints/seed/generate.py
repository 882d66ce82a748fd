"""The rows of a plan, made one at a time (generators: a run never holds them all): users, videos,
follows, likes, comments. Each draws from a stream of its own, so the same plan gives the same rows.

Entities are the domain's, built the way the use cases build them: hashtags come from
`Caption.parse`, engagement points from `domain.ranking.engagement_points`, storage keys from
`source_key`. A seeded video is what the `media` job makes of an upload (its duration, size,
renditions and poster are the processed sample's, see `media`), or, without media, what an upload
has before processing: no duration, no dimensions, only the original to play.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from application.ports.bulk_loader import CommentLike, Follow, VideoLike
from application.users.avatar_keys import avatar_url
from application.videos.storage_keys import source_key
from domain.comments import Comment, parse_body
from domain.ranking import engagement_points
from domain.users import User
from domain.values import Email
from domain.videos import Caption, Video, VideoStatus
from entrypoints.seed.plan import NO_PARENT, VISIBILITIES, Plan
from entrypoints.seed.sampling import SECOND, as_datetime, others, rng
from entrypoints.seed.vocabulary import Vocabulary

if TYPE_CHECKING:
    from entrypoints.seed.media import VideoMedia

EMAIL_DOMAIN = "example.com"
CONTENT_TYPE = "video/mp4"  # the sample's


def users(
    plan: Plan,
    vocabulary: Vocabulary,
    *,
    password_hash: str,
    avatar_of: Callable[[int], str | None] = lambda _user: None,
    public_url: str = "",
) -> Iterator[User]:
    """The users; the `user`-th gets the avatar version `avatar_of(user)` (None: no avatar)."""
    draw = rng(plan.seed, "profiles")
    for user, user_id in enumerate(plan.user_ids):
        avatar = avatar_of(user)
        first, last = divmod(plan.user_names[user], 65536)
        username = plan.usernames[user]
        created = as_datetime(plan.user_created[user])
        yield User(
            id=user_id,
            username=username,
            email=Email.parse(f"{username}@{EMAIL_DOMAIN}").value,
            password_hash=password_hash,
            display_name=_display_name(
                draw, vocabulary, vocabulary.first_names[first][1], vocabulary.last_names[last][1]
            ),
            bio=draw.choice(vocabulary.bios) if draw.random() < 0.45 else None,
            avatar_url=None if avatar is None else avatar_url(public_url, user_id, avatar),
            avatar_version=avatar,
            created_at=created,
            updated_at=created,
            follower_count=plan.followers[user],
            following_count=plan.following[user],
            video_count=plan.published[user],
            like_count=plan.likes_received[user],
        )


def _display_name(draw: random.Random, vocabulary: Vocabulary, first: str, last: str) -> str:
    roll = draw.random()
    if roll < 0.75:
        return f"{first} {last}"
    if roll < 0.85:
        return first
    if roll < 0.95:
        return f"{first} {draw.choice(vocabulary.name_emoji)}"
    return f"{first} {last[0]}."


def videos(
    plan: Plan, vocabulary: Vocabulary, *, size_bytes: int, media: VideoMedia | None = None
) -> Iterator[Video]:
    """Ready videos with the sample's bytes (`size_bytes`) at their own key, processed as `media`
    says (None: not processed)."""
    draw = rng(plan.seed, "captions")
    ready = VideoStatus.READY
    for video, video_id in enumerate(plan.video_ids):
        caption = Caption.parse(_caption(draw, vocabulary))
        published = as_datetime(plan.video_published[video])
        views, likes = plan.video_views[video], plan.video_likes[video]
        comments = plan.video_comments[video]
        yield Video(
            id=video_id,
            owner_id=plan.user_ids[plan.video_owner[video]],
            caption=caption.text,
            hashtags=caption.hashtags,
            visibility=VISIBILITIES[plan.video_visibility[video]],
            status=ready,
            content_type=CONTENT_TYPE,
            size_bytes=size_bytes,
            storage_key=source_key(video_id),
            created_at=as_datetime(plan.video_created[video]),
            updated_at=published,
            published_at=published,
            view_count=views,
            like_count=likes,
            comment_count=comments,
            engagement_points=engagement_points(views=views, likes=likes, comments=comments),
            duration_seconds=None if media is None else media.duration_seconds,
            width=None if media is None else media.width,
            height=None if media is None else media.height,
            renditions=() if media is None else media.renditions,
            poster_version=None if media is None else media.poster_version,
            blurhash=None if media is None else media.blurhash,
        )


def _caption(draw: random.Random, vocabulary: Vocabulary) -> str:
    topic = draw.choice(vocabulary.topics)
    if draw.random() < 0.8:
        text = draw.choice(topic.captions)
    else:
        text = draw.choice(vocabulary.generic_captions)
    if draw.random() < 0.3:
        text = f"{text} {draw.choice(vocabulary.caption_emoji)}"
    tag_count = draw.choices((0, 1, 2, 3), (15, 35, 30, 20))[0]
    pool = (
        [*topic.hashtags, *vocabulary.generic_hashtags] if tag_count > 1 else list(topic.hashtags)
    )
    chosen = list(dict.fromkeys(draw.sample(pool, min(tag_count, len(pool)))))
    return " ".join([text, *(f"#{tag}" for tag in chosen)])


def follows(plan: Plan) -> Iterator[Follow]:
    ids = plan.user_ids
    for follower, followee, created in zip(
        plan.follow_follower, plan.follow_followee, plan.follow_created, strict=True
    ):
        yield ids[follower], ids[followee], as_datetime(created)


def video_likes(plan: Plan) -> Iterator[VideoLike]:
    """Distinct likers per video, never its owner, each after the video and the liker existed."""
    draw = rng(plan.seed, "video-likes")
    user_ids, user_created, now = plan.user_ids, plan.user_created, plan.now_us
    population = len(user_ids)
    for video, count in enumerate(plan.video_likes):
        if not count:
            continue
        video_id, published = plan.video_ids[video], plan.video_published[video]
        for liker in others(draw, population, plan.video_owner[video], count):
            since = max(published, user_created[liker]) + SECOND
            created = since if now <= since else since + int(draw.random() * (now - since))
            yield user_ids[liker], video_id, as_datetime(created)


def comments(plan: Plan, vocabulary: Vocabulary) -> Iterator[Comment]:
    """Top-level comments, then replies (35% of them mention the comment's author)."""
    draw = rng(plan.seed, "bodies")
    ids, user_ids, video_ids = plan.comment_ids, plan.user_ids, plan.video_ids
    for comment, comment_id in enumerate(ids):
        parent = plan.comment_parent[comment]
        if parent == NO_PARENT:
            body = draw.choice(vocabulary.comments)
        else:
            body = draw.choice(vocabulary.replies)
            if draw.random() < 0.35:
                body = f"@{plan.usernames[plan.comment_author[parent]]} {body}"
        yield Comment(
            id=comment_id,
            video_id=video_ids[plan.comment_video[comment]],
            author_id=user_ids[plan.comment_author[comment]],
            body=parse_body(body),
            created_at=as_datetime(plan.comment_created[comment]),
            parent_id=None if parent == NO_PARENT else ids[parent],
            reply_count=plan.comment_replies[comment],
            like_count=plan.comment_likes[comment],
        )


def comment_likes(plan: Plan) -> Iterator[CommentLike]:
    """Distinct likers per comment, never its author, each after the comment and the liker."""
    draw = rng(plan.seed, "comment-likes")
    user_ids, user_created, now = plan.user_ids, plan.user_created, plan.now_us
    population = len(user_ids)
    for comment, count in enumerate(plan.comment_likes):
        if not count:
            continue
        comment_id, written = plan.comment_ids[comment], plan.comment_created[comment]
        for liker in others(draw, population, plan.comment_author[comment], count):
            since = max(written, user_created[liker]) + SECOND
            created = since if now <= since else since + int(draw.random() * (now - since))
            yield user_ids[liker], comment_id, as_datetime(created)
