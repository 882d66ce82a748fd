"""The request class of the app: a JSON body that cannot be decoded is the client's error (400)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import ClientException


class ApiRequest(Request[Any, Any, Any]):
    """Litestar's request, whose `json()` answers 400 for every undecodable body.

    Litestar turns msgspec's own decode errors into a 400, but a body with invalid UTF-8 inside a
    string raises `UnicodeDecodeError` and one nested deeper than the decoder's recursion limit
    `RecursionError`: both would otherwise end as a 500.
    """

    async def json(self) -> Any:
        try:
            return await super().json()
        except UnicodeDecodeError:
            raise ClientException("Malformed request: the body is not valid UTF-8.") from None
        except RecursionError:
            raise ClientException("Malformed request: the JSON is nested too deeply.") from None
