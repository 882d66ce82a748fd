"""The per-address rate limit, counted atomically when the store is Redis (shared by every instance)."""

from __future__ import annotations

from time import time
from typing import Any, Protocol, runtime_checkable

from litestar import Request
from litestar.exceptions import TooManyRequestsException
from litestar.middleware.rate_limit import (
    DURATION_VALUES,
    CacheObject,
    RateLimitConfig,
    RateLimitMiddleware,
)
from litestar.stores.base import Store
from litestar.types import ASGIApp, Receive, Scope, Send


@runtime_checkable
class AtomicCounter(Protocol):
    """A store that counts a request in its window in one atomic step (the Redis store does)."""

    async def hit(self, key: str, window_seconds: int) -> tuple[int, int]:
        """Count a request under `key`; the requests of its window so far (this one included)
        and the seconds until the window ends."""
        ...


class SharedRateLimitMiddleware(RateLimitMiddleware):
    """Litestar's rate limit, decided by one atomic `INCR` when the store is an `AtomicCounter`.

    Litestar's own middleware reads a client's history, decides, then writes it back, under a lock
    of its process only: requests to two instances (or two workers) at the same moment read the same
    history and are all let through, so together they exceed the limit. Other stores (the in-process
    memory store) keep Litestar's behaviour. Redis unreachable: 503 (`DependencyUnavailable`).
    """

    def __init__(self, app: ASGIApp, config: RateLimitConfig) -> None:
        super().__init__(app, config)
        self._store: Store | None = None
        self._counter: AtomicCounter | None = None

    def _counter_of(self, store: Store) -> AtomicCounter | None:
        # Decided once per store: a check against a runtime protocol costs ~20 µs per request.
        if store is not self._store:
            self._store = store
            self._counter = store if isinstance(store, AtomicCounter) else None
        return self._counter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = scope["litestar_app"]
        store = self._counter_of(self.config.get_store_from_app(app))
        if store is None:
            await super().__call__(scope, receive, send)
            return
        request = app.request_class(scope)
        if await self.should_check_request(request=request):
            count, reset_in = await store.hit(
                self.cache_key_from_request(request), DURATION_VALUES[self.unit]
            )
            # What Litestar's header helper reads: the number of counted requests and the reset time.
            counted = CacheObject(
                history=[0] * min(count, self.max_requests), reset=int(time()) + reset_in
            )
            if count > self.max_requests:
                raise TooManyRequestsException(
                    headers=self.create_response_headers(cache_object=counted)
                    if self.config.set_rate_limit_headers
                    else None
                )
            if self.config.set_rate_limit_headers:
                send = self.create_send_wrapper(send=send, cache_object=counted)
        await self.app(scope, receive, send)


EMAIL_REQUESTS = "email_requests"
"""The `opt` key of routes that make the server email an address the caller names (forgot-password):
a stricter per-client-address limit applies to them (`email_request_limit`)."""
EMAIL_REQUESTS_PER_MINUTE = 10


def _sends_email(request: Request[Any, Any, Any]) -> bool:
    return bool(request.scope["route_handler"].opt.get(EMAIL_REQUESTS))


def email_request_limit() -> RateLimitConfig:
    """At most `EMAIL_REQUESTS_PER_MINUTE` requests a minute per client address on the routes marked
    `EMAIL_REQUESTS`, counted apart from the general limit (its own store), the same way for every
    address asked about."""
    return RateLimitConfig(
        rate_limit=("minute", EMAIL_REQUESTS_PER_MINUTE),
        check_throttle_handler=_sends_email,
        store=EMAIL_REQUESTS,
        set_rate_limit_headers=False,  # the general limit's headers stay the ones shown
        middleware_class=SharedRateLimitMiddleware,
    )
