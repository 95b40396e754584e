"""Settings shared by every environment. Deploy-time values come from the environment."""

import importlib.util
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from lms import observability

from .env import env_bool, env_choice, env_int, env_list, env_required, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0000")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Project apps, in the one-way order of ARCHITECTURE.md.
    "lms",
    "outbox",
    "localities",
    "accounts",
    "content",
    "assessments",
    "courses",
    "notifications",
    "reports",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "polymorphic",
    "axes",
    "csp",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # A request id on every log line (lms/observability.py); /healthz and /readyz answered before the host
    # check and the HTTPS redirect, which a load balancer's probe would fail (lms/health.py).
    "lms.observability.RequestIdMiddleware",
    "lms.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Compresses HTML and JSON for browsers that offer gzip (mobile data costs money). Above every
    # middleware that reads or changes the body. Django pads each compressed body with random bytes
    # against BREACH (Django 4.2+). Static files are not its business: WhiteNoise/nginx serve them
    # already compressed. A proxy that compresses too (nginx `gzip on`) sees Content-Encoding and leaves
    # the body alone.
    "django.middleware.gzip.GZipMiddleware",
    # Content-Security-Policy on every response (lms/csp.py picks the admin's looser policy by path).
    "lms.csp.PathPolicyCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.middleware.CookieLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, taking the user read with the session (lms/sessions.py).
    "lms.sessions.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Report pages read from DATABASE_REPLICA_URL when it is set (lms/db_router.py).
    "lms.db_router.ReplicaReadsMiddleware",
    # A learner whose commune a reform merged or split confirms it before going on (accounts/middleware.py).
    "accounts.middleware.CommuneConfirmationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # 404 on Wagtail admin views of another unit's local lesson (courses/admin_scope.py).
    "courses.admin_scope.HideOutOfScopePagesMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# DATABASE_URL selects PostgreSQL (or any dj-database-url URL); unset means embedded SQLite.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Write-ahead log: readers never wait for the writer, and a commit appends to the log instead of syncing
    # the database file (opening a lesson writes its clock: ~20 ms per request with the default journal,
    # 0.15 ms with this). A power cut may lose the last commits, never corrupt the file.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")


# PostgreSQL: a query run again on a connection is prepared once and then only executed (psycopg binds the values
# on the server and prepares a statement after 5 runs). The learner pages' queries spent more time being planned
# than run (lesson page: 0.7 of 0.9 ms); off with DATABASE_PREPARED_STATEMENTS=false, e.g. behind a PgBouncer
# older than 1.21 in transaction mode (see docs/operations.md).
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)


def _postgres_options(database: dict) -> dict:
    """PostgreSQL: no JIT compilation. The polymorphic question query joins eleven tables; on tables not yet
    analysed its estimated cost passes jit_above_cost and each run compiled ~300 ms of machine code for a
    5-row answer, which sank the load test (quiz pages 34 s p50). Our queries are short; JIT never pays.
    Prepared statements as DATABASE_PREPARED_STATEMENTS says."""
    if database["ENGINE"].endswith("postgresql"):
        options = database.setdefault("OPTIONS", {})
        options["options"] = "-c jit=off"
        if DATABASE_PREPARED_STATEMENTS:
            options.update(server_side_binding=True, prepare_threshold=5)
    return database


_postgres_options(DATABASES["default"])
# Several nodes: report pages and the report rebuild read from a replica when DATABASE_REPLICA_URL is set
# (lms/db_router.py); everything else, and every write, goes to the primary.
DATABASE_REPLICA_URL = env_url("DATABASE_REPLICA_URL", ("postgres", "postgresql", "sqlite"))
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = _postgres_options(dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests: the replica is the test database itself
DATABASE_ROUTERS = ["lms.db_router.ReplicaRouter"]
REPLICA_READ_PATHS = ["/reports/", "/admin/reports/statistics/"]  # GET requests under these read the replica
# ... except an export job's pages: the job was just written on the primary, a lagging replica would 404 it.
REPLICA_SKIP_PATHS = ["/reports/jobs/", "/admin/reports/statistics/jobs/"]
REPLICA_READ_TASKS = ["reports.rebuild_summaries", "reports.check_summary_drift"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Several nodes: nothing a request needs lives in one process. Sessions in the database (default) or, with
# SESSION_STORE=cached_db, read through the shared cache; the cache in Redis when CACHE_URL is set (a
# per-process memory cache otherwise, fine for one node).
CACHE_URL = env_url("CACHE_URL", ("redis", "rediss"))
if CACHE_URL:
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "lms"),
        # A cache that is down must not hold a request: short timeouts, the page is built without it.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
_SESSION_ENGINES = {"db": "lms.sessions",  # database sessions read with their user in one query
                    "cached_db": "lms.cached_sessions"}
SESSION_ENGINE = _SESSION_ENGINES[env_choice("SESSION_STORE", "db", tuple(_SESSION_ENGINES))]
if SESSION_ENGINE == "lms.cached_sessions" and not CACHE_URL:
    raise ImproperlyConfigured("SESSION_STORE=cached_db needs CACHE_URL: a per-process cache is not shared")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out credentials before any password check.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UsernameOrPhoneBackend",
]
# Argon2 first, as Django's password docs recommend: a sign-in verifies in ~0.19 s of CPU on a 2-core server
# against ~0.39 s for PBKDF2 at Django's 1,000,000 iterations, and sign-ins were the costliest request of the
# load test. Older hashes still verify and are rewritten as Argon2 at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Lockout per account + IP address: commune offices share one address, so locking a
# whole IP would shut out every official in the office after one person's mistakes.
# The "username" axes counts is the account the identifier resolves to (any case, any phone
# spelling), see accounts/lockout.py. Lockouts live in the database (axes' database handler, named here so
# that no setting swaps it for a per-process one): a lockout recorded on one node holds on every node.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
# How many reverse proxies of ours (nginx, a load balancer) stand in front of the app. 0: the
# connection's address is the client's and X-Forwarded-For is ignored (a client could forge it);
# N: the client is the Nth address from the right of X-Forwarded-For.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more, got {TRUSTED_PROXY_COUNT}")

# Content-Security-Policy (django-csp 4, see lms/csp.py and docs/security.md). The site's pages
# run no inline script and carry no inline style. Video embeds (YouTube, Vimeo) are the only
# third-party frames; EMBED_FRAME_SOURCES (comma-separated origins) replaces the list.
EMBED_FRAME_SOURCES = env_list("EMBED_FRAME_SOURCES", [
    "https://www.youtube.com", "https://www.youtube-nocookie.com", "https://player.vimeo.com",
])
_CSP_COMMON = {
    "default-src": [SELF],
    "connect-src": [SELF],
    "font-src": [SELF],
    "media-src": [SELF],
    "frame-src": [SELF, *EMBED_FRAME_SOURCES],
    "form-action": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **_CSP_COMMON,
        "script-src": [SELF, NONCE],  # the nonce appears only when a template asks for it
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
    },
}
# Wagtail's admin writes inline scripts and styles (wagtail/wagtail#1288); no nonce here, since a
# nonce would make browsers ignore 'unsafe-inline'. Its page preview is a same-origin frame.
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **_CSP_COMMON,
        "script-src": [SELF, "'unsafe-inline'"],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "frame-ancestors": [SELF],
    },
}
# No calls from the admin to third parties: avatars from Gravatar would send a hash of each
# official's e-mail abroad, and the update check would be blocked by connect-src anyway.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# New learner accounts: usable at once, or only after a manager approves them.
ACCOUNTS_REQUIRE_APPROVAL = env_bool("ACCOUNTS_REQUIRE_APPROVAL", False)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
# lms/locale: the project's own strings (rebuilt by `make makemessages`). lms/locale_admin: a complete Vietnamese
# translation of the Wagtail and Django admin strings (upstream's covers about one in seven); any LOCALE_PATHS
# entry overrides the apps' catalogues. It comes second because makemessages writes the strings of apps without
# a locale folder into the first entry; the project's msgids are Vietnamese, so the two never share a msgid
# (tests/lms/test_admin_vietnamese.py checks it).
LOCALE_PATHS = [BASE_DIR / "lms" / "locale", BASE_DIR / "lms" / "locale_admin"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["lms.formats"]
WAGTAIL_I18N_ENABLED = False
# Page slugs in ASCII, as people type them: "Loa truyền thanh" → "loa-truyen-thanh", not /loa-truy%E1%BB%81n-….
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "static_collected")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Learner exports, quiz file answers, certificate PDFs (lms/storage.py): never under MEDIA_ROOT.
    "private": {"BACKEND": "lms.storage.PrivateFileSystemStorage"},
}
# Uploads every node sees: MEDIA_ROOT and PRIVATE_MEDIA_ROOT on a shared directory (NFS, a volume), or
# MEDIA_STORAGE=s3 for S3-compatible object storage through django-storages (extra `lms[s3]`, docs/operations.md).
MEDIA_STORAGE = env_choice("MEDIA_STORAGE", "filesystem", ("filesystem", "s3"))
if MEDIA_STORAGE == "s3":
    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs django-storages: pip install 'lms[s3]'")
    _S3 = {
        "bucket_name": env_required("S3_BUCKET"),
        "endpoint_url": env_str("S3_ENDPOINT_URL", "") or None,
        "region_name": env_str("S3_REGION", "") or None,
        "access_key": env_str("S3_ACCESS_KEY_ID", "") or None,
        "secret_key": env_str("S3_SECRET_ACCESS_KEY", "") or None,
        "file_overwrite": False,
    }
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage",
                           "OPTIONS": {**_S3, "location": "media", "querystring_auth": False}}
    STORAGES["private"] = {"BACKEND": "lms.storage.PrivateS3Storage",
                           "OPTIONS": {**_S3, "location": "private", "default_acl": "private"}}
# Private files: served only by views that check who asks; "django" streams them from the app,
# "nginx" answers X-Accel-Redirect to an `internal` location at PRIVATE_MEDIA_ACCEL_PREFIX (docs/security.md).
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))
PRIVATE_MEDIA_SERVE = env_str("PRIVATE_MEDIA_SERVE", "django")
PRIVATE_MEDIA_ACCEL_PREFIX = env_str("PRIVATE_MEDIA_ACCEL_PREFIX", "/_private/")
# A learner export may be downloaded for this long, then it is deleted (it holds names and phones).
EXPORT_TTL_HOURS = env_int("EXPORT_TTL_HOURS", 24)
# An export running without progress for this long lost its worker: it is retried, then marked failed.
EXPORT_STALE_MINUTES = env_int("EXPORT_STALE_MINUTES", 15)
# Storage for one learner's quiz file answers, all attempts together.
QUIZ_ANSWER_QUOTA_BYTES = env_int("QUIZ_ANSWER_QUOTA_MB", 20) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)

WAGTAIL_SITE_NAME = env_str("WAGTAIL_SITE_NAME", "Bồi dưỡng thông tin cơ sở")
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "txt", "mp3", "m4a",
                          "ogg", "mp4", "zip"]

# Celery: CELERY_BROKER_URL selects a broker; unset means tasks run eagerly in-process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "") or None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# Short broker timeouts: publishing after commit must not hold a request when the broker is down
# (the outbox keeps the task). visibility_timeout: an unacknowledged task (its worker died) goes
# back to the queue after this long; it must exceed the longest task.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# PDF rendering is slow and CPU-bound: its own queue, so e-mail and the relay never wait behind it.
CELERY_TASK_ROUTES = {"courses.render_certificate": {"queue": "slow"}}
# Entries whose task is not installed are skipped by the scheduler (see lms/celery.py).
CELERY_BEAT_SCHEDULER = "lms.celery:InstalledTasksScheduler"
CELERY_BEAT_SCHEDULE = {
    "outbox-relay": {"task": "outbox.relay", "schedule": env_int("OUTBOX_RELAY_SECONDS", 15)},
    "outbox-purge": {"task": "outbox.purge_sent", "schedule": 24 * 3600},
    "close-overdue-attempts": {"task": "assessments.close_overdue_attempts", "schedule": 60},
    "inactivity-reminders": {"task": "notifications.send_reminders", "schedule": 6 * 3600},
    "class-invitations": {"task": "notifications.send_class_invitations", "schedule": 120},
    "rebuild-summaries": {"task": "reports.rebuild_summaries", "schedule": 24 * 3600},
    # Learners marked for a recount whose wake-up was lost (broker down, a worker killed) wait at most this.
    "recount-sweep": {"task": "reports.recount_pending", "schedule": env_int("RECOUNT_SWEEP_SECONDS", 30)},
    "check-summary-drift": {"task": "reports.check_summary_drift", "schedule": 3600},
    "cleanup-expired-exports": {"task": "reports.cleanup_expired_exports", "schedule": 3600},
    "recover-stuck-exports": {"task": "reports.recover_stuck_exports", "schedule": 300},
    "requeue-stuck-certificates": {"task": "courses.requeue_stuck_certificates", "schedule": 600},
    "clear-expired-sessions": {"task": "lms.clear_expired_sessions", "schedule": 24 * 3600},
}
# A learner with no learning activity for this many days gets a reminder (at most one a week).
NOTIFICATIONS_REMINDER_DAYS = env_int("NOTIFICATIONS_REMINDER_DAYS", 7)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "lms@localhost")

# LOG_FORMAT=json (production default): one JSON object a line with the request id (lms/observability.py).
LOG_FORMAT = env_choice("LOG_FORMAT", "text", ("text", "json"))
LOGGING = observability.logging_config(env_str("LOG_LEVEL", "INFO").upper(), LOG_FORMAT)
# The worker logs through LOGGING above (JSON, request id) instead of replacing the root logger.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Optional error reporting: set SENTRY_DSN and install the extra `lms[sentry]`.
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    observability.init_sentry(SENTRY_DSN, env_str("SENTRY_ENVIRONMENT", "production"))
