"""THE visibility rule: who may see which account, video and comment. Every read and write path
goes through it; nothing else states it.

The rule, for a viewer V looking at something by author A (an account, or a video or comment):

1. V is A: V sees everything of theirs, in lists too (a removed video shows its `moderation`).
2. Otherwise A must not be suspended, there must be no block between V and A in either
   direction, and the video or comment must be in moderation state `visible`; a video must also
   be ready and public or unlisted (`Video.is_visible_to`), a comment's video visible to V.
3. Direct reads (`GET /videos/{id}`, `/comments/{id}`, `/users/{id}`, playback) relax two things:
   a moderator sees suspended authors, blocks and hidden content (never someone else's private or
   unfinished video); and A's profile stays visible to V when V blocks A (V must be able to
   unblock), though A's videos and comments do not.
4. Lists, feeds and searches apply 2 even to moderators, and list only published videos of
   others (`Video.is_listed_for`).

Direct reads go through the functions below. Lists apply the same rule where they are queried:
the in-memory adapters call `is_listed` and `account_is_listed`, and the SQL adapters translate
them once, in `adapters/sqlalchemy/read_statements.py` (`listed_content`, `listed_account`); the
contract suite `tests/integration/contracts/test_visibility_contract.py` holds every adapter to
the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.ports.account_queries import AccountQueries
from application.ports.unit_of_work import UnitOfWork
from application.ports.video_queries import VideoQueries, VideoView
from domain.comments import Comment
from domain.errors import Conflict, Forbidden, NotFound
from domain.moderation import NO_BLOCK, BlockRelation, ModerationState
from domain.users import User
from domain.videos import Video, VideoStatus


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking: a signed-in account (and whether it moderates), or nobody."""

    user_id: UUID | None = None
    moderator: bool = False


ANONYMOUS = Viewer()


# --- the rule -------------------------------------------------------------------------------------


def is_listed(
    viewer_id: UUID | None, author: User, block: BlockRelation, state: ModerationState
) -> bool:
    """Whether content by `author` in moderation `state` appears in the viewer's lists and feeds
    (rules 1, 2 and 4; a video must also be `Video.is_listed_for` the viewer)."""
    if viewer_id == author.id:
        return True
    return not author.is_suspended and not block.either and state is ModerationState.VISIBLE


def account_is_listed(viewer_id: UUID | None, account: User, block: BlockRelation) -> bool:
    """Whether an account appears in the viewer's lists and searches (followers, search...)."""
    return is_listed(viewer_id, account, block, ModerationState.VISIBLE)


def can_see_content(
    viewer: Viewer, author: User, block: BlockRelation, state: ModerationState
) -> bool:
    """Whether the viewer may read content by `author` in moderation `state` directly (rule 3)."""
    return viewer.moderator or is_listed(viewer.user_id, author, block, state)


def can_see_account(viewer: Viewer, account: User, block: BlockRelation) -> bool:
    """Whether the viewer may read this profile: a blocker still sees whom they block (rule 3)."""
    if viewer.moderator or viewer.user_id == account.id:
        return True
    return not account.is_suspended and not block.blocked_by


def can_see_video(viewer: Viewer, video: Video, author: User, block: BlockRelation) -> bool:
    """Whether the viewer may read this video directly."""
    return video.is_visible_to(viewer.user_id) and can_see_content(
        viewer, author, block, video.moderation_state
    )


def shows_moderation(viewer: Viewer, author_id: UUID) -> bool:
    """Whether the viewer is shown the `moderation` of content by `author_id` (its author and
    moderators; for everyone else it is null, as they never see hidden content)."""
    return viewer.moderator or viewer.user_id == author_id


# --- direct reads on the read side ----------------------------------------------------------------


async def visible_view(
    queries: VideoQueries, video_id: UUID, viewer: Viewer | UUID | None
) -> VideoView:
    """The video as the viewer sees it; NotFound when it does not exist or is hidden from them."""
    viewer = as_viewer(viewer)
    view = await queries.get_view(video_id, viewer.user_id)
    if view is None or not can_see_video(viewer, view.video, view.author, view.block):
        raise NotFound("No such video.")
    return view


def as_viewer(viewer: Viewer | UUID | None) -> Viewer:
    """A `Viewer` from a viewer or a bare account id (not a moderator) or None (anonymous)."""
    if isinstance(viewer, Viewer):
        return viewer
    return ANONYMOUS if viewer is None else Viewer(user_id=viewer)


async def require_visible_account(accounts: AccountQueries, user_id: UUID, viewer: Viewer) -> None:
    """NotFound unless the account exists and the viewer may see its profile (one round trip)."""
    found = await accounts.account(user_id, None, viewer.user_id)
    if found is None or not can_see_account(viewer, found.user, found.block):
        raise NotFound("No such user.")


# --- checks inside a unit of work (writes) --------------------------------------------------------


async def _block(uow: UnitOfWork, viewer_id: UUID | None, other_id: UUID) -> BlockRelation:
    if viewer_id is None or viewer_id == other_id:
        return NO_BLOCK
    return await uow.blocks.between(viewer_id, other_id)


async def _visible_video(uow: UnitOfWork, video_id: UUID, viewer: Viewer) -> Video:
    video = await uow.videos.get(video_id)
    author = await uow.users.get(video.owner_id) if video is not None else None
    if video is None or author is None:
        raise NotFound("No such video.")
    block = await _block(uow, viewer.user_id, author.id)
    if not can_see_video(viewer, video, author, block):
        raise NotFound("No such video.")
    return video


async def visible_account(uow: UnitOfWork, user_id: UUID, viewer: Viewer | UUID | None) -> User:
    """An account whose profile the viewer may see (404 otherwise)."""
    viewer = as_viewer(viewer)
    account = await uow.users.get(user_id)
    if account is None:
        raise NotFound("No such user.")
    if not can_see_account(viewer, account, await _block(uow, viewer.user_id, account.id)):
        raise NotFound("No such user.")
    return account


async def reachable_account(uow: UnitOfWork, user_id: UUID, viewer_id: UUID) -> User:
    """An account the viewer may interact with (follow): 404 when it is suspended or blocks the
    viewer, `Conflict` (409) while the viewer blocks it."""
    account = await visible_account(uow, user_id, viewer_id)
    if viewer_id != user_id and (await _block(uow, viewer_id, user_id)).blocking:
        raise Conflict("You block this user: unblock them first.")
    return account


async def visible_video(uow: UnitOfWork, video_id: UUID, viewer: Viewer | UUID | None) -> Video:
    """A video the viewer can see (404 otherwise)."""
    return await _visible_video(uow, video_id, as_viewer(viewer))


async def likeable_video(uow: UnitOfWork, video_id: UUID, user_id: UUID | None) -> Video:
    """A ready video the user can see (404 otherwise: hidden and unfinished videos look absent)."""
    video = await _visible_video(uow, video_id, as_viewer(user_id))
    if video.status is not VideoStatus.READY:
        raise NotFound("No such video.")
    return video


async def visible_comment(
    uow: UnitOfWork, comment_id: UUID, viewer: Viewer | UUID | None
) -> Comment:
    """A comment the viewer can see, on a video they can see (404 otherwise)."""
    viewer = as_viewer(viewer)
    comment = await uow.comments.get(comment_id)
    author = await uow.users.get(comment.author_id) if comment is not None else None
    if comment is None or author is None:
        raise NotFound("No such comment.")
    block = await _block(uow, viewer.user_id, author.id)
    if not can_see_content(viewer, author, block, comment.moderation_state):
        raise NotFound("No such comment.")
    try:
        await _visible_video(uow, comment.video_id, viewer)
    except NotFound:
        raise NotFound("No such comment.") from None
    return comment


async def owned_video(uow: UnitOfWork, video_id: UUID, user_id: UUID) -> Video:
    """The video if `user_id` owns it; 404 if they cannot see it, 403 if they can but don't own it."""
    video = await _visible_video(uow, video_id, Viewer(user_id=user_id))
    if video.owner_id != user_id:
        raise Forbidden("Only the video's owner may do this.")
    return video
