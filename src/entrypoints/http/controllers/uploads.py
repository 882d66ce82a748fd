"""The upload route of storages that receive uploads through this API: /api/v1/uploads."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, put
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import FromPath, SkipValidation

from application.videos.receive_upload import ReceiveUpload, ReceiveUploadCommand
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.errors import problem
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.schemas.videos import UploadReceivedOut


@dataclass
class _RawBodyOperation(Operation):
    """The upload's body in the document: Litestar documents only bodies it decodes itself."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            content={
                "application/octet-stream": OpenAPIMediaType(
                    schema=Schema(
                        type=OpenAPIType.STRING, content_media_type="application/octet-stream"
                    )
                )
            },
            description="The bytes of the file (or part), sent as is (any `Content-Type`).",
            required=True,
        )


async def _without_long_pauses(
    chunks: AsyncIterator[bytes], seconds: float
) -> AsyncIterator[bytes]:
    """The body's chunks; 408 when the next one takes longer than `seconds` to arrive (a client
    that stops sending would otherwise hold the upload, its file and a connection for ever)."""
    while True:
        try:
            chunk = await asyncio.wait_for(anext(chunks), seconds)
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise problem(
                408, f"The upload paused for more than {seconds:g} s; nothing was kept."
            ) from None
        yield chunk


class UploadsController(ApiController):
    """Signed upload URLs (local storage): the client PUTs the raw bytes."""

    path = "/uploads"
    tags = ["videos"]

    @put(
        "/{token:str}",
        operation_id="uploadBytes",
        summary="Upload a file or part to a signed URL",
        description=described_by(ReceiveUpload),
        request_max_body_size=None,  # the signed grant's own limit is enforced while streaming
        opt={"raw_body": True},
        operation_class=_RawBodyOperation,
        responses=problems(403, 404, 408, 413),
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        token: FromPath[str],
        receive_upload: SkipValidation[ReceiveUpload],
        upload_idle_timeout: SkipValidation[float],
    ) -> Response[UploadReceivedOut]:
        chunks = _without_long_pauses(request.stream(), upload_idle_timeout)
        etag = await receive_upload.execute(ReceiveUploadCommand(token=token, chunks=chunks))
        return Response(UploadReceivedOut(etag=etag), headers={"ETag": etag})
