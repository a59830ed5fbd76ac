"""Rows of the authorisation matrix for the legal and information pages (pages/views.py), in
the format of matrix.py, which merges them into MATRIX. Everyone may read them; a POST to the
accessibility statement with an empty form comes back with its errors (200), to the other
pages it is answered like a GET; the sign-language video's files are public while the video
is active, and only for GET."""

from __future__ import annotations

from .matrix import OK, Entry, everyone


def sign_language_video(world):
    """An active sign-language video with captions, made once per world."""
    cached = getattr(world, "_sign_language_video", None)
    if cached is not None:
        return cached
    from django.core.files.base import ContentFile

    from pages.models import SignLanguageVideo

    video = SignLanguageVideo(title="DGS", transcript="Transkript")
    video.video.save("dgs.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42"), save=False)
    video.captions.save("dgs.vtt", ContentFile(b"WEBVTT\n"), save=False)
    video.save()
    world._sign_language_video = video
    return video


def _video(world) -> dict:
    return {"pk": sign_language_video(world).pk}


PAGE_ROWS: dict[str, Entry] = {
    **{
        name: Entry(get=everyone(OK), post=everyone(OK))
        for name in (
            "impressum",
            "datenschutz",
            "barrierefreiheit",
            "leichte_sprache",
            "gebaerdensprache",
            "anbest_gk",
        )
    },
    "sign_language_video": Entry(get=everyone(OK), post=everyone(405), kwargs=_video),
    "sign_language_captions": Entry(get=everyone(OK), post=everyone(405), kwargs=_video),
}
