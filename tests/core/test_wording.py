"""Wording and numbers (issue 9.16): one formatter for numbers, money, file sizes and IBANs,
German grouping on pages and in the admin, and the small texts that read wrong."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django import forms as django_forms
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from applications.eligibility import municipality_label
from applications.models import FundingRound
from core.formatting import format_file_size, format_iban, format_money, format_number
from core.validators import validate_upload
from documents.models import BundleJob, BundleStatus
from municipalities.models import MunicipalityKind
from tests.factories import (
    AdminFactory,
    ApplicationFactory,
    ApplicationPartnerFactory,
    CostLineFactory,
    FundingRoundFactory,
    MunicipalityFactory,
    staff_for,
)

pytestmark = pytest.mark.django_db


def _admin_request(user):
    request = RequestFactory().get("/admin/x/")
    request.user = user
    SessionMiddleware(lambda r: None).process_request(request)
    request._messages = FallbackStorage(request)
    return request


def login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# The formatter ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "places", "lang", "expected"),
    [
        (10126, None, "de", "10.126"),
        (10126, None, "en", "10,126"),
        (Decimal("30000"), 2, "de", "30.000,00"),
        (Decimal("1234567.891"), 2, "de", "1.234.567,89"),
        (Decimal("0.005"), 2, "de", "0,01"),
        (999, None, "de", "999"),
    ],
)
def test_numbers_are_grouped_in_the_readers_language(value, places, lang, expected):
    assert format_number(value, places, lang=lang) == expected


def test_money_and_iban():
    assert format_money(Decimal("20000"), lang="de") == "20.000,00\u00a0€"
    assert format_money(None) == "–"
    assert format_iban("de89370400440532013000") == "DE89 3704 0044 0532 0130 00"


@pytest.mark.parametrize("limit", [1024 * 1024, 20 * 1024 * 1024])
def test_a_file_just_over_the_limit_does_not_read_as_the_limit(limit):
    over = format_file_size(limit + 1, limit=limit, lang="de")
    allowed = format_file_size(limit, lang="de")
    assert over != allowed
    assert over == f"{format_number(limit + 1, lang='de')} Bytes"
    assert format_file_size(2 * limit, limit=limit, lang="de").endswith(" MB")


def test_upload_refusal_names_a_size_that_differs_from_the_limit():
    limit = 1024 * 1024
    upload = SimpleUploadedFile("gross.pdf", b"%PDF-1.4\n" + b"0" * limit, "application/pdf")
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload, max_bytes=limit)
    message = excinfo.value.messages[0]
    assert "1.048.585 Bytes" in message
    assert "höchstens 1,0 MB" in message


# Pages and the admin ------------------------------------------------------------------------
def test_round_page_and_eligibility_show_grouped_numbers(client):
    round_ = FundingRoundFactory(population_lower=10_000, population_upper=50_000)
    town = MunicipalityFactory(name="Bensheim, Stadt", population=40_126)
    login(client, staff_for(town))
    text = text_of(client.get(reverse("applications:rounds")))
    assert "10.000 bis 50.000" in text
    assert round_.title in text
    text = text_of(client.get(reverse("applications:list")))
    assert "10000" not in text and "50000" not in text


def test_admin_shows_money_the_german_way():
    round_ = FundingRoundFactory(max_grant=Decimal("30000.00"))
    superuser = AdminFactory(is_superuser=True, is_staff=True)
    model_admin = admin.site.get_model_admin(FundingRound)
    response = model_admin.change_view(_admin_request(superuser), str(round_.pk))
    response.render()
    field = re.search(r'<input[^>]*name="max_grant"[^>]*>', response.content.decode())[0]
    assert 'value="30.000,00"' in field
    response = model_admin.changelist_view(_admin_request(superuser))
    response.render()
    assert "30.000,00" in text_of(response) and "30000" not in text_of(response)


def test_technical_numbers_stay_plain_in_attributes_and_years(client):
    """Thousands separators are for people: a remove button's id, a budget year and the
    session timer's seconds keep their digits plain, or the portal would misread them."""
    round_ = FundingRoundFactory()
    town = MunicipalityFactory(population=9_000)
    staff = staff_for(town)
    app = ApplicationFactory(round=round_, lead_municipality=town, created_by=staff)
    partner = ApplicationPartnerFactory(application=app, pk=12_345)
    CostLineFactory(application=app, budget_year=2026)
    login(client, staff)
    page = client.get(reverse("applications:partners", args=[app.pk])).content.decode()
    assert 'value="12345"' in page
    assert 'data-idle-seconds="1800"' in page or "data-idle-seconds" not in page
    check = text_of(client.get(reverse("applications:check", args=[app.pk])))
    assert " 2026 " in check and "2.026" not in check
    response = client.post(
        reverse("applications:partners", args=[app.pk]), {"remove_partner": str(partner.pk)}
    )
    assert response.status_code in (200, 302)
    assert not app.partners.filter(pk=partner.pk).exists()


def test_iban_is_grouped_on_the_check_page(client):
    town = MunicipalityFactory()
    staff = staff_for(town)
    app = ApplicationFactory(lead_municipality=town, created_by=staff, complete=True)
    app.iban = "DE89370400440532013000"
    app.save(update_fields=["iban"])
    login(client, staff)
    assert "DE89 3704 0044 0532 0130 00" in text_of(
        client.get(reverse("applications:check", args=[app.pk]))
    )


def test_section_count_agrees_in_number(client):
    town = MunicipalityFactory()
    staff = staff_for(town)
    app = ApplicationFactory(lead_municipality=town, created_by=staff)
    login(client, staff)
    text = text_of(client.get(reverse("applications:detail", args=[app.pk]), follow=True))
    match = re.search(r"(\d+) von (\d+) Abschnitten (ist|sind) vollständig", text)
    assert match, text[:500]
    assert match[3] == ("ist" if match[1] == "1" else "sind")


def test_header_has_no_separator_left_dangling(client):
    town = MunicipalityFactory()
    staff = staff_for(town)
    app = ApplicationFactory(lead_municipality=town, created_by=staff)
    login(client, staff)
    html = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    header = html.split('class="kern-heading-large"', 1)[1].split("</p>", 1)[0]
    visible = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", header)).strip()
    assert not re.search(r"·\s*$", visible.split(app.get_status_display())[0])


# Texts --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("Bensheim, Stadt", MunicipalityKind.STADT, "Stadt Bensheim"),
        ("Darmstadt, Wissenschaftsstadt", MunicipalityKind.KREISFREIE_STADT,
         "Wissenschaftsstadt Darmstadt"),
        ("Allendorf (Lumda), Stadt", MunicipalityKind.STADT, "Stadt Allendorf (Lumda)"),
        ("Lautertal (Odenwald)", MunicipalityKind.GEMEINDE, "Gemeinde Lautertal (Odenwald)"),
        ("Oberursel (Taunus)", MunicipalityKind.STADT, "Stadt Oberursel (Taunus)"),
    ],
)  # fmt: skip
def test_municipality_named_with_its_title_once(name, kind, expected):
    assert municipality_label(MunicipalityFactory.build(name=name, kind=kind)) == expected


def _project_forms():
    import importlib

    for module in ("accounts.forms", "applications.forms", "reviews.forms", "core.forms"):
        mod = importlib.import_module(module)
        for obj in vars(mod).values():
            if isinstance(obj, type) and issubclass(obj, django_forms.BaseForm):
                yield obj


def test_optional_fields_are_not_also_called_voluntary():
    """The KERN pack marks fields that may stay empty "– optional"; a label that says
    "(freiwillig)" as well reads "Begründung (freiwillig) – optional"."""
    with translation.override("de"):
        offenders = [
            f"{form.__name__}.{name}"
            for form in _project_forms()
            for name, field in getattr(form, "base_fields", {}).items()
            if not field.required and "freiwillig" in str(field.label or "").lower()
        ]
    assert offenders == []


def test_bundle_progress_percent_matches_the_count_beside_it():
    job = BundleJob(total=5, done=4, status=BundleStatus.RUNNING)
    assert job.percent == 80
    job.done = 5
    assert job.percent == 99  # the parts are still being merged
    job.status = BundleStatus.DONE
    assert job.percent == 100


def test_no_template_writes_a_grouped_id_into_an_attribute():
    """With thousands separators on, ``{{ obj.pk }}`` renders "1.234" for the 1,234th row: an
    attribute that carries an id (a button's value, a data attribute) must say |unlocalize."""
    from django.conf import settings

    pattern = re.compile(
        r'="[^"]*\{\{\s*[\w.]*(\.pk|_pk|\.(application|round|municipality|user|job|event)_id)'
        r"\s*\}\}"
    )
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}"
        for path in (settings.BASE_DIR / "templates").rglob("*.html")
        for match in pattern.finditer(path.read_text())
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "msgid",
    [
        "Deleting the %(object_name)s '%(escaped_object)s' would result in deleting related "
        "objects, but your account doesn't have permission to delete the following types of "
        "objects:",
        "Deleting %(class_name)s %(instance)s would require deleting the following protected "
        "related objects: %(related_objects)s",
    ],
)
def test_admin_delete_texts_do_not_decline_the_model_name(msgid):
    """Django's German says "Das Löschen des Kommune"; the portal's catalogue overrides it with
    "Das Löschen von Kommune …", which reads correctly for every model name."""
    with translation.override("de"):
        text = translation.gettext(msgid)
    assert text.startswith("Das Löschen von"), text
    assert "Löschen des" not in text
    with translation.override("en"):
        assert translation.gettext(msgid) == msgid


@pytest.mark.django_db
def test_service_messages_follow_the_language_and_stay_german_in_german():
    """The service layer's validation messages and eligibility explanations are translated
    like the pages: an English reader gets English, the German text is unchanged."""
    from applications.eligibility import check_eligibility
    from applications.services import parse_amount

    town = MunicipalityFactory(name="Lautertal (Odenwald)", population=9852)
    round_ = FundingRoundFactory()
    texts = {}
    for lang in ("de", "en"):
        with translation.override(lang):
            with pytest.raises(ValidationError) as exc:
                parse_amount("")
            texts[lang] = (exc.value.messages, check_eligibility(round=round_, municipality=town))
    messages, result = texts["de"]
    assert messages == ["Bitte geben Sie einen Betrag an."]
    assert result.messages[0] == (
        "Gemeinde Lautertal (Odenwald) hat 9.852 Einwohnerinnen und Einwohner (Stand 31.12.2020)."
    )
    messages, result = texts["en"]
    assert messages == ["Please enter an amount."]
    assert result.messages[0] == (
        "Gemeinde Lautertal (Odenwald) has a population of 9.852 (as of 31.12.2020)."
    )
