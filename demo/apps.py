from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for every app (``manage.py seed_demo``). It sits above all other apps, since
    it seeds accounts, rounds, criteria and applications; no app imports it (only the tests
    and the browser tests, for the demo accounts)."""

    name = "demo"
