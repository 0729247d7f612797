"""Settings of the salon booking app's Django backend (its myPOS part).

Without MYPOS_CLIENT_ID in the environment the app talks to a sandbox it starts in the process
(development). With it, MYPOS_CLIENT_ID, MYPOS_CLIENT_SECRET, MYPOS_PARTNER_ID,
MYPOS_APPLICATION_ID (and MYPOS_GATEWAY_URL, the demo gateway by default) name your partner
integration. Merchants' secrets are encrypted in the database with the Fernet keys in
CREDENTIALS_KEYS (comma-separated, newest first; `python -c "from cryptography.fernet import
Fernet; print(Fernet.generate_key().decode())"` makes one); without it, a key derived from
SECRET_KEY, for development only. With MYPOS_REDIS_URL and MYPOS_TOKEN_KEY (`openssl rand
-base64 32`), every worker process shares one partner token and one session per merchant
through Redis (README, "Many processes").
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
env = os.environ

SECRET_KEY = env.get("DJANGO_SECRET_KEY", "development only: set DJANGO_SECRET_KEY")
DEBUG = env.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]

INSTALLED_APPS = ["merchants"]
# A JSON API without cookies: no sessions, no CSRF. Put your authentication in front of it
# (and CSRF protection, if it uses cookies).
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "merchants.middleware.JsonErrors",
]
ROOT_URLCONF = "salon.urls"
WSGI_APPLICATION = "salon.wsgi.application"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"

MYPOS = {
    "GATEWAY_URL": env.get("MYPOS_GATEWAY_URL", "https://demo-api-gateway.mypos.com"),
    "CLIENT_ID": env.get("MYPOS_CLIENT_ID"),  # None: a sandbox in this process
    "CLIENT_SECRET": env.get("MYPOS_CLIENT_SECRET"),
    "PARTNER_ID": env.get("MYPOS_PARTNER_ID"),
    "APPLICATION_ID": env.get("MYPOS_APPLICATION_ID"),
    "TIMEOUT": 30.0,  # seconds per call, retries included
    "REDIS_URL": env.get("MYPOS_REDIS_URL"),  # None: each process keeps its own tokens
    "TOKEN_KEY": env.get("MYPOS_TOKEN_KEY"),  # encrypts tokens and sessions in Redis
}
CREDENTIALS_KEYS = [key for key in env.get("CREDENTIALS_KEYS", "").split(",") if key]
