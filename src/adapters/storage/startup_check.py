"""Whether the storage that `CLIPSTREAM_STORAGE_URL` names is usable, said in one line.

For the commands, before they start: a folder that cannot be created or written, a bucket that does
not exist, refuses our credentials or an endpoint that does not answer each get a sentence saying
where the storage is, what failed and what to do.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from adapters.storage.factory import build_storage, describe_storage
from adapters.storage.s3 import S3ObjectStorage, S3RequestFailed
from adapters.storage.upload_grants import HmacUploadGrants
from application.errors import DependencyUnavailable, describe

FIX_URL = "fix CLIPSTREAM_STORAGE_URL"


@dataclass(frozen=True, slots=True)
class StorageProblem:
    """One line naming the storage, the failure and the fix; `fatal` when the service cannot even
    start with it (a folder that cannot be created), rather than start and answer 503 to uploads."""

    message: str
    fatal: bool


async def storage_problem(storage_url: str, s3_endpoint_url: str | None) -> StorageProblem | None:
    """None when the storage is usable, else what is wrong with it."""
    where = describe_storage(storage_url, s3_endpoint_url)
    try:
        storage = build_storage(
            storage_url,
            grants=HmacUploadGrants(os.urandom(32)),  # nothing is signed: a check only
            public_url="http://127.0.0.1",
            s3_endpoint_url=s3_endpoint_url,
            s3_public_endpoint_url=None,
        )
    except OSError as error:  # a folder that cannot be created
        message = f"the storage ({where}) is not usable: {_os_reason(error)}: {_folder_fix()}"
        return StorageProblem(message, fatal=True)
    try:
        await storage.check()
    except Exception as error:
        message = f"the storage ({where}) is not usable: {_reason(error, storage)}"
        return StorageProblem(message, fatal=False)
    finally:
        if isinstance(storage, S3ObjectStorage):
            await storage.close()
    return None


def _folder_fix() -> str:
    return f"create it writable for this user, or {FIX_URL}"


def _os_reason(error: OSError) -> str:
    return f"{error.strerror or type(error).__name__}" + (
        f" ({error.filename})" if error.filename else ""
    )


def _reason(error: Exception, storage: object) -> str:
    cause = error.__cause__ if isinstance(error, DependencyUnavailable) else error
    if not isinstance(storage, S3ObjectStorage):
        said = _os_reason(cause) if isinstance(cause, OSError) else describe(error)
        return f"{said}: {_folder_fix()}"
    if isinstance(cause, S3RequestFailed):
        return _s3_refusal(cause)
    if "NoCredentials" in describe(error):
        return "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    detail = describe(cause) if cause is not None else "no answer in time"
    return f"{detail}: start it, or fix CLIPSTREAM_S3_ENDPOINT_URL"


def _s3_refusal(refusal: S3RequestFailed) -> str:
    if refusal.status == 404 or refusal.code in ("404", "NoSuchBucket"):
        return f"the bucket does not exist: create it (README, 'Creating the bucket') or {FIX_URL}"
    if refusal.status == 403 or refusal.code in ("403", "AccessDenied"):
        return (
            "access denied (HTTP 403): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY and the "
            "bucket's policy"
        )
    return f"{refusal}: check the bucket and CLIPSTREAM_S3_ENDPOINT_URL"
