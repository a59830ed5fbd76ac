from django.db import migrations
from django.db.models import F


def confirm_active_accounts(apps, schema_editor):
    """Setting up a second factor now needs a confirmed address. Active accounts without a
    confirmation date were made by an admin, by invitation or on the command line (a
    self-registered account became active only by confirming): they count as confirmed."""
    User = apps.get_model("accounts", "User")
    User.objects.filter(
        is_active=True, email_confirmed_at__isnull=True, anonymised_at__isnull=True
    ).update(email_confirmed_at=F("date_joined"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_second_factor_failures"),
    ]

    operations = [
        migrations.RunPython(confirm_active_accounts, migrations.RunPython.noop),
    ]
