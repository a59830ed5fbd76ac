"""Where uploaded and generated files are stored: the configuration of Django's ``default``
storage, from ``WIR_STORAGE_URL`` and its companions (see base.py). A pure function, so that
tests and the settings build the same configuration."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

FILE_SYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Above this size a file read from S3 is spooled to a temporary file on disk, not kept in
# memory (django-storages' S3File downloads a file it opens; pypdf needs random access).
S3_MAX_MEMORY_BYTES = 2 * 1024 * 1024


def default_storage_config(
    url: str,
    *,
    endpoint_url: str = "",
    region: str = "us-east-1",
    access_key: str = "",
    secret_key: str = "",
    signed_seconds: int = 60,
) -> dict:
    """``url`` empty: the private MEDIA_ROOT folder. ``s3://<bucket>[/<prefix>]``: an
    S3-compatible object store (AWS, MinIO, Ceph, moto) through django-storages, private:
    no ACL is sent (objects belong to the bucket owner only), no public URL is ever made,
    the only URLs are signed and expire after ``signed_seconds``."""
    if not url:
        return dict(FILE_SYSTEM)
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ImproperlyConfigured(f"WIR_STORAGE_URL must be s3://<bucket>[/<prefix>], not {url!r}")
    options = {
        "bucket_name": parts.netloc,
        "location": parts.path.strip("/"),
        "endpoint_url": endpoint_url or None,
        "region_name": region or "us-east-1",
        "access_key": access_key or None,  # None: boto3's own chain (instance role, ...)
        "secret_key": secret_key or None,
        "default_acl": None,  # never "public-read": the bucket's owner alone may read
        "querystring_auth": True,  # every URL the storage makes is signed ...
        "querystring_expire": signed_seconds,  # ... and short-lived
        "custom_domain": None,
        "signature_version": "s3v4",
        # Names are unique (a UUID) except the cached bundle parts, which are named by the
        # hash of their content: writing one again puts the same bytes, atomically.
        "file_overwrite": True,
        "max_memory_size": S3_MAX_MEMORY_BYTES,
    }
    if endpoint_url:  # MinIO and most on-premises services want path-style addresses
        options["addressing_style"] = "path"
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
