"""Settings for the HumanGlue backend, read from the environment (django-environ).

DATABASE_URL   PostgreSQL to use; unset = the embedded PostgreSQL 18 in .data/postgres/.
REDIS_URL      channel layer for many processes; unset = in-memory layer (one process).
SECRET_KEY     required when DEBUG is off; a development default (with a warning) otherwise.
DEBUG          default on for development.
HUMANGLUE_CONNECT_AS  owner (default: commands, migrations) or request (set by asgi.py: the LOGIN role).
DATABASE_REQUEST_URL  the request connection in full; unset = DATABASE_URL's server as humanglue_web.
ALLOWED_HOSTS  comma-separated; default localhost names.
PAYMENTS_WEBHOOK_SECRET  shared secret of the payments webhook's HMAC signature; unset = a development
               secret when DEBUG is on, and the webhook refuses every event (503) when DEBUG is off.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import environ
import structlog
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

DEV_SECRET_KEY = "django-insecure-humanglue-development-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or SECRET_KEY.startswith("django-insecure")
                  or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    # Production refuses to start rather than sign sessions and tokens with a guessable key.
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of 50 characters or more when DEBUG "
                               "is off (python -c 'import secrets; print(secrets.token_urlsafe(64))').")
if not SECRET_KEY:
    SECRET_KEY = DEV_SECRET_KEY
    if "pytest" not in sys.modules:
        print("WARNING: SECRET_KEY is not set; using the development key (never in production).",
              file=sys.stderr)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])

INSTALLED_APPS = [
    "humanglue.admin.site.HumanGlueAdminConfig",  # django.contrib.admin with the project's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",  # refresh rotation and logout revoke refresh tokens
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "channels",
    "import_export",  # CSV export of the admin's lists (humanglue.admin.base.ContractModelAdmin)
    "django_structlog",
    "humanglue",
    "organizations",
    "assessments",
    "workshops",
    "instructors",
    "talent",
    "payments",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (the admin's CSS and JavaScript, the API docs) from the ASGI app itself, in every mode.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: every request below runs in one transaction under the app role.
    "humanglue.security.middleware.SecurityContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # One structured log line per request (request_id, user_id, status), after authentication.
    "django_structlog.middlewares.RequestMiddleware",
]

ROOT_URLCONF = "humanglue.urls"
ASGI_APPLICATION = "humanglue.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# --- Database -------------------------------------------------------------------------------------
EMBEDDED_POSTGRES_DATA_DIR = Path(env.str("HUMANGLUE_PGDATA", default=str(BASE_DIR / ".data" / "postgres")))
EMBEDDED_POSTGRES_DATABASE = env.str("HUMANGLUE_DB_NAME", default="humanglue")

if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    USING_EMBEDDED_POSTGRES = False
else:
    DATABASES = {
        "default": {
            "ENGINE": "humanglue.embedded.backend",
            "NAME": EMBEDDED_POSTGRES_DATABASE,
            "USER": "postgres",
            "HOST": "",
            "PORT": "",
        }
    }
    USING_EMBEDDED_POSTGRES = True

# Request traffic (the ASGI server: asgi.py sets HUMANGLUE_CONNECT_AS=request) connects as the LOGIN
# role humanglue_web, which is neither the owner nor a superuser nor BYPASSRLS and can only become
# humanglue_app or humanglue_system; migrations and operator commands keep the owner's connection.
# DATABASE_REQUEST_URL gives that connection in full (a password, another host such as PgBouncer);
# unset, it is DATABASE_URL's server and database with the user humanglue_web.
# The owner's connection settings, kept before the request override below: the realtime listener LISTENs
# on a direct owner connection (never through a pooler, never as the request role).
DATABASE_OWNER = dict(DATABASES["default"])
DATABASE_CONNECTS_AS = env.str("HUMANGLUE_CONNECT_AS", default="owner")
if DATABASE_CONNECTS_AS not in ("owner", "request"):
    raise ImproperlyConfigured("HUMANGLUE_CONNECT_AS must be 'owner' or 'request'.")
if DATABASE_CONNECTS_AS == "request":
    if env.str("DATABASE_REQUEST_URL", default=""):
        DATABASES["default"] = env.db("DATABASE_REQUEST_URL")
    else:
        DATABASES["default"].update({"USER": "humanglue_web", "PASSWORD": ""})
    # The request connection may go through PgBouncer in transaction mode (deploy/pgbouncer.ini), where a
    # server-side cursor would not survive the end of a transaction; psycopg's client-side binding (Django's
    # default) sends no prepared statements either.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASE_CONNECTS_AS == "request":
    # Served traffic reuses connections from a psycopg pool (Django's answer for ASGI, where each request
    # runs in its own thread and persistent connections would pile up). Safe: every request's context is
    # transaction-local (SET LOCAL), so a connection carries nothing from one request to the next.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
        "timeout": env.int("DATABASE_POOL_TIMEOUT", default=10),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organizations.User"
# Related people as the caller may name them (the admin's lists): a function ids -> {id: person}, named
# here so the platform layer does not import a domain app.
HUMANGLUE_PEOPLE_RESOLVER = "organizations.selectors.people_by_id"
SESSION_ENGINE = "humanglue.security.sessions"  # sessions only in the system context
AUTHENTICATION_BACKENDS = ["organizations.backends.EmailBackend"]
# Paths that read no contract table and run outside the request security context.
SECURITY_CONTEXT_EXEMPT_PATHS = ["/healthz", "/static/", "/api/schema/", "/api/docs/", "/api/redoc/"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / ".data" / "static"
# `make run` collects into STATIC_ROOT; with DEBUG on, WhiteNoise also finds files in the apps directly,
# so a test server or a fresh checkout serves them without collecting first.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Channels -------------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CHANNEL_GROUP_EXPIRY = env.int("CHANNEL_GROUP_EXPIRY", default=86400)  # seconds a group membership lasts
if REDIS_URL:
    CHANNEL_LAYERS = {
        # No client-side read timeout: a socket's receive is a blocking BZPOPMIN, and redis-py 8 defaults
        # socket_timeout to 5 s, which would end every quiet websocket after 5 s (channels_redis#422).
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                    "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": None}], "capacity": 1000,
                               "group_expiry": CHANNEL_GROUP_EXPIRY}}
    }
else:
    # Capacity per channel: room for bursts (the realtime consumer drains its channel at once into its own
    # bounded queue and resyncs on overflow). A group message that still finds a socket's channel full
    # replaces what is pending there by a resync (the socket replays notifications from its cursor and
    # tells the client to refetch) instead of vanishing as in Channels' own layers.
    CHANNEL_LAYERS = {"default": {"BACKEND": "humanglue.channels_layer.SweepingInMemoryChannelLayer",
                                  "CONFIG": {"capacity": 1000, "group_expiry": CHANNEL_GROUP_EXPIRY,
                                             "overflow_message": {"type": "rt.resync", "reason": "slow_client"}}}}

# --- Realtime (spec 40; notifications.realtime) -----------------------------------------------------
# The listener runs inside the ASGI process (its lifespan); off for processes that must not publish.
REALTIME_LISTENER = env.bool("REALTIME_LISTENER", default=True)
REALTIME_TICK_INTERVAL = env.float("REALTIME_TICK_INTERVAL", default=5.0)  # cursor tick while there is traffic
REALTIME_IDLE_TICK_INTERVAL = env.float("REALTIME_IDLE_TICK_INTERVAL", default=60.0)  # cursor tick anyway
REALTIME_PRESENCE_SWEEP_INTERVAL = env.float("REALTIME_PRESENCE_SWEEP_INTERVAL", default=60.0)
REALTIME_NOTIFICATION_PURGE_INTERVAL = env.float("REALTIME_NOTIFICATION_PURGE_INTERVAL", default=86400.0)
REALTIME_LEADER_RETRY_INTERVAL = env.float("REALTIME_LEADER_RETRY_INTERVAL", default=2.0)
REALTIME_HEARTBEAT_INTERVAL = env.int("REALTIME_HEARTBEAT_INTERVAL", default=30)
REALTIME_IDLE_TIMEOUT = env.float("REALTIME_IDLE_TIMEOUT", default=90.0)  # close 4408 after this silence
# Sockets renew their group memberships this often (the layer drops older ones after CHANNEL_GROUP_EXPIRY).
REALTIME_GROUP_REFRESH_INTERVAL = env.float("REALTIME_GROUP_REFRESH_INTERVAL", default=3600.0)
REALTIME_SOCKET_QUEUE = env.int("REALTIME_SOCKET_QUEUE", default=1000)  # per-socket backlog before resync
REALTIME_REPLAY_LIMIT = env.int("REALTIME_REPLAY_LIMIT", default=500)
# What health reports of the listener, named here so the platform layer does not import a domain app.
HUMANGLUE_LISTENER_STATE = "notifications.realtime.listener.health_state"
HUMANGLUE_LISTENER_APPLICATION_NAME = "humanglue_realtime_listener"
HUMANGLUE_LISTENER_LOCK_KEY = 0x68675F7274  # pg_try_advisory_lock key of the publishing listener ("hg_rt")

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "humanglue.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "humanglue.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    # Without this every operation would document a 404 for ?format= (drf-standardized-errors 0.16 notes).
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_THROTTLE_RATES": {
        "login_address": env.str("THROTTLE_LOGIN_ADDRESS", default="30/min"),
        "login_account": env.str("THROTTLE_LOGIN_ACCOUNT", default="10/min"),
        "anonymous_form": env.str("THROTTLE_ANONYMOUS_FORM", default="20/hour"),
    },
    # Throttles take the client address from X-Forwarded-For only behind that many proxies.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}
DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "humanglue.api.errors.ExceptionHandler",
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True,
    # 409: unique and exclusion violations, conflicts with concurrent work (humanglue/db_errors.py).
    "ALLOWED_ERROR_STATUS_CODES": ["400", "401", "403", "404", "405", "406", "409", "415", "429", "500"],
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,  # the login view records last_login itself, in the system context
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "HumanGlue API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ValidationErrorEnum": "drf_standardized_errors.openapi_serializers.ValidationErrorEnum.choices",
        "ClientErrorEnum": "drf_standardized_errors.openapi_serializers.ClientErrorEnum.choices",
        "ServerErrorEnum": "drf_standardized_errors.openapi_serializers.ServerErrorEnum.choices",
        "ErrorCode401Enum": "drf_standardized_errors.openapi_serializers.ErrorCode401Enum.choices",
        "ErrorCode403Enum": "drf_standardized_errors.openapi_serializers.ErrorCode403Enum.choices",
        "ErrorCode404Enum": "drf_standardized_errors.openapi_serializers.ErrorCode404Enum.choices",
        "ErrorCode405Enum": "drf_standardized_errors.openapi_serializers.ErrorCode405Enum.choices",
        "ErrorCode406Enum": "drf_standardized_errors.openapi_serializers.ErrorCode406Enum.choices",
        "ErrorCode415Enum": "drf_standardized_errors.openapi_serializers.ErrorCode415Enum.choices",
        "ErrorCode429Enum": "drf_standardized_errors.openapi_serializers.ErrorCode429Enum.choices",
        "ErrorCode500Enum": "drf_standardized_errors.openapi_serializers.ErrorCode500Enum.choices",
        # Several tables have a "status" column of their own enum: name each after its type.
        "CourseStatusEnum": "organizations.enums.CourseStatus",
        "EnrollmentStatusEnum": "organizations.enums.EnrollmentStatus",
        "UserStatusEnum": "organizations.models.UserStatus",
        "PillarEnum": "organizations.enums.AiPillar",
        "WorkshopStatusEnum": "organizations.enums.WorkshopStatus",
        "RegistrationStatusEnum": "organizations.enums.RegistrationStatus",
        "AttendanceStatusEnum": [("attended", "Attended"), ("no_show", "No show")],
    },
    "POSTPROCESSING_HOOKS": ["drf_standardized_errors.openapi_hooks.postprocess_schema_enums"],
}

# --- Payments webhook ------------------------------------------------------------------------------
# The provider signs each event with this secret (payments.services.verify_signature). The development
# secret is public (README): it is used only with DEBUG on; without DEBUG an unset secret turns the webhook off.
DEV_PAYMENTS_WEBHOOK_SECRET = "whsec_humanglue_development_only"
PAYMENTS_WEBHOOK_SECRET = env.str("PAYMENTS_WEBHOOK_SECRET", default="") or (
    DEV_PAYMENTS_WEBHOOK_SECRET if DEBUG else "")

# --- Cache (throttles): Redis when REDIS_URL is set, else this process's memory ------------------
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- E-mail (password reset, invitations) --------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="HumanGlue <no-reply@humanglue.local>")
# Where the links in those e-mails point (the web app's pages that call the API).
FRONTEND_URL = env.str("FRONTEND_URL", default="http://localhost:3000")
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# --- Logs: structlog, one event per line; JSON in production, readable text in development -------
LOG_FORMAT = env.str("LOG_FORMAT", default="console" if DEBUG else "json")
if LOG_FORMAT not in ("console", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be 'console' or 'json'.")
_LOG_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
]
structlog.configure(
    processors=[structlog.stdlib.filter_by_level, *_LOG_PROCESSORS],
    logger_factory=structlog.stdlib.LoggerFactory(),
    cache_logger_on_first_use=True,
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # Records of plain logging (Django, uvicorn) get the same timestamp and level fields.
        "structured": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processor": (structlog.processors.JSONRenderer() if LOG_FORMAT == "json"
                          else structlog.dev.ConsoleRenderer(colors=False)),
            "foreign_pre_chain": _LOG_PROCESSORS[:-1],
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        # The request log of django-structlog: every request at INFO in production, quiet in development.
        "django_structlog": {"level": env.str("REQUEST_LOG_LEVEL", default="WARNING" if DEBUG else "INFO")},
    },
}
DJANGO_STRUCTLOG_CELERY_ENABLED = False

# --- Production: behind a TLS-terminating proxy (deploy/README section of README.md) --------------
if not DEBUG:
    # The proxy terminates TLS and says so in X-Forwarded-Proto; only trust it behind a proxy that sets it.
    if env.bool("BEHIND_TLS_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's plain-HTTP health probe
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
