"""Settings a deployment sets from its environment: the portal behind PgBouncer."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

SHOW = (
    "import django; django.setup(); from django.db import connection; "
    "print(connection.settings_dict['DISABLE_SERVER_SIDE_CURSORS'])"
)


def server_side_cursors_disabled(**environ: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    env.update(DJANGO_SETTINGS_MODULE="wir_portal.settings.test", **environ)
    result = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("environ", "disabled"),
    [
        ({}, "False"),
        ({"DATABASE_PGBOUNCER": "true"}, "True"),
        ({"DATABASE_PGBOUNCER": "true", "DATABASE_DISABLE_SERVER_SIDE_CURSORS": "false"}, "False"),
    ],
)
def test_behind_pgbouncer_django_uses_no_server_side_cursors(environ, disabled):
    assert server_side_cursors_disabled(**environ) == disabled
