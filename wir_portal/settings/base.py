"""Settings shared by every environment. Everything is read from the environment
(django-environ); the local, test and production modules only change defaults."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from .storage import default_storage_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Apps ----------------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",  # FORM_RENDERER below finds Django's own widget templates here
    "crispy_forms",
    "django_htmx",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "kern",
    "pages",
    "accounts",
    "municipalities",
    "questionnaires",
    "applications",
    "messaging",
    "reviews",
    "notifications",
    "grants",
    "reports",
    "documents",
    "demo",
]

MIDDLEWARE = [
    # First: stamps request.arrived_at, by which the submission deadline is judged (issue 10.8).
    "applications.middleware.ArrivalTimeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Pages of logged-in people and every download: Cache-Control: private, no-store.
    "core.middleware.PrivateNoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle sessions end first; then RP roles must pass the second factor (accounts/middleware.py).
    "accounts.middleware.SessionIdleTimeoutMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # django-axes must be last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wir_portal.urls"
WSGI_APPLICATION = "wir_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Widgets render through the project's template engine, so that templates/ may override a widget
# template (templates/admin/widgets/split_datetime.html labels the admin's date and time inputs).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Data ----------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/wir_portal"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: a process reuses its connection for DATABASE_CONN_MAX_AGE seconds
# instead of connecting anew for each request; CONN_HEALTH_CHECKS tests a reused connection
# before the first query of a request, so a restarted database costs no failed request.
# Safe wherever the portal runs (checked against Django 5.2 and Celery 5.x):
# - gunicorn (sync workers): one request at a time per process, so one connection per worker
#   (with --threads, one per thread: keep workers x threads below max_connections);
# - runserver (scripts/run, Procfile): its ThreadedWSGIServer.close_request closes each
#   thread's connections after every request, so nothing persists there (as with 0);
# - Celery workers: the Django fixup closes the connections before and after every task;
# - tests (pytest-django): the test client keeps Django's request signals from closing the
#   test's connection, and live servers close theirs after each request as runserver does.
# Under ASGI (wir_portal/asgi.py, not deployed) Django advises 0: set the variable to 0 there.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# An unreachable database fails a request (and /healthz/ready/) within seconds, not minutes.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
)
# Behind PgBouncer in transaction mode (DATABASE_PGBOUNCER=true, as in docker-compose.yml) a
# connection's transactions may each run on another server connection, so a server-side cursor
# (QuerySet.iterator()) would vanish between them: Django then reads with client-side cursors.
# The portal keeps no other session state (no SET, advisory locks, LISTEN, prepared statements).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=env.bool("DATABASE_PGBOUNCER", default=False)
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# PostgreSQL's JIT off for the portal's connections: the portal's queries are short, and JIT
# compiling their plans costs far more than it saves (the ranking of a round of 5,000
# applications spent 5.4 of 6.1 s of SQL compiling). PgBouncer refuses (or with
# ignore_startup_parameters drops) this startup option: behind it set DATABASE_DISABLE_JIT=false
# and run PostgreSQL itself with jit=off.
if env.bool("DATABASE_DISABLE_JIT", default=True):
    DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="wir"),
    }
}

# Uploaded files are private: they live outside every served folder and are only handed out
# by views that check permission. There is deliberately no MEDIA_URL route.
MEDIA_ROOT = Path(env("WIR_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/_private-media-not-served/"
FILE_UPLOAD_PERMISSIONS = 0o640
WIR_UPLOAD_MAX_BYTES = env.int("WIR_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# What one PDF may unpack to (all its streams together): more is refused at upload and not
# merged into a bundle, so a small "PDF bomb" cannot fill a worker's memory.
WIR_PDF_MAX_INFLATED_BYTES = env.int("WIR_PDF_MAX_INFLATED_BYTES", default=200 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Where the PDF renderer keeps KERN's Fira Sans decoded from WOFF2 to TrueType (files named by
# the hash of their source), so that a new worker process reads them instead of decoding them
# again (about 2 s). Any folder the workers may write; if it is not writable, each process
# decodes into a private temporary folder.
WIR_PDF_FONT_CACHE = Path(
    env("WIR_PDF_FONT_CACHE", default=str(BASE_DIR / "var" / "cache" / "pdf-fonts"))
)

# Official municipality register (Destatis GV100AD), read from a path, never copied in.
WIR_GV100AD = env("WIR_GV100AD", default="")

# Accounts ------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 24)

# django-axes: repeated failed logins (accounts/lockout.py, SECURITY.md "Anmeldesperren").
# AXES_FAILURE_LIMIT failures lock the pair (account, client address); a higher limit locks
# one address whatever accounts it tries. Behind reverse proxies, WIR_TRUSTED_PROXY_COUNT
# says how many; only then is the client address read from X-Forwarded-For.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_HANDLER = "accounts.lockout.LoginLockoutHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
WIR_LOGIN_FAILURE_LIMIT_PER_ADDRESS = env.int("WIR_LOGIN_FAILURE_LIMIT_PER_ADDRESS", default=50)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.username"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
WIR_TRUSTED_PROXY_COUNT = env.int("WIR_TRUSTED_PROXY_COUNT", default=0)
AXES_VERBOSE = False

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
# A session without a request for this long is logged out; the page warns 2 minutes before.
WIR_SESSION_IDLE_MINUTES = env.int("WIR_SESSION_IDLE_MINUTES", default=30)
WIR_SESSION_WARNING_MINUTES = env.int("WIR_SESSION_WARNING_MINUTES", default=2)
# The time of the last request is written to the session only when it moved by more than
# this many seconds, so a request that changes nothing does not write the session (no UPDATE,
# no transaction). The idle logout then comes up to this much later, never earlier
# (accounts.middleware.activity_record).
WIR_SESSION_ACTIVITY_RESOLUTION_SECONDS = env.int(
    "WIR_SESSION_ACTIVITY_RESOLUTION_SECONDS", default=60
)

# Invitations by an admin, self-registration of municipal staff.
WIR_INVITATION_DAYS = env.int("WIR_INVITATION_DAYS", default=14)
WIR_REGISTRATION_CONFIRM_DAYS = env.int("WIR_REGISTRATION_CONFIRM_DAYS", default=3)

# Two-factor authentication (django-otp): required for case officers, reviewers and admins.
# WIR_OTP_FAILURE_LIMIT wrong codes in a row lock the app codes of that person for
# WIR_OTP_LOCKOUT_MINUTES (counted in the database); recovery codes still work until as many
# misses again. django-otp's own back-off is off: it refused a right code typed within a
# second of a wrong one and counted it as a miss (SECURITY.md, "Anmeldesperren").
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="WIR-Portal")
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
WIR_OTP_FAILURE_LIMIT = env.int("WIR_OTP_FAILURE_LIMIT", default=5)
WIR_OTP_LOCKOUT_MINUTES = env.int("WIR_OTP_LOCKOUT_MINUTES", default=15)
WIR_RECOVERY_CODE_COUNT = 10
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

# Mail ----------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="WIR-Portal <noreply@wir-portal.hessen.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Absolute address of the portal, for links in e-mails sent by Celery tasks.
WIR_SITE_URL = env("WIR_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Language and time ---------------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Numbers in templates and the admin read "10.000" (German) and "10,000" (English); technical
# values in attributes (ids, years, seconds) use |unlocalize.
USE_THOUSAND_SEPARATOR = True
TIME_ZONE = "Europe/Berlin"
USE_TZ = True

# Static files: the project's own under static/, KERN and htmx from node_modules (npm). ------
NODE_MODULES = BASE_DIR / "node_modules"
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/kern", NODE_MODULES / "@kern-ux" / "native" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
# Uploaded attachments, generated documents, bundle parts and bundles: the private
# MEDIA_ROOT folder by default; an S3-compatible object store (django-storages) when
# WIR_STORAGE_URL=s3://<bucket>[/<prefix>] names a bucket, at WIR_S3_ENDPOINT_URL (empty: AWS)
# with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in WIR_S3_REGION. Downloads are always
# permission-checked views that stream the file; with WIR_STORAGE_SIGNED_REDIRECT the view
# (after the check) redirects to a signed URL of the object that expires after
# WIR_STORAGE_SIGNED_SECONDS instead (only with S3). Objects are never public.
WIR_STORAGE_URL = env("WIR_STORAGE_URL", default="")
WIR_STORAGE_SIGNED_REDIRECT = env.bool("WIR_STORAGE_SIGNED_REDIRECT", default=False)
WIR_STORAGE_SIGNED_SECONDS = env.int("WIR_STORAGE_SIGNED_SECONDS", default=60)
STORAGES = {
    "default": default_storage_config(
        WIR_STORAGE_URL,
        endpoint_url=env("WIR_S3_ENDPOINT_URL", default=""),
        region=env("WIR_S3_REGION", default="us-east-1"),
        access_key=env("AWS_ACCESS_KEY_ID", default=""),
        secret_key=env("AWS_SECRET_ACCESS_KEY", default=""),
        signed_seconds=WIR_STORAGE_SIGNED_SECONDS,
    ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False

# Forms: rendered by the KERN template pack (the app kern/) ------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ("kern",)
CRISPY_TEMPLATE_PACK = "kern"
CRISPY_FAIL_SILENTLY = False

# Security headers ----------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Celery --------------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="wir_portal")
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A new pool process loads fonts and WeasyPrint first (documents.tasks warm-up); on a busy
# machine that takes longer than billiard's 4 s, which then kills it again and again.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = env.float("CELERY_WORKER_PROC_ALIVE_TIMEOUT", default=60.0)
# The worker's task processes run this much nicer (lower CPU priority) than web (added to the
# niceness they start with; 0 turns it off). On a host where web and worker share the cores,
# a rush of submissions renders a PDF receipt per request in the worker: without it the
# renders take the CPU from the requests people wait for; with it web goes first and the
# receipts, which nobody waits for in the request, follow within minutes (issue 12).
WIR_WORKER_NICE = env.int("WIR_WORKER_NICE", default=10)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
# Health endpoints (core/views.py): the timeout of each Redis check, how often workers
# write their heartbeat, and the token that opens the detailed report to monitoring.
WIR_HEALTHZ_TIMEOUT = env.float("WIR_HEALTHZ_TIMEOUT", default=1.0)
WIR_WORKER_HEARTBEAT_SECONDS = env.float("WIR_WORKER_HEARTBEAT_SECONDS", default=10.0)
WIR_HEALTHZ_TOKEN = env("WIR_HEALTHZ_TOKEN", default="")
# The daily digest of notifications leaves at this hour (TIME_ZONE).
WIR_DIGEST_HOUR = env.int("WIR_DIGEST_HOUR", default=7)
# Periodic tasks (the `beat` process): send again what the outbox still owes after a queue
# outage (core/outbox.py); re-dispatch bundle parts whose worker died, fail overdue bundle jobs.
CELERY_BEAT_SCHEDULE = {
    "outbox-flush": {
        "task": "core.outbox_flush",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 50},
    },
    "bundle-jobs-watch": {
        "task": "documents.bundle_jobs_watch",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 50},
    },
    # Reminders of deadlines and due dates (notifications/reminders.py; each sent once, so
    # hourly runs are safe and a missed run is made up) and the daily digest of notifications.
    "notifications-reminders": {
        "task": "notifications.send_reminders",
        "schedule": timedelta(hours=1),
        "options": {"expires": 50 * 60},
    },
    "notifications-digest": {
        "task": "notifications.send_digests",
        "schedule": crontab(hour=WIR_DIGEST_HOUR, minute=0),
        "options": {"expires": 50 * 60},
    },
    # Grants after the decision: new grants, binding decisions, the due-date reminders (each
    # mail once, so running twice or hourly is harmless).
    "grants-daily": {
        "task": "grants.daily",
        "schedule": timedelta(hours=1),
        "options": {"expires": 3000},
    },
}
# The beat keeps its schedule in Redis (celery-redbeat, configured in wir_portal/celery.py)
# under a lock: a second beat started by mistake waits for the lock instead of sending every
# periodic task a second time, and takes over when the first one stops, or at the latest
# WIR_BEAT_LOCK_SECONDS after it died. Beat renews the lock at least every
# CELERY_BEAT_MAX_LOOP_INTERVAL seconds, so the lock must last several of those.
CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = env.int("CELERY_BEAT_MAX_LOOP_INTERVAL", default=30)
WIR_BEAT_LOCK_SECONDS = env.int("WIR_BEAT_LOCK_SECONDS", default=5 * CELERY_BEAT_MAX_LOOP_INTERVAL)
# The Redis of the schedule and the lock (empty: the broker's) and the prefix of its keys.
WIR_BEAT_REDIS_URL = env("WIR_BEAT_REDIS_URL", default="")
WIR_BEAT_KEY_PREFIX = env("WIR_BEAT_KEY_PREFIX", default="wir-beat")
# Outbox (core/outbox.py): a message never handed to the broker is sent again after this
# many seconds; one handed over but not finished after this many minutes, at most so often.
WIR_OUTBOX_GRACE_SECONDS = env.int("WIR_OUTBOX_GRACE_SECONDS", default=60)
WIR_OUTBOX_REDELIVER_MINUTES = env.int("WIR_OUTBOX_REDELIVER_MINUTES", default=15)
WIR_OUTBOX_MAX_ATTEMPTS = env.int("WIR_OUTBOX_MAX_ATTEMPTS", default=10)
WIR_OUTBOX_KEEP_DAYS = env.int("WIR_OUTBOX_KEEP_DAYS", default=30)
# A PDF bundle job still waiting or running after this long is failed. Longer than the
# broker's visibility timeout, so a job whose worker was killed is redelivered first.
WIR_BUNDLE_TIMEOUT_MINUTES = env.int("WIR_BUNDLE_TIMEOUT_MINUTES", default=120)
# A bundle part (or start, or merge) that no live worker holds and that has made no progress
# for this long is dispatched again by the periodic `documents.bundle_jobs_watch`.
WIR_BUNDLE_PART_STALE_MINUTES = env.int("WIR_BUNDLE_PART_STALE_MINUTES", default=3)

# Repayments after a Verwendungsnachweis (reports): the account of the state's cash office
# named in the repayment letter, and the days the municipality has to pay.
WIR_REPAYMENT_ACCOUNT = {
    "holder": env("WIR_REPAYMENT_ACCOUNT_HOLDER", default="Hessische Landeshauptkasse"),
    "iban": env("WIR_REPAYMENT_IBAN", default="DE89 3704 0044 0532 0130 00"),
    "bic": env("WIR_REPAYMENT_BIC", default="COBADEFFXXX"),
    "bank": env("WIR_REPAYMENT_BANK", default="Commerzbank"),
}
WIR_REPAYMENT_DAYS = env.int("WIR_REPAYMENT_DAYS", default=30)

# Logging: never log passwords or form data; structured enough for a journal. ---------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Issue 16: legal pages. The data protection officer's contact (shown in the
# Datenschutzerklärung) and where reports of barriers go (the form of the accessibility
# statement; the sender gets a receipt).
WIR_DATA_PROTECTION_OFFICER = env(
    "WIR_DATA_PROTECTION_OFFICER",
    default="Datenschutzbeauftragte des Regierungspräsidiums Darmstadt, Wilhelminenstraße 1–3, "
    "64283 Darmstadt, datenschutz@rpda.hessen.de",
)
WIR_ACCESSIBILITY_FEEDBACK_EMAIL = env(
    "WIR_ACCESSIBILITY_FEEDBACK_EMAIL", default="barrierefreiheit@rpda.hessen.de"
)
