"""`DiscoveryUseCases`: search, hashtags, trending, watch retention (application.discovery)."""

from __future__ import annotations

from application.discovery.forget_old_watches import ForgetOldWatches
from application.discovery.get_hashtag import GetHashtag
from application.discovery.refresh_trending import RefreshTrending
from application.discovery.search_accounts import SearchAccounts
from application.discovery.search_videos import SearchVideos
from application.discovery.trending_hashtags import GetTrendingHashtags
from entrypoints.composition.ports import Ports
from entrypoints.composition.wiring import singleton


class DiscoveryUseCases(Ports):
    """Search videos and users; hashtags and the trending ones; the ranking tables' jobs."""

    search_videos = singleton(SearchVideos, Ports.search_index)
    search_accounts = singleton(SearchAccounts, Ports.search_index, Ports.follow_queries)
    get_hashtag = singleton(GetHashtag, Ports.hashtag_queries)
    trending_hashtags = singleton(GetTrendingHashtags, Ports.hashtag_queries)
    refresh_trending = singleton(RefreshTrending, Ports.unit_of_work, Ports.clock)
    forget_old_watches = singleton(ForgetOldWatches, Ports.unit_of_work, Ports.clock)
