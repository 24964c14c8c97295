"""The zero-setup default: `make run` on a laptop, SQLite unless DATABASE_URL says
otherwise. Never used in production (see production.py)."""

import os
import secrets

from .base import *  # noqa: F403
from .base import BASE_DIR, env_bool

DEBUG = env_bool("DJANGO_DEBUG", default=True)


def _local_secret_key():
    """A random key made on first run and kept beside the SQLite file (git ignores
    it), so local sign-ins survive the autoreloader. Never used in production."""
    path = BASE_DIR / ".local_secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _local_secret_key()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
