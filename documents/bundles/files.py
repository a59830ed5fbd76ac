"""Where the cached parts of bundles lie in the private MEDIA_ROOT, and the index beside each
part (its objects without references, so a merge copies them without parsing)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from django.conf import settings

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


def remove_file(name: str) -> None:
    try:
        index_path(media_path(name)).unlink(missing_ok=True)
        media_path(name).unlink(missing_ok=True)
    except OSError:  # pragma: no cover - best effort
        logger.warning("Could not remove %s", name)
