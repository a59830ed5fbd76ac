"""Hypothesis throws hostile input at the application forms: the section steps, the cost
plan (amounts, years, line counts), partner selection and uploads, including broken
multipart bodies. Never a server error; a refused save changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from applications.models import Application, CostLine
from tests.factories import ApplicationFactory, MunicipalityFactory, staff_for

from .test_fuzzing import FUZZ, PAYLOADS, hostile

pytestmark = pytest.mark.django_db

numbers = st.one_of(
    hostile,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["1.234,56", "1,234.56", "1e309", "-0", "NaN", "∞", "٣٤", "１２３", "12,345"]),
)
dates = st.one_of(
    hostile,
    st.dates().map(str),
    st.sampled_from(["2027-02-30", "0000-00-00", "31.12.2027", "9999-12-31", "-1-01-01"]),
)


@pytest.fixture
def setup(db):
    town = MunicipalityFactory()
    staff = staff_for(town)
    application = ApplicationFactory(lead_municipality=town, created_by=staff)
    client = Client()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    return client, application


def snapshot(application: Application) -> tuple:
    application.refresh_from_db()
    return (
        application.version,
        tuple(
            (f.name, getattr(application, f.attname))
            for f in Application._meta.concrete_fields
            if f.name not in ("updated_at",)
        ),
        tuple(CostLine.objects.filter(application=application).values_list()),
    )


@FUZZ
@given(data=st.dictionaries(
    st.sampled_from([
        "title", "summary", "start_date", "end_date", "aims", "outreach", "street", "postcode",
        "contact_email", "contact_phone", "iban", "decl:decl_not_started", "version",
    ]),
    st.one_of(hostile, dates),
    max_size=8,
))  # fmt: skip
def test_section_steps(setup, data):
    client, application = setup
    for section in ("project", "applicant", "declarations"):
        before = snapshot(application)
        payload = {"version": application.version, **data}
        response = client.post(reverse(f"applications:{section}", args=[application.pk]), payload)
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert snapshot(application) == before  # refused: nothing half saved


@FUZZ
@given(data=st.dictionaries(
    st.sampled_from(["starting_situation", "aims", "outreach", "milestones", "version"]),
    st.one_of(hostile, dates),
    max_size=5,
))  # fmt: skip
def test_question_steps(setup, data):
    """The steps of the round's question set (issue 14): hostile input is saved as text or
    refused whole."""
    client, application = setup
    for key in ("strategie", "umsetzung"):
        before = snapshot(application)
        payload = {"version": application.version, **data}
        url = reverse("applications:questions", args=[application.pk, key])
        response = client.post(url, payload)
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert snapshot(application) == before  # refused: nothing half saved


@FUZZ
@given(
    amounts=st.lists(numbers, max_size=4),
    years=st.lists(st.one_of(numbers, st.just("2027")), max_size=4),
    financing=st.tuples(numbers, numbers, numbers),
    total_forms=st.one_of(st.integers(-5, 10**6).map(str), hostile),
    action=st.sampled_from(["save", "add_line", "remove_line"]),
    remove=st.one_of(st.integers(-3, 10).map(str), hostile),
)
def test_cost_plan(setup, amounts, years, financing, total_forms, action, remove):
    client, application = setup
    category = application.round.cost_categories.first()
    data = {
        "version": application.version,
        "lines-TOTAL_FORMS": total_forms,
        "lines-INITIAL_FORMS": "0",
        "own_funds": financing[0],
        "third_party_funds": financing[1],
        "requested_grant": financing[2],
        action: remove if action == "remove_line" else "1",
    }
    for i, amount in enumerate(amounts):
        data[f"lines-{i}-category"] = category.pk if i % 2 else PAYLOADS[i]
        data[f"lines-{i}-amount"] = amount
        data[f"lines-{i}-budget_year"] = years[i] if i < len(years) else ""
        data[f"lines-{i}-description"] = PAYLOADS[-i]
    before = snapshot(application)
    response = client.post(reverse("applications:cost_plan", args=[application.pk]), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert snapshot(application) == before


@FUZZ
@given(value=hostile)
def test_partner_selection(setup, value):
    client, application = setup
    response = client.post(
        reverse("applications:partners", args=[application.pk]),
        {"municipality": value, "add_partner": "1"},
    )
    assert response.status_code in (200, 302)
    assert not application.partners.exists() or response.status_code == 302


@FUZZ
@given(
    name=hostile,
    content=st.binary(max_size=2048),
    kind=st.one_of(hostile, st.sampled_from(["konzept", "other"])),
)
def test_uploads(setup, name, content, kind):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client, application = setup
    # As Django's multipart parser does with a browser's file name: keep the last part.
    filename = name.replace("\\", "/").rsplit("/", 1)[-1][:200] or "x"
    if filename in (".", ".."):
        filename = "x"
    upload = SimpleUploadedFile(filename, content)
    response = client.post(
        reverse("applications:attachments", args=[application.pk]),
        {"kind": kind, "file": upload, "upload": "1"},
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert not application.attachments.exists()


@pytest.mark.parametrize(
    "body",
    [
        b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF',
        b"--xyz\r\n\r\n\r\n--xyz--",
        b"garbage without boundary",
        b'--xyz\r\nContent-Disposition: form-data; name="kind"\r\n\r\nkonzept\r\n--xyz',
    ],
)
def test_broken_multipart_bodies(setup, body):
    client, application = setup
    response = client.generic(
        "POST",
        reverse("applications:attachments", args=[application.pk]),
        body,
        content_type="multipart/form-data; boundary=xyz",
    )
    assert response.status_code in (200, 302, 400)
    assert not application.attachments.exists()


def test_user_text_is_escaped_on_the_pages(setup):
    client, application = setup
    application.title = "<script>alert('x')</script>"
    application.save()
    for name in ("detail", "check"):
        html = client.get(reverse(f"applications:{name}", args=[application.pk])).content.decode()
        assert "<script>alert('x')</script>" not in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
