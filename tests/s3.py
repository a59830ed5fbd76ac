"""A real S3-compatible server for tests: moto in server mode (``python -m moto.server``) on a
free loopback port, in a process of its own, with one private bucket. No internet needed.

    endpoint, stop = start_s3_server()          # "http://127.0.0.1:<port>"
    os.environ.update(s3_env(endpoint))         # what a web or worker process needs
    settings.STORAGES = s3_storages(endpoint)   # the same, for this test process
    ...
    stop()

Reusable by any test (the two-node test starts its processes with ``s3_env``)."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import boto3
from botocore.config import Config

from wir_portal.settings.storage import default_storage_config

BUCKET = "wir-test"
ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"  # noqa: S105 - moto accepts any key
REGION = "eu-central-1"
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def s3_client(endpoint: str):
    """A boto3 client of the test server (for the tests' own look into the bucket)."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def start_s3_server(bucket: str = BUCKET, timeout: float = 60) -> tuple[str, Callable[[], None]]:
    """Starts moto's S3 server on a free loopback port and creates ``bucket`` (private).
    Returns (endpoint URL, stop function)."""
    for _attempt in range(3):  # another process may take the free port first
        port = _free_port()
        log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        endpoint = f"http://127.0.0.1:{port}"

        def stop(process=process, log=log) -> None:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            log.close()

        client = s3_client(endpoint)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            try:
                client.create_bucket(
                    Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
                )
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.1)
                continue
            return endpoint, stop
        log.seek(0)
        output = log.read().decode(errors="replace")[-2000:]
        stop()
        if "Address already in use" not in output:
            raise RuntimeError(f"moto server did not start: {output}")
    raise RuntimeError("moto server found no free port")


def s3_env(endpoint: str, bucket: str = BUCKET, *, signed_redirect: bool = False) -> dict:
    """The environment variables that point a portal process (web, worker) at the server."""
    return {
        "WIR_STORAGE_URL": f"s3://{bucket}",
        "WIR_S3_ENDPOINT_URL": endpoint,
        "WIR_S3_REGION": REGION,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "WIR_STORAGE_SIGNED_REDIRECT": "true" if signed_redirect else "false",
    }


def s3_storages(endpoint: str, bucket: str = BUCKET, *, signed_seconds: int = 60) -> dict:
    """``settings.STORAGES`` of this test process for the server (the default storage only
    changes; static files stay as they are)."""
    from django.conf import settings

    return {
        **settings.STORAGES,
        "default": default_storage_config(
            f"s3://{bucket}",
            endpoint_url=endpoint,
            region=REGION,
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            signed_seconds=signed_seconds,
        ),
    }
