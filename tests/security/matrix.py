"""The authorisation matrix: for every named URL of the portal, what each role gets on GET
and on POST. tests/security/test_authorisation_matrix.py walks the URL configuration and
fails for any URL that has no entry here, so a new page cannot ship without its row.

Outcomes: ``OK`` (200), ``LOGIN`` (redirect to the login page), ``REDIRECT`` (any other
redirect), ``DENIED`` (403 or 404: refused without saying whether the object exists), or an
exact status code (400, 401, 405, 409, 410). ``kwargs`` builds the URL's arguments from the
test world (see conftest.World); ``post_data`` is what the POST sends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ANONYMOUS = "anonymous"
STAFF = "municipal_staff"
STAFF_OTHER = "staff_other_municipality"
PARTNER = "partner_staff"
REVIEWER_ASSIGNED = "reviewer_assigned"
REVIEWER_UNASSIGNED = "reviewer_not_assigned"
CASE_OFFICER = "case_officer"
ADMIN = "admin"
ROLES = (
    ANONYMOUS, STAFF, STAFF_OTHER, PARTNER, REVIEWER_ASSIGNED, REVIEWER_UNASSIGNED,
    CASE_OFFICER, ADMIN,
)  # fmt: skip
MUNICIPAL = (STAFF, STAFF_OTHER, PARTNER)
RP = (REVIEWER_ASSIGNED, REVIEWER_UNASSIGNED, CASE_OFFICER, ADMIN)

OK = "ok"
LOGIN = "login"
REDIRECT = "redirect"
DENIED = "denied"


def everyone(outcome) -> dict:
    return dict.fromkeys(ROLES, outcome)


def logged_in(outcome, *, anonymous=LOGIN) -> dict:
    return {**everyone(outcome), ANONYMOUS: anonymous}


def only(roles, outcome, *, others=DENIED, anonymous=LOGIN) -> dict:
    return {**logged_in(others, anonymous=anonymous), **dict.fromkeys(roles, outcome)}


@dataclass(frozen=True)
class Entry:
    get: dict
    post: dict
    kwargs: Callable | None = None
    post_data: dict | Callable = field(default_factory=dict)


MATRIX: dict[str, Entry] = {
    # Public pages ------------------------------------------------------------------------
    "home": Entry(get=everyone(OK), post=everyone(OK)),
    # The detailed health report is internal: staff with the second factor (or a token).
    "healthz": Entry(get={**everyone(403), ADMIN: OK}, post=everyone(405)),
    "healthz_live": Entry(get=everyone(OK), post=everyone(405)),
    "healthz_ready": Entry(get=everyone(OK), post=everyone(405)),
    "municipalities:list": Entry(get=everyone(OK), post=everyone(OK)),
    "municipalities:detail": Entry(
        get=everyone(OK), post=everyone(OK), kwargs=lambda w: {"ags": w.municipality.ags}
    ),
    # Login, logout, password reset -------------------------------------------------------
    "accounts:login": Entry(
        get=logged_in(REDIRECT, anonymous=OK), post=logged_in(REDIRECT, anonymous=OK)
    ),
    "accounts:logout": Entry(get=everyone(405), post=everyone(REDIRECT)),
    "accounts:password_reset": Entry(get=everyone(OK), post=everyone(OK)),
    "accounts:password_reset_done": Entry(get=everyone(OK), post=everyone(405)),
    "accounts:password_reset_confirm": Entry(
        get=everyone(OK), post=everyone(OK), kwargs=lambda w: {"uidb64": "MQ", "token": "x-y"}
    ),
    "accounts:password_reset_complete": Entry(get=everyone(OK), post=everyone(405)),
    "accounts:password_change": Entry(get=logged_in(OK), post=logged_in(OK)),
    # Registration and invitations ---------------------------------------------------------
    "accounts:register": Entry(
        get=logged_in(REDIRECT, anonymous=OK), post=logged_in(REDIRECT, anonymous=OK)
    ),
    "accounts:register_done": Entry(get=everyone(OK), post=everyone(405)),
    "accounts:register_confirm": Entry(
        # POST without name and password re-shows the form with its errors.
        get=everyone(OK),
        post=everyone(OK),
        kwargs=lambda w: {"token": w.confirm_token},
    ),
    "accounts:invitation_list": Entry(get=only([ADMIN], OK), post=only([ADMIN], OK)),
    "accounts:invitation_accept": Entry(
        get=logged_in(409, anonymous=OK),
        post=logged_in(409, anonymous=OK),
        kwargs=lambda w: {"token": w.invitation_token},
    ),
    # Account, memberships, join requests -----------------------------------------------
    "accounts:profile": Entry(get=logged_in(OK), post=logged_in(OK)),
    "accounts:join_request_create": Entry(get=only(MUNICIPAL, OK), post=only(MUNICIPAL, OK)),
    "accounts:join_request_list": Entry(get=logged_in(OK), post=logged_in(OK)),
    "accounts:join_request_decide": Entry(
        get=logged_in(405),
        post=only([STAFF, ADMIN], REDIRECT),
        kwargs=lambda w: {"pk": w.join_request.pk},
        post_data={"decision": "refuse"},
    ),
    "accounts:membership_leave": Entry(
        get=logged_in(405),
        post=only([STAFF], REDIRECT),
        kwargs=lambda w: {"pk": w.staff_membership.pk},
    ),
    # Two-factor -----------------------------------------------------------------------------
    "accounts:two_factor": Entry(get=logged_in(OK), post=logged_in(OK)),
    "accounts:two_factor_setup": Entry(get=logged_in(OK), post=logged_in(OK)),
    "accounts:two_factor_verify": Entry(get=logged_in(REDIRECT), post=logged_in(REDIRECT)),
    "accounts:recovery_codes": Entry(
        get={**logged_in(OK), **dict.fromkeys(MUNICIPAL, REDIRECT)},
        post=logged_in(REDIRECT),
    ),
    # Personal data and session ------------------------------------------------------------
    "accounts:my_data": Entry(get=logged_in(OK), post=logged_in(OK)),
    "accounts:my_data_export": Entry(get=logged_in(OK), post=logged_in(405)),
    "accounts:session_ping": Entry(get=everyone(405), post=logged_in(OK, anonymous=401)),
    # Application pages of municipal staff (applications/urls.py) --------------------------
    # World: the municipality leads a draft and a submitted application, both with the
    # partner municipality (confirmed); RP roles see applications only once submitted;
    # reviewers see them only through their assignments (review pages).
    "applications:list": Entry(get=logged_in(OK), post=logged_in(405)),
    "applications:rounds": Entry(get=everyone(OK), post=everyone(405)),
    "applications:round": Entry(
        get=everyone(OK), post=everyone(405), kwargs=lambda w: {"pk": w.open_round.pk}
    ),
    "applications:submitted": Entry(
        get=only([STAFF, PARTNER, CASE_OFFICER, ADMIN], OK),
        post=logged_in(405),
        kwargs=lambda w: {"pk": w.submitted.pk},
    ),
    "applications:eligibility": Entry(
        get=only([STAFF], OK),
        post=only([STAFF], REDIRECT),
        kwargs=lambda w: {"round_pk": w.open_round.pk, "ags": w.municipality.ags},
    ),
    "applications:detail": Entry(
        get=only([STAFF, PARTNER], OK), post=logged_in(405), kwargs=lambda w: {"pk": w.draft.pk}
    ),
    **{
        f"applications:{section}": Entry(
            get=only([STAFF], OK),
            post=only([STAFF], OK),  # an empty form comes back with its errors
            kwargs=lambda w: {"pk": w.draft.pk},
        )
        for section in (
            "applicant",
            "partners",
            "project",
            "cost_plan",
            "attachments",
            "declarations",
        )
    },  # fmt: skip
    "applications:check": Entry(
        get=only([STAFF, PARTNER], OK),
        post=only([STAFF], REDIRECT),  # submits the complete draft
        kwargs=lambda w: {"pk": w.draft.pk},
    ),
    "applications:withdraw": Entry(
        get=only([STAFF], OK, others=DENIED)
        | dict.fromkeys([PARTNER, CASE_OFFICER, ADMIN], REDIRECT),
        post=only([STAFF, PARTNER, CASE_OFFICER, ADMIN], REDIRECT),
        kwargs=lambda w: {"pk": w.submitted.pk},
        post_data={"reason": "Test"},
    ),
    "applications:resubmit": Entry(
        get=logged_in(405),
        post=only([STAFF, PARTNER, CASE_OFFICER, ADMIN], REDIRECT),
        kwargs=lambda w: {"pk": w.submitted.pk},
    ),
    "applications:attachment_download": Entry(
        get=only([STAFF, PARTNER, CASE_OFFICER, ADMIN], OK),
        post=logged_in(405),
        kwargs=lambda w: {"pk": w.submitted.pk, "attachment_pk": w.attachment.pk},
    ),
    "applications:attachment_remove": Entry(
        get=only([STAFF], OK),
        post=only([STAFF], REDIRECT),  # confirmed: removed, back to the attachments
        kwargs=lambda w: {"pk": w.draft.pk, "attachment_pk": w.draft.attachments.first().pk},
        post_data={"confirm": "1"},
    ),
    "documents:documents": Entry(
        get=only([STAFF, PARTNER, CASE_OFFICER, ADMIN], OK),
        post=logged_in(405),
        kwargs=lambda w: {"pk": w.submitted.pk},
    ),
    "documents:document": Entry(
        get=only([STAFF, PARTNER, CASE_OFFICER, ADMIN], OK),
        post=logged_in(405),
        kwargs=lambda w: {"pk": w.submitted.pk, "kind": "receipt"},
    ),
    "applications:partner_respond": Entry(
        get=only([PARTNER], OK),
        post=only([PARTNER], REDIRECT),
        kwargs=lambda w: {"partner_pk": w.pending_partner.pk},
    ),
    # Django admin: only its index is in the matrix; its other pages are Django's own and
    # need is_staff plus the second factor (tests/accounts/test_two_factor.py).
    "admin:index": Entry(
        get={**logged_in(REDIRECT, anonymous=REDIRECT), ADMIN: OK},
        post={**logged_in(REDIRECT, anonymous=REDIRECT), ADMIN: OK},
    ),
}

# The review pages' rows live beside this file (their test objects are made on first use).
from .review_rows import REVIEW_ROWS  # noqa: E402 - needs Entry and the roles above

MATRIX.update(REVIEW_ROWS)

# The PDF bundle pages' rows, likewise beside this file.
from .bundle_rows import BUNDLE_ROWS  # noqa: E402 - needs Entry and the roles above

MATRIX.update(BUNDLE_ROWS)

# The notification pages' rows, likewise beside this file.
from .notification_rows import NOTIFICATION_ROWS  # noqa: E402 - needs Entry and the roles above

MATRIX.update(NOTIFICATION_ROWS)

# The Postfach's rows, likewise beside this file.
from .message_rows import MESSAGE_ROWS  # noqa: E402 - needs Entry and the roles above

MATRIX.update(MESSAGE_ROWS)

# The report pages' rows (reports app), likewise beside this file.
from .report_rows import REPORT_ROWS  # noqa: E402 - needs Entry and the roles above

MATRIX.update(REPORT_ROWS)

# The legal and information pages (pages app), likewise.
from .page_rows import PAGE_ROWS  # noqa: E402 - needs Entry and the roles above

MATRIX.update(PAGE_ROWS)

# The due date of a Nachforderung (extend or reject), likewise beside this file.
from .item_request_rows import ITEM_REQUEST_ROWS  # noqa: E402 - needs Entry and the roles above

MATRIX.update(ITEM_REQUEST_ROWS)

# The steps of the round's question set (issue 14), likewise beside this file.
from .questions_rows import QUESTION_ROWS  # noqa: E402 - needs Entry and the roles above

MATRIX.update(QUESTION_ROWS)

# htmx partials: fragments of a page, so no h1 of their own.
PARTIALS = frozenset({"documents:documents"})

# Not in the matrix on purpose: Django's admin pages other than its index (Django checks
# them, and the two-factor middleware covers them), static files, and i18n's set_language.
EXCLUDED_NAMESPACES = ("admin",)
EXCLUDED_NAMES = ("set_language",)
INCLUDED_DESPITE_NAMESPACE = ("admin:index",)

# The grant pages' rows (after the decision), likewise beside this file.
from .grant_rows import GRANT_ROWS  # noqa: E402 - needs Entry and the roles above

MATRIX.update(GRANT_ROWS)
