"""Where the cached parts of bundles lie in the private MEDIA_ROOT, and what lies beside each
part: its index (its objects without references, so stamping copies them without parsing) and
its stamped segment (``documents.pdf_segments``: the part as a merge writes it, which a merge
copies as bytes). Every file access of bundles goes through here."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings

from documents.pdf_segments import Segment

logger = logging.getLogger(__name__)


def media_path(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def file_exists(name: str) -> bool:
    return bool(name) and media_path(name).is_file()


def index_path(part: Path) -> Path:
    """Beside each cached part: where its objects without references are (JSON)."""
    return part.with_suffix(".json")


def read_index(part: Path) -> dict[int, tuple[int, int]] | None:
    try:
        raw = json.loads(index_path(part).read_text())["raw"]
    except (OSError, ValueError, KeyError):
        return None  # without the index every object is parsed: slower, same result
    return {int(num): (span[0], span[1]) for num, span in raw.items()}


def segment_path(part: Path) -> Path:
    """Beside each cached part: its stamped segment."""
    return part.with_suffix(".seg")


def read_part(name: str) -> bytes:
    return media_path(name).read_bytes()


def read_segment(name: str) -> Segment | None:
    """The stamped segment of the part ``name``, or None if there is none (yet) of the
    current format."""
    try:
        raw = segment_path(media_path(name)).read_bytes()
    except OSError:
        return None
    return Segment.from_bytes(raw)


def write_segment(name: str, segment: Segment) -> None:
    """Stores the segment of the part ``name`` atomically (a concurrent reader finds the whole
    file or none; two writers write the same bytes)."""
    target = segment_path(media_path(name))
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".tmp", delete=False) as fh:
        fh.write(segment.to_bytes())
    os.chmod(fh.name, 0o640)
    os.replace(fh.name, target)


def remove_file(name: str) -> None:
    try:
        index_path(media_path(name)).unlink(missing_ok=True)
        segment_path(media_path(name)).unlink(missing_ok=True)
        media_path(name).unlink(missing_ok=True)
    except OSError:  # pragma: no cover - best effort
        logger.warning("Could not remove %s", name)
