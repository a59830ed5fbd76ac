"""The files of bundles in the configured storage (``settings.STORAGES["default"]``: the
private MEDIA_ROOT folder or an S3-compatible object store): the cached parts, what lies beside
each part (its index: its objects without references, so stamping copies them without parsing;
its stamped segment, ``documents.pdf_segments``: the part as a merge writes it, which a merge
copies as bytes) and the bundles themselves. Every file access of bundles goes through here.

Reading: ``open_file`` gives a seekable handle (pypdf reads at random); from an object store
it is spooled to a temporary file above a few MB, never held whole in memory. Writing:
``output_file`` gives a local temporary file; only when it is complete is it stored, moved
into place atomically in a local folder or uploaded in parts (streamed) to an object store.
Nothing outside this module needs to know which storage it is."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage

from core.storage import has_local_path
from documents.pdf_segments import Segment

logger = logging.getLogger(__name__)


def storage() -> Storage:
    return default_storage


def file_exists(name: str) -> bool:
    return bool(name) and storage().exists(name)


def index_name(name: str) -> str:
    """Beside each cached part: where its objects without references are (JSON)."""
    return str(PurePosixPath(name).with_suffix(".json"))


@contextlib.contextmanager
def open_file(name: str) -> Iterator[IO[bytes]]:
    """A stored file, opened for reading (seekable); FileNotFoundError if it is missing."""
    with storage().open(name, "rb") as fh:
        yield fh


def read_index(name: str) -> dict[int, tuple[int, int]] | None:
    """The index stored beside the part ``name``, or None."""
    try:
        with open_file(index_name(name)) as fh:
            raw = json.loads(fh.read())["raw"]
    except (OSError, ValueError, KeyError):
        return None  # without the index every object is parsed: slower, same result
    except Exception:  # noqa: BLE001 - an object store's error: the same as no index
        logger.warning("Could not read the index of %s", name, exc_info=True)
        return None
    return {int(num): (span[0], span[1]) for num, span in raw.items()}


def write_index(name: str, raw_index: dict) -> None:
    """Stores the index of the part ``name`` (before the part itself, so that a part that
    exists has its index)."""
    with output_file(index_name(name)) as out:
        out.file.write(json.dumps({"raw": raw_index}).encode())


class Output:
    """A file being written (``file``, local and temporary) and, once stored, its ``name``."""

    def __init__(self, name: str, file: IO[bytes]):
        self.name = name
        self.file = file


@contextlib.contextmanager
def output_file(name: str) -> Iterator[Output]:
    """Yields an ``Output`` whose ``file`` is written in the block; on leaving the block
    without an error the file is stored under ``name`` (``Output.name`` is the stored name)
    and the temporary file removed, after an error only removed."""
    store = storage()
    local = has_local_path(store)
    if local:  # the temporary file beside the target, so that os.replace is atomic
        target = Path(store.path(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        folder = str(target.parent)
    else:
        folder = settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir()
    fh = tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False)  # noqa: SIM115
    tmp = Path(fh.name)
    out = Output(name, fh)
    try:
        with fh:
            yield out
        if local:
            os.chmod(tmp, settings.FILE_UPLOAD_PERMISSIONS or 0o640)
            os.replace(tmp, target)
        else:
            with open(tmp, "rb") as content:
                out.name = store.save(name, File(content, name=PurePosixPath(name).name))
    finally:
        tmp.unlink(missing_ok=True)


def segment_name(name: str) -> str:
    """Beside each cached part: its stamped segment."""
    return str(PurePosixPath(name).with_suffix(".seg"))


def read_segment(name: str) -> Segment | None:
    """The stamped segment of the part ``name``, read whole, or None if there is none (yet)
    of the current format."""
    with open_segment(name) as segment:
        if segment is not None:
            segment.data = segment.data.read()  # type: ignore[union-attr]
        return segment


@contextlib.contextmanager
def open_segment(name: str) -> Iterator[Segment | None]:
    """The stamped segment of the part ``name`` for the block, or None if there is none (yet)
    of the current format. Only its head and tables are read; its ``data`` is the open file,
    which ``splice_segment`` copies in bounded chunks."""
    try:
        fh = storage().open(segment_name(name), "rb")
    except OSError:
        fh = None
    except Exception:  # noqa: BLE001 - an object store's error: the same as no segment
        logger.warning("Could not open the segment of %s", name, exc_info=True)
        fh = None
    if fh is None:
        yield None
        return
    with fh:
        yield Segment.from_file(fh)


def write_segment(name: str, segment: Segment) -> None:
    """Stores the segment of the part ``name`` (``output_file``: a concurrent reader finds
    the whole file or none; two writers write the same bytes)."""
    with output_file(segment_name(name)) as out:
        segment.write_to(out.file)


def remove_file(name: str) -> None:
    """Removes a stored file and what lies beside it (index, segment; best effort)."""
    for each in (index_name(name), segment_name(name), name):
        try:
            storage().delete(each)
        except Exception:  # noqa: BLE001 - best effort, like a cache
            logger.warning("Could not remove %s", each)
