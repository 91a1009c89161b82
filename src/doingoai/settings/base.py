"""Settings of the platform. Everything that differs between machines comes from
``doingoai.settings.env``; nothing here names a particular city."""

from pathlib import Path

from . import env

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env.data_dir()

SECRET_KEY = env.secret_key(DATA_DIR)
DEBUG = env.flag("DEBUG")
ALLOWED_HOSTS = env.hosts()
CSRF_TRUSTED_ORIGINS = [
    f"{scheme}://{host}" for host in ALLOWED_HOSTS for scheme in ("http", "https")
    if not host.startswith(".")
]
PORT = env.integer("PORT", 8000, 1, 65535)

INSTALLED_APPS = [
    "doingoai.core",
    "doingoai.plans",
    "doingoai.monitoring",
    "doingoai.cases",
    "doingoai.library",
    "wagtail_localize",
    "wagtail_localize.locales",
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
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "doingoai.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "doingoai.core.middleware.RequestContextMiddleware",
    "doingoai.core.middleware.IdleTimeoutMiddleware",
    "doingoai.core.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "doingoai.urls"
WSGI_APPLICATION = "doingoai.wsgi.application"

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
                "django.template.context_processors.i18n",
                "doingoai.core.context_processors.organisation",
            ],
        },
    },
]

DATABASES = {"default": env.database(DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background jobs (django-tasks) ----------------------------------------------------------
TASKS_BACKEND = env.choice("TASKS_BACKEND", "database", ("database", "rq"))
REDIS_URL = env.url("REDIS_URL", ("redis", "rediss", "unix"), required=TASKS_BACKEND == "rq")
if TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
DOINGOAI_SCHEDULER_TICK = env.integer("SCHEDULER_TICK", 15, 1, 3600)

# --- Search (modelsearch, Wagtail's search layer) -------------------------------------------
SEARCH_BACKEND = env.choice("SEARCH_BACKEND", "database", ("database", "opensearch"))
OPENSEARCH_URL = env.url("OPENSEARCH_URL", ("http", "https"), required=SEARCH_BACKEND == "opensearch")
if SEARCH_BACKEND == "opensearch":
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "modelsearch.backends.opensearch2",
            "URLS": [OPENSEARCH_URL],
            "INDEX": "doingoai",
        }
    }
else:
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "modelsearch.backends.database"}}

# --- Cache: Redis when there is one (shared by all web processes), else local memory --------
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- E-mail ---------------------------------------------------------------------------------
globals().update(env.email(DATA_DIR))

# --- Sign-in and sessions -------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "doingoai.core.security.CharacterClassesValidator"},
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = env.integer("LOCKOUT_MINUTES", 15, 1, 24 * 60) / 60  # hours
# Locked per account: behind an office NAT many people share one address, so locking an
# address would lock out a whole department for one person's typos.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "doingoai.core.security.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.integer("PROXY_COUNT", 0, 0, 5) or None
IDLE_TIMEOUT_SECONDS = env.integer("IDLE_TIMEOUT_MINUTES", 30, 1, 24 * 60) * 60
SESSION_COOKIE_AGE = 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
OTP_TOTP_ISSUER = "doingoai"
WAGTAILADMIN_USER_LOGIN_FORM = "doingoai.core.forms.LoginForm"
LOGIN_URL = "wagtailadmin_login"
LOGIN_REDIRECT_URL = "wagtailadmin_home"

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["doingoai.formats"]
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"

# --- Static and media files --------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Folders of DATA_DIR holding files that no web server may serve (evidence, library files):
# the screens serve them after checking access; backups include them.
DOINGOAI_PRIVATE_FILES = ("evidence", "library")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Wagtail ----------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "doingoai"
WAGTAILADMIN_BASE_URL = env.url("BASE_URL", ("http", "https")) or f"http://localhost:{PORT}"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no calls to outside services from staff screens
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "doc", "xlsx", "odt", "txt", "csv", "zip"]

# --- Press monitoring -------------------------------------------------------------------------
# The unit whose people are told about silent sources and prepare the digest (task 9's lead).
DOINGOAI_MONITORING_UNIT = env.code("MONITORING_UNIT", "TTBCXB")
# A source that has published nothing for this many times its usual interval is "silent".
DOINGOAI_SILENCE_FACTOR = env.integer("SILENCE_FACTOR", 4, 2, 100)
# The daily digest covers the hours before it is compiled (its time is the schedule's, 07:00).
DOINGOAI_DIGEST_HOURS = env.integer("DIGEST_HOURS", 24, 1, 168)

# --- False information, complaints ----------------------------------------------------------
# The inspectorate leads task 10; with the press division and the centre it works on cases.
DOINGOAI_CASES_UNIT = env.code("CASES_UNIT", "TTS")
DOINGOAI_CASES_UNITS = [DOINGOAI_CASES_UNIT, "TTBCXB", "TTTT"]
# Claim matching: a new article this similar to a case's claim is suggested, or linked.
DOINGOAI_CLAIM_SUGGEST = 0.75
DOINGOAI_CLAIM_AUTO = 0.95
# Reports through the public form: at most this many an hour from one address.
DOINGOAI_REPORTS_PER_HOUR = env.integer("REPORTS_PER_HOUR", 5, 1, 1000)
# Evidence screenshots: headless Chromium from Debian (never a downloaded browser).
DOINGOAI_CHROMIUM = env.path("CHROMIUM", "/usr/bin/chromium")

# --- Sea-and-islands e-library --------------------------------------------------------------
# The unit that leads task 5 (told of items due for re-review).
DOINGOAI_LIBRARY_UNIT = env.code("LIBRARY_UNIT", "TTTT")
# Published items come back for re-review after this many months.
DOINGOAI_REVIEW_MONTHS = env.integer("REVIEW_MONTHS", 12, 1, 120)
# The largest file one may upload, in megabytes.
DOINGOAI_UPLOAD_MAX_MB = env.integer("UPLOAD_MAX_MB", 500, 1, 4096)
# OAI-PMH: the repository part of record identifiers (oai:<id>:library/<n>); set it once, for
# good (a domain name such as thuvien.example.gov.vn); empty: the host name of BASE_URL.
DOINGOAI_OAI_REPOSITORY_ID = env.host("OAI_REPOSITORY_ID")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "doingoai": {"level": "INFO"},
        "django_tasks": {"level": "WARNING"},
    },
}
