"""Settings of the test workers that the killed-worker tests SIGKILL on purpose.

Only one thing differs from ``wir_portal.settings.test``: the broker's visibility timeout.
A message taken by a worker that is killed as a whole stays unacknowledged in Redis until that
timeout passes; then a running worker delivers it again. In production the timeout is an hour
(and a bundle job's time limit longer); here it is seconds, so the test sees the redelivery."""

from wir_portal.settings.test import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 4, "unacked_restore_interval": 1}
