"""Rows of the authorisation matrix for the review pages (reviews/urls.py), in the format of
matrix.py, which merges them into MATRIX. Their objects are made on first use from the test
world (``review_world``): an application of the world's municipality with the partner
municipality, in scoring, assigned to REVIEWER_ASSIGNED (no conflict declared, a draft) and
to a third reviewer whose review is final. Its title is the world's secret title, so the
matrix test's "refused means refused" check covers these rows too."""

from __future__ import annotations

from .matrix import (
    ADMIN,
    CASE_OFFICER,
    OK,
    REDIRECT,
    REVIEWER_ASSIGNED,
    REVIEWER_UNASSIGNED,
    Entry,
    only,
)

RP_STAFF = (CASE_OFFICER, ADMIN)
JURY = (REVIEWER_ASSIGNED, REVIEWER_UNASSIGNED)


def review_world(world):
    """The review objects of ``world``, made once per world."""
    cached = getattr(world, "_review_world", None)
    if cached is not None:
        return cached
    from applications.models import ApplicationPartner, PartnerStatus
    from applications.workflow import Status
    from demo.reviews import seed_criteria
    from reviews import services
    from reviews.models import CHECKLIST, CheckOutcome
    from tests.factories import ApplicationFactory, FundingRoundFactory, ReviewerFactory

    from .conftest import SECRET_TITLE

    case_officer = world.users[CASE_OFFICER]
    round_ = FundingRoundFactory(required_attachment_kinds=["konzept"])
    seed_criteria([round_])
    application = ApplicationFactory(
        round=round_,
        lead_municipality=world.municipality,
        complete=True,
        status=Status.SUBMITTED,
        title=SECRET_TITLE,
    )
    ApplicationPartner.objects.create(
        application=application,
        municipality=world.partner_municipality,
        status=PartnerStatus.CONFIRMED,
    )
    services.formal_check_start(application=application, user=case_officer)
    services.formal_check_record(
        application=application,
        user=case_officer,
        checklist=dict.fromkeys(CHECKLIST, True),
        outcome=CheckOutcome.PASSED,
    )
    reviewer = world.users[REVIEWER_ASSIGNED]
    assignment = services.assignment_create(
        application=application, reviewer=reviewer, user=case_officer
    )
    services.assignment_declare(assignment=assignment, user=reviewer, conflict=False)
    finisher = ReviewerFactory()
    final = services.assignment_create(
        application=application, reviewer=finisher, user=case_officer
    )
    services.assignment_declare(assignment=final, user=finisher, conflict=False)
    services.review_save(
        assignment=final,
        user=finisher,
        points={c.pk: 7 for c in round_.criteria.all()},
        overall_comment="Gut.",
        recommendation="fund",
        finalize=True,
    )
    cached = {
        "round": round_,
        "application": application,
        "final_assignment": final,
        "attachment": application.attachments.first(),
    }
    world._review_world = cached
    return cached


def _round(w):
    return {"round_pk": review_world(w)["round"].pk}


def _application(w):
    return {"pk": review_world(w)["application"].pk}


def _final_assignment(w):
    objects = review_world(w)
    return {"pk": objects["application"].pk, "assignment_pk": objects["final_assignment"].pk}


def _attachment(w):
    objects = review_world(w)
    return {"pk": objects["application"].pk, "attachment_pk": objects["attachment"].pk}


def _rp_read(kwargs=None) -> Entry:
    return Entry(get=only(RP_STAFF, OK), post=only(RP_STAFF, 405), kwargs=kwargs)


def _manager(kwargs, *, get=OK, post=OK) -> Entry:
    return Entry(get=only([CASE_OFFICER], get), post=only([CASE_OFFICER], post), kwargs=kwargs)


REVIEW_ROWS: dict[str, Entry] = {
    # RP Darmstadt: case officers and admins read; only case officers act.
    "reviews:index": _rp_read(),
    "reviews:overview": _rp_read(_round),
    "reviews:ranking": _rp_read(_round),
    "reviews:ranking_csv": _rp_read(_round),
    "reviews:ranking_xlsx": _rp_read(_round),
    "reviews:bulk_assign": _manager(_round),  # an empty form comes back with its errors
    "reviews:detail": _rp_read(_application),
    "reviews:note_add": Entry(
        get=only(RP_STAFF, 405), post=only(RP_STAFF, REDIRECT), kwargs=_application
    ),
    # in scoring: no check any more, the form redirects with a message
    "reviews:formal_check": _manager(_application, post=REDIRECT),
    "reviews:check_start": _manager(_application, get=405, post=REDIRECT),
    "reviews:assignments": _manager(_application),
    "reviews:assignment_end": _manager(_final_assignment),
    "reviews:review_reopen": _manager(_final_assignment),
    "reviews:decision": _manager(_application),
    "reviews:mark_ready": _manager(_application, get=405, post=REDIRECT),
    # The jury: only the assigned reviewer sees the application.
    "reviews:jury_list": Entry(get=only(JURY, OK), post=only(JURY, 405)),
    "reviews:jury_review": Entry(
        get=only([REVIEWER_ASSIGNED], OK),
        post=only([REVIEWER_ASSIGNED], REDIRECT),  # saves the draft
        kwargs=_application,
        post_data={"save": "1"},
    ),
    "reviews:jury_declare": Entry(  # declared already: on to the review
        get=only([REVIEWER_ASSIGNED], REDIRECT),
        post=only([REVIEWER_ASSIGNED], REDIRECT),
        kwargs=_application,
    ),
    "reviews:jury_attachment": Entry(
        get=only([REVIEWER_ASSIGNED], OK), post=only(JURY, 405), kwargs=_attachment
    ),
}
