"""The base class of the API's controllers."""

from __future__ import annotations

from litestar import Controller, Router
from litestar.routes import HTTPRoute


class ApiController(Controller):
    """A controller whose automatic `OPTIONS` answers list every method of a path in `Allow`.

    Litestar 2 registers a controller's handlers one at a time and builds the automatic `OPTIONS`
    handler of a path from the first handler only, so `OPTIONS /users/me` answered
    `Allow: DELETE, OPTIONS` although GET and PATCH exist too (litestar-org/litestar#4169, fixed
    only in Litestar 3). Each route is rebuilt here from all of its handlers, which gives it a fresh
    `OPTIONS` handler that knows every method.
    """

    def as_router(self) -> Router:
        router = super().as_router()
        for index, route in enumerate(router.routes):
            if not isinstance(route, HTTPRoute):
                continue
            handlers = [h for h in route.route_handlers if "OPTIONS" not in h.http_methods]
            if len(handlers) < len(route.route_handlers):  # only the automatic handler is dropped
                router.routes[index] = HTTPRoute(path=route.path, route_handlers=handlers)
        return router
