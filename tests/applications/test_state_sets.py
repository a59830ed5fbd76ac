"""The workflow in one place: the named state sets partition and cover the statuses as their
names say and agree with the transition table; templates ask the table through the ``can`` tag
and the ``in_state`` filter; no raw status string outside the workflow module and migrations."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory

from applications import permissions, workflow
from applications.templatetags.application_tags import STATUS_BADGES
from applications.workflow import (
    ASSIGNABLE_STATUSES,
    BUNDLEABLE_STATUSES,
    CHECK_STATUSES,
    DECIDED_STATUSES,
    EDITABLE_STATUSES,
    FINAL_STATUSES,
    GRANTED_STATUSES,
    LODGED_STATUSES,
    OPEN_STATUSES,
    PENDING_STATUSES,
    RANKED_STATUSES,
    SCORING_STATUSES,
    STATE_SETS,
    TRANSITIONS,
    Action,
    Status,
)
from municipalities.selectors import member_municipality_ids
from tests.factories import (
    AdminFactory,
    ApplicationFactory,
    ApplicationPartnerFactory,
    CaseOfficerFactory,
    ItemRequestFactory,
    MunicipalityFactory,
    ReviewerFactory,
    staff_for,
)

ALL = frozenset(Status)
ROOT = Path(__file__).resolve().parents[2]


def sources_of(action: str) -> frozenset[str]:
    return frozenset(s for s, a in TRANSITIONS if a == action)


def target_of(action: str) -> str:
    return next(t.target for (_, a), t in TRANSITIONS.items() if a == action)


# The sets ---------------------------------------------------------------------------------------
def test_every_status_is_either_open_or_final():
    assert OPEN_STATUSES | FINAL_STATUSES == ALL
    assert not OPEN_STATUSES & FINAL_STATUSES


def test_final_statuses_are_those_nothing_leaves():
    assert ALL - {s for s, _ in TRANSITIONS} == FINAL_STATUSES


def test_decisions_and_grants():
    assert {target_of(Action.APPROVE), target_of(Action.REJECT)} == DECIDED_STATUSES
    assert {target_of(Action.APPROVE)} == GRANTED_STATUSES
    assert GRANTED_STATUSES < DECIDED_STATUSES < FINAL_STATUSES
    # a withdrawal is final but not a decision
    assert {target_of(Action.WITHDRAW)} == FINAL_STATUSES - DECIDED_STATUSES


def test_lodged_is_everything_after_the_draft():
    assert ALL - sources_of(Action.SUBMIT) == LODGED_STATUSES
    assert target_of(Action.SUBMIT) in LODGED_STATUSES
    # lodged splits into pending (on the RP's desk) and final
    assert PENDING_STATUSES | FINAL_STATUSES == LODGED_STATUSES
    assert not PENDING_STATUSES & FINAL_STATUSES
    # the applicant may withdraw exactly while the application is pending
    assert sources_of(Action.WITHDRAW) == PENDING_STATUSES


def test_bundleable_is_lodged_but_not_withdrawn():
    assert LODGED_STATUSES - {target_of(Action.WITHDRAW)} == BUNDLEABLE_STATUSES
    assert DECIDED_STATUSES <= BUNDLEABLE_STATUSES


def test_editable_statuses():
    assert EDITABLE_STATUSES < OPEN_STATUSES
    # the applicant edits before the submission and during a Nachforderung
    assert sources_of(Action.SUBMIT) | sources_of(Action.RESUBMIT) == EDITABLE_STATUSES


def test_the_check_and_the_jury_follow_each_other():
    assert sources_of(Action.START_CHECK) | sources_of(Action.PASS_CHECK) == CHECK_STATUSES
    assert {target_of(Action.PASS_CHECK)} == ASSIGNABLE_STATUSES
    assert ASSIGNABLE_STATUSES | {target_of(Action.MARK_READY)} == SCORING_STATUSES
    assert sources_of(Action.APPROVE) <= SCORING_STATUSES
    assert not CHECK_STATUSES & SCORING_STATUSES
    assert CHECK_STATUSES | SCORING_STATUSES <= PENDING_STATUSES
    # the ranking: in scoring, or approved; never rejected or withdrawn
    assert RANKED_STATUSES == SCORING_STATUSES | GRANTED_STATUSES
    assert not RANKED_STATUSES & (FINAL_STATUSES - GRANTED_STATUSES)


def test_state_set_names():
    for name, states in STATE_SETS.items():
        assert states and states <= ALL, name
        # a name is never a status value, so templates never spell one
        assert name not in Status.values, name
    assert workflow.in_state(Status.APPROVED, "granted")
    assert not workflow.in_state(Status.REJECTED, "granted")
    with pytest.raises(ValueError):
        workflow.in_state(Status.APPROVED, "approved")


def test_statuses_in_keeps_the_order_of_status():
    assert workflow.statuses_in(LODGED_STATUSES) == [s for s in Status if s != Status.DRAFT]


def test_every_status_has_a_badge():
    assert set(STATUS_BADGES) == ALL


# Templates ask the table ------------------------------------------------------------------------
KINDS = (
    "applicant",
    "partner_staff",
    "other_municipality_staff",
    "case_officer",
    "admin",
    "reviewer",
    "anonymous",
)
ROLE_OF = {
    "applicant": workflow.APPLICANT,
    "case_officer": workflow.CASE_OFFICER,
    "admin": workflow.ADMIN,
}
CAN = Template(
    "{% load application_tags %}{% for a in actions %}{% can application a as ok %}{% if ok %}{{ a }} {% endif %}{% endfor %}"  # noqa: E501
)


def render_can(application, user) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    html = CAN.render(
        Context({"request": request, "application": application, "actions": Action.values})
    )
    return html.split()


@pytest.mark.django_db
@pytest.mark.parametrize("status", Status.values)
def test_can_tag_answers_as_the_table_does_for_each_role(status):
    lead = MunicipalityFactory()
    application = ApplicationFactory(lead_municipality=lead, complete=True, status=status)
    partner = ApplicationPartnerFactory(application=application, with_letter=True)
    if status == Status.MISSING_ITEMS:
        ItemRequestFactory(application=application, sections=["project"])
    people = {
        "applicant": staff_for(lead),
        "partner_staff": staff_for(partner.municipality),
        "other_municipality_staff": staff_for(MunicipalityFactory()),
        "case_officer": CaseOfficerFactory(),
        "admin": AdminFactory(),
        "reviewer": ReviewerFactory(),
        "anonymous": AnonymousUser(),
    }
    for kind in KINDS:
        role = ROLE_OF.get(kind)
        expected = [
            a
            for a in Action.values
            if (t := TRANSITIONS.get((status, a))) is not None and role in t.roles
        ]
        assert render_can(application, people[kind]) == expected, kind
        member_ids = member_municipality_ids(people[kind])
        assert (
            permissions.available_actions(people[kind], application, member_ids=member_ids)
            == expected
        ), kind


def test_can_tag_refuses_an_unknown_action():
    with pytest.raises(TemplateSyntaxError):
        Template('{% load application_tags %}{% can application "teleport" as ok %}').render(
            Context({"application": None})
        )


@pytest.mark.parametrize("status", Status.values)
def test_in_state_filter(status):
    application = SimpleNamespace(status=status)
    template = Template(
        "{% load application_tags %}{% for name in names %}{% if application|in_state:name %}{{ name }} {% endif %}{% endfor %}"  # noqa: E501
    )
    html = template.render(Context({"application": application, "names": list(STATE_SETS)}))
    assert html.split() == [name for name, states in STATE_SETS.items() if status in states]


# No raw status strings --------------------------------------------------------------------------
STATUS_VALUES = "|".join(re.escape(v) for v in Status.values)
STATUS_RE = re.compile(rf"""(["'])({STATUS_VALUES})\1""")
SKIP_DIRS = {".venv", "node_modules", "migrations", "tests", "bench", ".git", "staticfiles"}
WORKFLOW = ROOT / "applications" / "workflow.py"


def python_files():
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if SKIP_DIRS & set(rel.parts[:-1]) or path == WORKFLOW:
            continue
        yield path


def _choices_class(node: ast.ClassDef) -> bool:
    """A class of another vocabulary (``ReviewStatus.DRAFT = "draft"``)."""
    return any(
        (isinstance(b, ast.Attribute) and b.attr.endswith("Choices"))
        or (isinstance(b, ast.Name) and b.id.endswith("Choices"))
        for b in node.bases
    )


def raw_status_strings(tree: ast.AST) -> list[tuple[int, str]]:
    """String constants that are status values, except members of other choices classes, dict
    keys (template context names such as ``"approved": ...``) and ``name=`` (URL names)."""
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and _choices_class(node):
            allowed.update(id(n) for n in ast.walk(node))
        elif isinstance(node, ast.Dict):
            allowed.update(id(k) for k in node.keys if k is not None)
        elif isinstance(node, ast.keyword) and node.arg == "name":
            allowed.add(id(node.value))  # a URL pattern's name ("applications:submitted")
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and node.value in Status.values
        and id(node) not in allowed
    ]


def test_the_guard_finds_raw_status_strings():
    tree = ast.parse(
        'x = app.status == "approved"\n'
        "y = {'draft', 'in_check'}\n"
        'ctx = {"approved": True}\n'
        'path("x/", view, name="submitted")\n'
        "class ReviewStatus(models.TextChoices):\n    DRAFT = 'draft', 'Entwurf'\n"
    )
    assert sorted(raw_status_strings(tree)) == [(1, "approved"), (2, "draft"), (2, "in_check")]
    assert STATUS_RE.search('{% if application.status == "approved" %}')
    assert STATUS_RE.search("{% if a.status == 'withdrawn' %}")
    assert not STATUS_RE.search('{% if application|in_state:"granted" %}')


def test_no_raw_status_string_in_python_outside_the_workflow_module():
    found = []
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += [
            f"{path.relative_to(ROOT)}:{line}: {value!r}"
            for line, value in raw_status_strings(tree)
        ]
    assert not found, "Use Status members or a named set of applications.workflow:\n" + "\n".join(
        found
    )


def test_no_raw_status_string_in_templates():
    found = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix not in {".html", ".txt"}:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found += [
                f"{path.relative_to(ROOT)}:{number}: {m.group(0)}" for m in STATUS_RE.finditer(line)
            ]
    assert not found, 'Ask the workflow: application|in_state:"…" or {% can … %}\n' + "\n".join(
        found
    )
