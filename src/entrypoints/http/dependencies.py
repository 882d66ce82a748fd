"""Litestar dependencies that hand out the container's use cases."""

from __future__ import annotations

from typing import Any

from dependency_injector import providers
from litestar import Request
from litestar.di import Provide

from entrypoints.container import Container
from entrypoints.http.cursors import CursorCodec
from entrypoints.http.security import provide_principal, provide_viewer


def _from(provider: providers.Provider[Any]) -> Provide:
    # Litestar rejects provider objects in signatures, so wrap the call in a plain function.
    # use_cache: use cases are stateless singletons, resolved once and shared by every request.
    def resolve() -> Any:
        return provider()

    return Provide(resolve, sync_to_thread=False, use_cache=True)


def app_dependencies(container: Container) -> dict[str, Provide]:
    """Every use case by name, plus the caller (`principal`, `viewer`) and the cursor codec."""
    use_cases = container.use_cases
    names = [
        "authenticate", "register", "login", "refresh_tokens", "logout", "logout_all",
        "change_password", "get_me", "update_profile", "delete_account", "get_user",
        "search_users", "check_readiness", "idempotency", "create_video", "complete_upload",
        "get_video", "list_videos", "list_user_videos", "update_video", "delete_video",
        "stream_video", "receive_upload", "follow_user", "unfollow_user", "list_followers",
        "list_following", "like_video", "unlike_video", "like_comment", "unlike_comment",
        "create_comment", "edit_comment", "delete_comment", "get_comment", "list_comments",
        "list_replies", "record_view", "for_you_feed", "following_feed",
    ]  # fmt: skip
    dependencies = {name: _from(getattr(use_cases, name)) for name in names}
    codec = CursorCodec(container.core.settings().jwt_secret)
    dependencies["cursors"] = Provide(lambda: codec, sync_to_thread=False, use_cache=True)
    public_url = container.core.settings().public_url

    def base_url(request: Request[Any, Any, Any]) -> str:
        return public_url or str(request.base_url).rstrip("/")

    dependencies["base_url"] = Provide(base_url, sync_to_thread=False)
    dependencies["principal"] = Provide(provide_principal)
    dependencies["viewer"] = Provide(provide_viewer)
    return dependencies
