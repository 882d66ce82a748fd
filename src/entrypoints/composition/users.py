"""`UserUseCases`: profiles (application.users)."""

from __future__ import annotations

from application.users.delete_account import DeleteAccount
from application.users.get_avatar import GetAvatar
from application.users.get_me import GetMe
from application.users.get_user import GetUser
from application.users.remove_avatar import RemoveAvatar
from application.users.search_users import SearchUsers
from application.users.set_avatar import SetAvatar
from application.users.update_profile import UpdateProfile
from entrypoints.composition.ports import Ports
from entrypoints.composition.wiring import singleton


class UserUseCases(Ports):
    """One's own account and avatar, other people's profiles and avatars, the user search."""

    get_me = singleton(GetMe, Ports.account_queries)
    update_profile = singleton(
        UpdateProfile, Ports.unit_of_work, Ports.storage_cleanup, Ports.clock
    )
    set_avatar = singleton(
        SetAvatar,
        Ports.unit_of_work,
        Ports.storage,
        Ports.images,
        Ports.storage_cleanup,
        Ports.clock,
        Ports.ids,
        Ports.public_url,
    )
    remove_avatar = singleton(RemoveAvatar, Ports.unit_of_work, Ports.storage_cleanup, Ports.clock)
    get_avatar = singleton(GetAvatar, Ports.account_queries, Ports.storage)
    delete_account = singleton(
        DeleteAccount, Ports.unit_of_work, Ports.password_check, Ports.storage_cleanup, Ports.clock
    )
    get_user = singleton(GetUser, Ports.account_queries, Ports.follow_queries)
    search_users = singleton(SearchUsers, Ports.unit_of_work, Ports.follow_queries)
