import pytest
from django.core.management import call_command

from applications.models import Application, RoundParticipation
from applications.workflow import Status

pytestmark = pytest.mark.django_db


def test_seed_demo_with_applications_submits_three_and_is_idempotent(capsys):
    call_command("import_municipalities", "municipalities/data/sample_gv100ad.asc", verbosity=0)
    call_command("seed_demo", "--with-applications")
    out = capsys.readouterr().out
    assert "Demo-Zugänge" in out and "Eingereichter Demo-Antrag" in out
    submitted = Application.objects.filter(status=Status.SUBMITTED)
    assert submitted.count() == 3
    assert all(a.reference and a.attachments.count() == 1 for a in submitted)
    # Other apps' demo data (e.g. an approved application with its reports) come once too.
    total = Application.objects.count()
    call_command("seed_demo", "--with-applications")
    assert Application.objects.count() == total
    assert RoundParticipation.objects.count() == total
    assert Application.objects.filter(status=Status.SUBMITTED).count() == 3
