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
from application.social.personal_feed import PersonalWalks
from application.social.read_comments import GetComment, ListComments, ListReplies
from application.social.record_view import RecordView
from entrypoints.composition.ports import Ports
from entrypoints.composition.wiring import singleton


class SocialUseCases(Ports):
    """Follow people, like and comment, count views, and the For You and Following feeds."""

    follow_user = singleton(FollowUser, Ports.unit_of_work, Ports.clock)
    unfollow_user = singleton(UnfollowUser, Ports.unit_of_work)
    list_followers = singleton(ListFollowers, Ports.account_queries, Ports.follow_queries)
    list_following = singleton(ListFollowing, Ports.account_queries, Ports.follow_queries)
    like_video = singleton(LikeVideo, Ports.unit_of_work, Ports.clock)
    unlike_video = singleton(UnlikeVideo, Ports.unit_of_work)
    like_comment = singleton(LikeComment, Ports.unit_of_work, Ports.clock)
    unlike_comment = singleton(UnlikeComment, Ports.unit_of_work)
    create_comment = singleton(
        CreateComment, Ports.unit_of_work, Ports.comment_queries, Ports.clock, Ports.ids
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
