"""Helpers to write (mal)formed GV100AD files for the tests."""

from pathlib import Path


def write_gv100ad(path: Path, lines: list[str]) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def line_index(lines: list[str], ags: str) -> int:
    """The 0-based index of the kind 60 record of ``ags``."""
    return next(
        i for i, line in enumerate(lines) if line[:2] == "60" and line[10:15] + line[19:22] == ags
    )
