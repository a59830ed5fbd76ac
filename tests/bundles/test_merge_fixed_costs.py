"""Issue 12: what a merge costs whatever the bundle's size. The front matter is laid out once
when the previous bundle of the round tells its length, and written as PDF once; a wrong
guess still gives the right page numbers. The footer font of the usual characters is rendered
once per process; a label with other characters gets a font that has them."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from documents.bundles import front, jobs, merge
from documents.models import BundleSelection

from .conftest import outline_pages, read_bundle, run_inline
from .test_incremental_merge import _assert_correct


def _bundle(bundle_round, officer):
    job = jobs.bundle_job_request(
        round_=bundle_round, user=officer, selection=BundleSelection.SUBMITTED
    )
    return run_inline(job)


def _count_calls(monkeypatch, module, name) -> list:
    calls: list = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(name)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


@pytest.mark.django_db
def test_a_rebundle_lays_the_front_matter_out_once(
    bundle_round, officer, three_applications, monkeypatch
):
    _bundle(bundle_round, officer)
    layouts = _count_calls(monkeypatch, front, "render_html_document")
    writes = _count_calls(monkeypatch, front, "write_document")
    second = _bundle(bundle_round, officer)
    assert (len(layouts), len(writes)) == (1, 1)
    _assert_correct(second, three_applications)


@pytest.mark.django_db
@pytest.mark.parametrize("guess", [1, 5])
def test_a_wrong_guess_of_the_front_matter_still_numbers_every_page(
    bundle_round, officer, three_applications, monkeypatch, guess
):
    key = merge.front_guess_key(bundle_round.pk, len(three_applications), ranking=False)
    caches["default"].set(key, guess)
    layouts = _count_calls(monkeypatch, front, "render_html_document")
    writes = _count_calls(monkeypatch, front, "write_document")
    job = _bundle(bundle_round, officer)
    assert (len(layouts), len(writes)) == (2, 1)  # the guess, then the real length
    outline = outline_pages(read_bundle(job))
    assert outline[2][1] == 2  # cover and one page of contents
    _assert_correct(job, three_applications)
    assert caches["default"].get(key) == 2


def test_the_footer_font_is_rendered_once_for_usual_labels_and_anew_for_others():
    usual = merge.footer_font(["Antragsbündel KIV", "KIV-2026-0001"], 12)
    assert merge.footer_font(["Antragsbündel XY_Z", "XY-2026-0417 (neu)"], 480) is usual
    assert usual.missing("Łódź") == {"Ł", "ó", "ź"}
    other = merge.footer_font(["Antragsbündel KIV", "KIV-2026-0001 Łódź"], 12)
    assert other is not usual
    assert not other.missing("Łódź Seite 12 von 12")
