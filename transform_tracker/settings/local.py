"""The zero-setup default: `make run` on a laptop, SQLite unless DATABASE_URL says
otherwise. Never used in production (see production.py)."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", default=True)
# A fresh random key per process is fine locally: sessions simply end on restart
# unless DJANGO_SECRET_KEY is set.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or os.urandom(32).hex()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
