"""Rows of the authorisation matrix for the steps of the round's question set (issue 14,
applications/views/sections.py ``question_section_edit``), in the format of matrix.py: like
the other steps of the form, only the lead municipality's staff may open and save them. The
world's draft answers the strategy call's question set (tests/factories.py)."""

from __future__ import annotations

from .matrix import OK, STAFF, Entry, only


def _first_section(world) -> dict:
    section = world.draft.question_set.sections.order_by("position").first()
    return {"pk": world.draft.pk, "key": section.key}


QUESTION_ROWS: dict[str, Entry] = {
    "applications:questions": Entry(
        get=only([STAFF], OK),
        post=only([STAFF], OK),  # an empty form comes back with its errors
        kwargs=_first_section,
    ),
}
