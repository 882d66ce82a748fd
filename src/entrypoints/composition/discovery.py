"""`DiscoveryUseCases`: search and hashtags (application.discovery)."""

from __future__ import annotations

from application.discovery.search_accounts import SearchAccounts
from application.discovery.search_videos import SearchVideos
from entrypoints.composition.ports import Ports
from entrypoints.composition.wiring import singleton


class DiscoveryUseCases(Ports):
    """Search videos and users."""

    search_videos = singleton(SearchVideos, Ports.search_index)
    search_accounts = singleton(SearchAccounts, Ports.search_index, Ports.follow_queries)
