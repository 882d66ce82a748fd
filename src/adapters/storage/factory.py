"""Build the object storage named by `CLIPSTREAM_STORAGE_URL`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from adapters.storage.filesystem import FileSystemObjectStorage
from adapters.storage.s3 import S3ObjectStorage
from application.ports.upload_grants import UploadGrants


def build_storage(
    storage_url: str,
    *,
    grants: UploadGrants,
    public_url: str,
    s3_endpoint_url: str | None,
    s3_public_endpoint_url: str | None,
) -> FileSystemObjectStorage | S3ObjectStorage:
    """The storage for `file:///abs/path`, a plain directory path, or `s3://bucket[/prefix]`.

    Raises:
        ValueError: the URL has another scheme, or lacks the directory or bucket.
    """
    url = storage_url.strip()
    if not url:
        raise ValueError("the storage URL is empty")
    parts = urlsplit(url)
    if parts.scheme == "s3":
        if not parts.netloc or parts.query or parts.fragment:
            raise ValueError(f"expected s3://bucket[/prefix], got {storage_url!r}")
        return S3ObjectStorage(
            parts.netloc,
            parts.path.strip("/"),
            endpoint_url=s3_endpoint_url or None,
            public_endpoint_url=s3_public_endpoint_url or None,
        )
    if parts.scheme == "file":
        path = unquote(parts.path)
        if parts.netloc not in ("", "localhost") or not path.startswith("/"):
            raise ValueError(f"expected file:///absolute/path, got {storage_url!r}")
        return FileSystemObjectStorage(Path(path), grants, public_url)
    if "://" in url:
        raise ValueError(f"unsupported storage URL scheme in {storage_url!r} (file:// or s3://)")
    return FileSystemObjectStorage(Path(url), grants, public_url)


def describe_storage(storage_url: str, s3_endpoint_url: str | None) -> str:
    """Where the storage is, for messages and logs: a folder, or a bucket and its endpoint."""
    url = storage_url.strip()
    if url.startswith("s3://"):
        return f"{url} at {s3_endpoint_url or 'AWS (no CLIPSTREAM_S3_ENDPOINT_URL)'}"
    path = unquote(urlsplit(url).path) if url.startswith("file:") else url
    return f"folder {Path(path).absolute()}"
