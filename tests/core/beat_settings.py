"""Settings of the beat processes of tests/core/test_beat.py: the portal's periodic tasks
(``CELERY_BEAT_SCHEDULE``) every two seconds instead of every minute, and a beat that looks
at its schedule and renews its lock every second, so a test sees many intervals."""

from datetime import timedelta

from wir_portal.settings.test import *  # noqa: F403
from wir_portal.settings.test import CELERY_BEAT_SCHEDULE

BEAT_TEST_INTERVAL_SECONDS = 2
CELERY_BEAT_SCHEDULE = {
    name: {
        **entry,
        "schedule": timedelta(seconds=BEAT_TEST_INTERVAL_SECONDS),
        "options": {"expires": 10},
    }
    for name, entry in CELERY_BEAT_SCHEDULE.items()
}
CELERY_BEAT_MAX_LOOP_INTERVAL = 1
WIR_BEAT_LOCK_SECONDS = 5
