"""The `Idempotency-Key` header of retry-safe creations."""

from __future__ import annotations

from typing import Annotated

from litestar.params import HeaderParameter

from application.common.idempotency import MAX_KEY_LENGTH

IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        pattern=r"^[!-~]([ -~]*[!-~])?$",  # printable ASCII: what a header value can carry intact
        description="Retry-safe creation: the same key and body within 24 h replays the first "
        "response. 1..255 printable ASCII characters.",
    ),
]
