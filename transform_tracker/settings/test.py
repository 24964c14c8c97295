from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105 - the test settings never serve anyone
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# live_server serves no hashed files, so tests use plain storage.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Files are looked up when asked for, not listed when the middleware is made: a test
# client makes the middleware afresh for every test, and listing the collected files
# (there after `make bench` or `make loadtest` ran collectstatic) took about 80 ms
# each time (the URL walk and views tests: 57 s with the listing, 49 s without).
WHITENOISE_AUTOREFRESH = True
