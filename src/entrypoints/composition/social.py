"""`SocialUseCases`: follows, likes, comments, views, feeds (application.social)."""

from __future__ import annotations

from application.social.create_comment import CreateComment
from application.social.delete_comment import DeleteComment
from application.social.edit_comment import EditComment
from application.social.feed_feedback import GiveFeedFeedback
from application.social.feeds import FollowingFeed, ForYouFeed
from application.social.follow import FollowUser, UnfollowUser
from application.social.follower_lists import ListFollowers, ListFollowing
from application.social.like_comment import LikeComment, UnlikeComment
from application.social.like_video import LikeVideo, UnlikeVideo
from application.social.liked_videos import ListLikedVideos
from application.social.personal_feed import PersonalWalks
from application.social.pin_comment import PinComment, UnpinComment
from application.social.read_comments import GetComment, ListComments, ListReplies
from application.social.record_view import RecordView
from application.social.save_video import SaveVideo, UnsaveVideo
from application.social.saved_videos import ListSavedVideos
from application.social.share_video import ShareVideo
from application.social.video_likers import ListVideoLikers
from entrypoints.composition.ports import Ports
from entrypoints.composition.wiring import singleton


class SocialUseCases(Ports):
    """Follow people, like, save, share and comment (and pin comments), count views, your saved
    and liked videos, who liked yours, and the For You and Following feeds."""

    follow_user = singleton(FollowUser, Ports.unit_of_work, Ports.clock)
    unfollow_user = singleton(UnfollowUser, Ports.unit_of_work)
    list_followers = singleton(ListFollowers, Ports.account_queries, Ports.follow_queries)
    list_following = singleton(ListFollowing, Ports.account_queries, Ports.follow_queries)
    like_video = singleton(LikeVideo, Ports.unit_of_work, Ports.clock)
    unlike_video = singleton(UnlikeVideo, Ports.unit_of_work)
    like_comment = singleton(LikeComment, Ports.unit_of_work, Ports.clock)
    unlike_comment = singleton(UnlikeComment, Ports.unit_of_work)
    create_comment = singleton(
        CreateComment,
        Ports.unit_of_work,
        Ports.comment_queries,
        Ports.clock,
        Ports.ids,
        Ports.email_policy,
    )
    edit_comment = singleton(EditComment, Ports.unit_of_work, Ports.comment_queries, Ports.clock)
    delete_comment = singleton(DeleteComment, Ports.unit_of_work)
    get_comment = singleton(GetComment, Ports.unit_of_work, Ports.comment_queries)
    list_comments = singleton(ListComments, Ports.video_queries, Ports.comment_queries)
    list_replies = singleton(ListReplies, Ports.unit_of_work, Ports.comment_queries)
    record_view = singleton(RecordView, Ports.unit_of_work, Ports.views, Ports.clock)
    give_feed_feedback = singleton(GiveFeedFeedback, Ports.unit_of_work, Ports.clock)
    _personal_walks = singleton(
        PersonalWalks, Ports.feed_queries, Ports.taste_queries, Ports.walks, Ports.ids
    )
    for_you_feed = singleton(ForYouFeed, Ports.feed_queries, Ports.clock, _personal_walks)
    following_feed = singleton(FollowingFeed, Ports.feed_queries)
    save_video = singleton(SaveVideo, Ports.unit_of_work, Ports.clock)
    unsave_video = singleton(UnsaveVideo, Ports.unit_of_work)
    list_saved_videos = singleton(ListSavedVideos, Ports.collection_queries)
    list_liked_videos = singleton(ListLikedVideos, Ports.collection_queries)
    list_video_likers = singleton(ListVideoLikers, Ports.unit_of_work, Ports.collection_queries)
    share_video = singleton(ShareVideo, Ports.unit_of_work, Ports.views)
    pin_comment = singleton(PinComment, Ports.unit_of_work, Ports.comment_queries, Ports.clock)
    unpin_comment = singleton(UnpinComment, Ports.unit_of_work, Ports.comment_queries)
