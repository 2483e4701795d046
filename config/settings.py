"""The one settings module, driven by environment variables (see docs/configuration.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_database, env_email, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-change-me"  # noqa: S105 - dev default, refused in production
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "accounts",
    "procedures",
    "dossiers",
    "apology_letters",
    "feedback",
    "reporting",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.SecurityHeadersMiddleware",  # Permissions-Policy; no-store for signed-in users
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy, see CONTENT_SECURITY_POLICY
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware_input.RefuseNulMiddleware",  # NUL in a path, query or body: 400 before any lookup
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.sessions.SessionTimeoutMiddleware",  # idle and absolute session limits
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every worker (rate limits, calendar invalidation): Redis when REDIS_URL is set,
# else a table in the database (`manage.py createcachetable`; `make run` does it).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("REDIS_URL", "")}
        if env_str("REDIS_URL", "")
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}
    )
}

# How many reverse proxies in front of the app append to X-Forwarded-For (nginx: 1). The client
# address used by rate limits and login lockouts is then taken from that header; 0 trusts only
# REMOTE_ADDR (dossiers/web/ratelimit.py client_address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# Failed logins (admin and /dang-nhap/): 5 failures for one username from one address lock
# that pair out for 15 minutes (django-axes; the attempts are rows in the database).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.authentication.StaffBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "dossiers.web.ratelimit.client_address"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
# Production serves static files from the app (whitenoise), hashed and compressed after
# `collectstatic`; development keeps Django's plain storage so no collectstatic is needed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if env_bool("STATIC_PLAIN_STORAGE", DEBUG)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Request bodies: the API and the forms take small JSON/form posts; catalogue and dossier
# imports are management commands, not uploads. nginx caps bodies too (docs/deployment.md).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# Import commands (import_procedures, import_dossiers) refuse larger files before reading them.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# ... and bound what an .xlsx expands to (config/spreadsheets.py): the zip members, checked
# before openpyxl opens the file, then the rows and columns read and the time spent reading.
IMPORT_MAX_MEMBER_BYTES = env_int("IMPORT_MAX_MEMBER_BYTES", 64 * 1024 * 1024, minimum=1024)
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 128 * 1024 * 1024, minimum=1024)
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 200, minimum=2)
IMPORT_MAX_SHEET_ROWS = env_int("IMPORT_MAX_SHEET_ROWS", 25_000, minimum=2)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 64, minimum=16)
IMPORT_MAX_SECONDS = env_int("IMPORT_MAX_SECONDS", 60, minimum=1)

# HTTPS: every flag is on when DEBUG is off, and each can be overridden by its variable.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^api/v1/(health|ready)/$"]  # load balancers poll over plain HTTP
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Behind nginx terminating TLS: trust its X-Forwarded-Proto (only if nginx always sets it).
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Staff sessions (accounts/sessions.py): signed out after SESSION_IDLE_TIMEOUT seconds without a
# request, and SESSION_COOKIE_AGE seconds after the login whatever the activity.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60, minimum=60)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600, minimum=300)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Content-Security-Policy (django-csp): only this origin's own files run, style or load. The
# pages carry no inline <script>, style= or on*= handler; their behaviour lives in static
# files (dossiers/static/dossiers/*.js) and their data in data-* attributes or json_script.
# Only the API documentation pages loosen it, on their own views (config/schema.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Email: EMAIL_URL (smtp://user:password@host:587, smtp+ssl://…:465, console://), else the
# EMAIL_HOST/EMAIL_PORT/… variables; the console in development.
EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, EMAIL_USE_SSL = env_email(
    "EMAIL_URL", debug=DEBUG
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Một Cửa <no-reply@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Logs go to stdout (systemd's journal or the container's log), one line per record.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},  # 4xx are part of normal use; 5xx are logged with a traceback
        "axes": {"level": "WARNING"},
    },
}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dossiers:search"

# API tokens (accounts.tokens): stored as digests, shown once, valid this many days.
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 90, minimum=1)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["procedures.api.permissions.ReadAnyWriteAdmin"],
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.LimitedJSONParser",
        "config.parsers.CleanFormParser",
        "config.parsers.CleanMultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": env_int("API_PAGE_SIZE", 50, minimum=1),
    # Adds the error statuses (400, 403, 404, 409, …) to every operation of the schema.
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
    "DATETIME_FORMAT": "iso-8601",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Một Cửa tracker API",
    "DESCRIPTION": "Hồ sơ thủ tục hành chính tại Bộ phận Một cửa / One-stop counter dossiers.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its UIs are for staff and the systems they connect, not for the public.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.schema.relax_formats"],
    # Several apps have a "channel" and a "status": name the dossier ones so names stay stable.
    "ENUM_NAME_OVERRIDES": {
        "DossierChannelEnum": "dossiers.models.Channel",
        "DossierStatusEnum": "dossiers.models.Status",
        "FeedbackChannelEnum": "feedback.models.FeedbackItem.Channel",
        "FeedbackStatusEnum": "feedback.models.FeedbackItem.Status",
        "ReadyCheckResultEnum": "config.views.CHECK_RESULTS",
    },
}

# Field-level history of every audited model. Only a restore turns it off (`loaddata` would
# otherwise add history rows for the group memberships it loads): docs/deployment.md.
SIMPLE_HISTORY_ENABLED = env_bool("SIMPLE_HISTORY_ENABLED", True)

# `dumpdata --format xml` drops control characters left in old rows instead of aborting
# (config/serializers_xml.py, docs/deployment.md "Backup and restore").
SERIALIZATION_MODULES = {"xml": "config.serializers_xml"}

# How often (seconds) a process re-checks the shared calendar version, so that an
# override saved in one worker reaches the others.
CALENDAR_VERSION_CHECK_SECONDS = env_int("CALENDAR_VERSION_CHECK_SECONDS", 5, minimum=0)

# Apology letters (domain.md "Apology letters"; both marked "verify" there, so kept as settings).
APOLOGY_MAX_RESCHEDULES = env_int("APOLOGY_MAX_RESCHEDULES", 1, minimum=1)
APOLOGY_WARNING_WORKING_DAYS = env_int("APOLOGY_WARNING_WORKING_DAYS", 1, minimum=0)

# Targets of the source plan shown beside each report figure. Keys left out keep the defaults
# in reporting/targets.py (on_time_rate 0.98, max_late_share 0.02, apology_coverage 1.0,
# online_services_share 0.80, online_processing_rate 1.0); an unknown key fails at first use.
REPORT_TARGETS: dict[str, float] = {}

# Citizen satisfaction (SIPAS) and feedback (GYPAKN): docs/feedback.md. Checked at start-up
# by feedback/checks.py.
# Satisfaction target by year: the entry with the latest year not after the report's year applies.
SATISFACTION_TARGET = {2018: 0.90, 2025: 0.95}
# Calendar days after the first rating during which the applicant may change it.
SATISFACTION_CHANGE_DAYS = env_int("SATISFACTION_CHANGE_DAYS", 7, minimum=0)
# Working days to answer a feedback item, and per-category overrides ("comment", "complaint",
# "recommendation"), e.g. {"complaint": 15}.
FEEDBACK_RESPONSE_WORKING_DAYS = env_int("FEEDBACK_RESPONSE_WORKING_DAYS", 10, minimum=1)
FEEDBACK_RESPONSE_WORKING_DAYS_BY_CATEGORY: dict[str, int] = {}
# Public pages (rating, feedback form, answer look-up): POSTs per client address per 10 minutes.
FEEDBACK_PUBLIC_SUBMIT_LIMIT = env_int("FEEDBACK_PUBLIC_SUBMIT_LIMIT", 5, minimum=1)
FEEDBACK_PUBLIC_LOOKUP_LIMIT = env_int("FEEDBACK_PUBLIC_LOOKUP_LIMIT", 20, minimum=1)
# Guesses of a dossier's code + last 4 phone digits (/tra-cuu/ and /danh-gia/ together): per
# client address (IPv6 by /64) per 10 minutes, and failed ones per code per hour from any address.
PUBLIC_GUESS_LIMIT = env_int("PUBLIC_GUESS_LIMIT", 20, minimum=1)
PUBLIC_GUESS_PER_CODE_LIMIT = env_int("PUBLIC_GUESS_PER_CODE_LIMIT", 10, minimum=1)

# Personal data (Law 91/2025/QH15, Decree 356/2025; docs/privacy.md). Years a closed dossier keeps
# its applicant's personal data; `anonymise_dossiers` replaces it afterwards. Set it to the
# agency's archive schedule (danh mục hồ sơ, thời hạn bảo quản) for one-stop dossiers.
PERSONAL_DATA_RETENTION_YEARS = env_int("PERSONAL_DATA_RETENTION_YEARS", 5, minimum=1)
