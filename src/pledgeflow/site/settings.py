"""Django settings, all derived from :mod:`pledgeflow.config`."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from pledgeflow import config as _config

CONFIG = _config.load()
BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # ninja serves Swagger UI from its own static files only when it is an installed app (offline docs).
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "pledgeflow.core",
    "pledgeflow.accounts",
    "pledgeflow.nations",
    "pledgeflow.catalogue",
    "pledgeflow.logistics",
    "pledgeflow.requirements",
    "pledgeflow.pledges",
    "pledgeflow.planning",
    "pledgeflow.training",
    "pledgeflow.reports",
    "pledgeflow.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pledgeflow.web.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "pledgeflow.site.urls"
WSGI_APPLICATION = "pledgeflow.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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


def _database(url: str) -> dict[str, object]:
    db: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    if db["ENGINE"] == "django.db.backends.sqlite3":
        Path(str(db["NAME"])).parent.mkdir(parents=True, exist_ok=True)
        # A web server and a task worker write at once: WAL and IMMEDIATE transactions avoid
        # "database is locked".
        db["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
        db["CONN_MAX_AGE"] = 0
    if db["ENGINE"] == "django.db.backends.postgresql":
        # JIT compilation costs 0.2-0.5 s on the visibility-filtered list counts and saves nothing here.
        db["OPTIONS"] = {"options": "-c jit=off"}
    return db


DATABASES = {"default": _database(CONFIG.database_url)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# The only password backend: it refuses locked accounts before checking the password (docs/roles.md).
AUTHENTICATION_BACKENDS = ["pledgeflow.accounts.backends.LockoutBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/sign-in/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/sign-in/"

# Sign-in lock-out: this many failures within the window lock the account for the window.
PLEDGEFLOW_LOCKOUT_FAILURES = 5
PLEDGEFLOW_LOCKOUT_MINUTES = 15

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("uk", "Українська")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = CONFIG.home / "static"
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

SESSION_COOKIE_HTTPONLY = True
if CONFIG.https:
    # Behind a TLS-terminating proxy (docs/deployment.md): secure cookies, HSTS, and trust its scheme header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_SSL_REDIRECT = True
    CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in CONFIG.allowed_hosts]
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "pledgeflow.core.logs.StderrHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"pledgeflow": {"level": "INFO"}},
}
