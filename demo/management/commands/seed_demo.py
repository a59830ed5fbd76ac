from django.core.management.base import BaseCommand

from accounts.models import Role
from demo.seed import demo_totp_uri, seed_all


class Command(BaseCommand):
    help = "Creates (or resets) the demo accounts for every role and the demo funding rounds."

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-applications",
            action="store_true",
            help="Also submit three demo applications in the open round.",
        )

    def handle(self, *args, **options):
        data = seed_all(applications=options["with_applications"])
        self.stdout.write(self.style.SUCCESS("Demo-Zugänge (nur für Test und Vorführung):"))
        width = max(len(a.email) for a, _ in data["accounts"])
        for account, municipalities in data["accounts"]:
            where = f"  – {', '.join(municipalities)}" if municipalities else ""
            self.stdout.write(
                f"  {account.email:<{width}}  Passwort: {account.password:<22} "
                f"{Role(account.role).label}{where}"
            )
            if account.totp_secret:
                self.stdout.write(
                    f"  {'':<{width}}  Zwei-Faktor (nur Demo, fester Schlüssel): "
                    f"{account.totp_secret}\n  {'':<{width}}  {demo_totp_uri(account)}"
                )
        for title in data["rounds"]:
            self.stdout.write(f"  Förderrunde: {title}")
        for line in data["applications"]:
            self.stdout.write(f"  Eingereichter Demo-Antrag: {line}")
        for line in data.get("grants", []):
            self.stdout.write(f"  Bewilligter Demo-Antrag: {line}")
