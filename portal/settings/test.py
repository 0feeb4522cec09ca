"""Tests: fast hashing, in-memory cache and mail, plain static files."""

import atexit
import shutil
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "template_fragments": STAMPED_CACHE,  # noqa: F405
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
ELASTICSEARCH_INDEX_PREFIX = "test_portal"
# The suite calls the API from one address; the throttle's own test sets a low rate.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"anon": "100000/minute"}  # noqa: F405
WHITENOISE_AUTOREFRESH = True
# Tasks run at once, after the commit that queued them, so a test sees their effect (catalog.tasks).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Uploads made by tests stay out of the checkout, in a folder of this run's own (CI runs the suite on SQLite
# and on PostgreSQL at the same time), removed when the run ends.
_UPLOADS = Path(tempfile.mkdtemp(prefix="portal-test-uploads-"))
atexit.register(shutil.rmtree, _UPLOADS, ignore_errors=True)
MEDIA_ROOT = _UPLOADS / "media"
PRIVATE_MEDIA_ROOT = _UPLOADS / "private-media"
