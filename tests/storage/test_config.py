"""Which storage the settings choose, and that the file system (the default, `scripts/run`)
keeps streaming downloads through the portal whatever the redirect setting says."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404

from core.storage import has_local_path, private_download
from tests.factories import MINIMAL_PDF, AttachmentFactory
from wir_portal.settings.storage import default_storage_config


def test_without_a_storage_url_files_stay_in_the_media_folder():
    assert default_storage_config("")["BACKEND"].endswith("FileSystemStorage")
    assert isinstance(default_storage, FileSystemStorage) and has_local_path(default_storage)


def test_an_s3_url_names_a_private_bucket_with_short_lived_signed_urls():
    config = default_storage_config(
        "s3://wir-files/portal",
        endpoint_url="http://minio:9000",
        access_key="key",
        secret_key="secret",
        signed_seconds=30,
    )
    options = config["OPTIONS"]
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (options["bucket_name"], options["location"]) == ("wir-files", "portal")
    assert options["default_acl"] is None and options["custom_domain"] is None
    assert (options["querystring_auth"], options["querystring_expire"]) == (True, 30)
    assert (options["endpoint_url"], options["addressing_style"]) == ("http://minio:9000", "path")
    assert options["region_name"] == "us-east-1"


@pytest.mark.parametrize("url", ["https://wir-files", "s3://", "/var/media"])
def test_anything_but_an_s3_url_stops_the_start(url):
    with pytest.raises(ImproperlyConfigured):
        default_storage_config(url)


@pytest.mark.django_db
def test_the_file_system_streams_even_with_the_redirect_setting(settings):
    settings.WIR_STORAGE_SIGNED_REDIRECT = True
    attachment = AttachmentFactory()
    response = private_download(attachment.file, filename="a.pdf", content_type="application/pdf")
    assert isinstance(response, FileResponse) and response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    response.close()
    default_storage.delete(attachment.file.name)
    with pytest.raises(Http404):
        private_download(attachment.file, filename="a.pdf", content_type="application/pdf")
