"""Settings, read from the environment (see README: Configuration)."""

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("ACCORD_DATA_DIR", Path.cwd() / "var")).resolve()
DEBUG = env_bool("ACCORD_DEBUG", False)
# Local mode (`accord serve --local`, `make run`): trying Accord on this machine over plain http,
# without debug: cookies without the Secure flag and no HSTS. Static files are served either way.
LOCAL = env_bool("ACCORD_LOCAL", False)
# pytest-django imports these settings before any conftest.py can set ACCORD_TESTING, so a test run
# is also recognised by pytest being loaded (subprocesses started by tests get the variable).
TESTING = env_bool("ACCORD_TESTING", "pytest" in sys.modules)


def _secret_key() -> str:
    if key := os.environ.get("ACCORD_SECRET_KEY"):
        return key
    # A fresh install keeps one generated key in the data dir so sessions survive restarts.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ACCORD_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("ACCORD_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_htmx",
    "django_tasks_db",
    "accord.core",
    "accord.accounts",
    "accord.audit",
    "accord.workspaces",
    "accord.notifications",
    "accord.collab",
    "accord.webhooks",
    "accord.feeds",
    "accord.ideas",
    "accord.roadmaps",
    "accord.goals",
    "accord.feedback",
    "accord.feedback.similarity",
    "accord.portal",
    "accord.initiatives",
    "accord.roles",
    "accord.launches",
    "accord.changes",
    "accord.playbooks",
    "accord.glossary",
    "accord.capacity",
    "accord.imports",
    "accord.transfer",
    "accord.demo",
    "accord.bench",
    "accord.operations",
]

MIDDLEWARE = [
    "accord.core.request_context.RequestIdMiddleware",
    "accord.operations.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "accord.core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accord.accounts.middleware.AbsoluteSessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accord.core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "accord.urls"
WSGI_APPLICATION = "accord.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accord.workspaces.context_processors.workspace_nav",
                "accord.notifications.context_processors.bell",  # the unread count in the header
            ],
            "builtins": ["accord.core.templatetags.dates"],  # |day, |month_day, |moment everywhere
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'accord.sqlite3'}"),
        conn_max_age=0 if TESTING else 60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers and one writer work side by side; IMMEDIATE avoids lock upgrades mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
elif TESTING:
    # A test database is thrown away: commits need not wait for the disk (transactional tests commit a lot).
    DATABASES["default"]["OPTIONS"] = {"options": "-c synchronous_commit=off"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; the test suite needs thousands of hashes.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions: idle timeout of 2 weeks of inactivity is the cookie age refreshed on each request,
# plus an absolute limit enforced by AbsoluteSessionTimeoutMiddleware.
SESSION_COOKIE_AGE = int(os.environ.get("ACCORD_SESSION_IDLE_SECONDS", 8 * 3600))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("ACCORD_SESSION_ABSOLUTE_SECONDS", 7 * 24 * 3600))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not (DEBUG or LOCAL or TESTING) and env_bool("ACCORD_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "accord.core.views.csrf_failure"

LOGIN_THROTTLE_FAILURES = 5
LOGIN_THROTTLE_WINDOW_SECONDS = 15 * 60

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = 0 if DEBUG or LOCAL or TESTING else int(os.environ.get("ACCORD_HSTS_SECONDS", 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Sending `preload` is only the consent the browsers' preload list asks for; submitting the domain
# stays the operator's decision. ACCORD_HSTS_PRELOAD=false leaves it out.
SECURE_HSTS_PRELOAD = bool(SECURE_HSTS_SECONDS) and env_bool("ACCORD_HSTS_PRELOAD", True)
SECURE_SSL_REDIRECT = env_bool("ACCORD_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("ACCORD_BEHIND_PROXY") else None
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LANGUAGE_CODE = "en-us"
FORMAT_MODULE_PATH = ["accord.formats"]  # one date format: accord.core.dates
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing folder
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# Mail goes to the console unless SMTP is configured (Django 6.1's MAILERS setting).
if os.environ.get("ACCORD_SMTP_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["ACCORD_SMTP_HOST"],
                "port": int(os.environ.get("ACCORD_SMTP_PORT", 587)),
                "username": os.environ.get("ACCORD_SMTP_USER", ""),
                "password": os.environ.get("ACCORD_SMTP_PASSWORD", ""),
                "use_tls": env_bool("ACCORD_SMTP_TLS", True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": os.environ.get("ACCORD_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}}
    # Without SMTP, mail is written to the log on purpose (invitation links are also shown in the UI).
    SILENCED_SYSTEM_CHECKS = ["mail.E001"]
DEFAULT_FROM_EMAIL = os.environ.get("ACCORD_FROM_EMAIL", "Accord <accord@localhost>")
# Links in mails. `accord serve` sets it to the address it listens on when it is not set; set it
# when people reach Accord under another name (a proxy, a public host name).
ACCORD_BASE_URL = os.environ.get("ACCORD_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# /metrics (Prometheus) answers only with "Authorization: Bearer <this token>"; unset: no /metrics.
ACCORD_METRICS_TOKEN = os.environ.get("ACCORD_METRICS_TOKEN", "")

# Webhooks go to public addresses only (accord.webhooks.egress); these internal hosts (names,
# addresses, or host:port, comma-separated) may receive them too, e.g. "hooks.internal,10.0.0.5".
ACCORD_WEBHOOK_ALLOWED_HOSTS = [h.strip().lower() for h in os.environ.get("ACCORD_WEBHOOK_ALLOWED_HOSTS", "").split(",") if h.strip()]
# A webhook is paused (its owner told) after this many failed attempts in a row.
ACCORD_WEBHOOK_PAUSE_AFTER_FAILURES = int(os.environ.get("ACCORD_WEBHOOK_PAUSE_AFTER_FAILURES", 15))

REDIS_URL = os.environ.get("REDIS_URL", "")
if TESTING:
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
elif REDIS_URL:
    # Tasks go to Redis (RQ workers); while Redis is unreachable they are queued in the database
    # instead ("database" backend, drained by db_worker), so a write never fails for want of Redis.
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    _sep = "&" if "?" in REDIS_URL else "?"
    RQ_QUEUES = {
        "default": {
            "URL": f"{REDIS_URL}{_sep}socket_connect_timeout=2&socket_timeout=5",
            "DEFAULT_TIMEOUT": 600,
            "QUEUE_CLASS": "accord.core.task_backends.RetryingQueue",  # re-run after a worker dies
        }
    }
    TASKS = {
        "default": {"BACKEND": "accord.core.task_backends.RedisWithDatabaseFallback", "OPTIONS": {"fallback": "database"}},
        "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

if REDIS_URL and not TESTING:
    CACHES = {"default": {"BACKEND": "accord.core.cache.ResilientRedisCache", "LOCATION": REDIS_URL, "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5}}}

# Secret tokens in request paths (share links, calendar feeds, invitations...) are cut from every
# log line (accord.core.logging.RedactSecrets; gunicorn's access log: accord.core.access_log).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "accord.core.logging.RedactSecrets"},
        "context": {"()": "accord.core.request_context.ContextFilter"},  # request, user, workspace ids
    },
    "formatters": {
        "json": {"()": "accord.core.logging.JsonFormatter"},
        "server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context", "redact"]},
        # runserver's request lines, as Django prints them, without the secrets.
        "server": {"class": "logging.StreamHandler", "formatter": "server", "filters": ["redact"]},
    },
    "loggers": {
        "accord": {"handlers": ["console"], "level": os.environ.get("ACCORD_LOG_LEVEL", "INFO"), "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        # The task workers' own lines (RQ's, django-tasks'), as JSON like the app's.
        "rq": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.tasks": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django_tasks": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

NINJA_PAGINATION_MAX_LIMIT = 1000
