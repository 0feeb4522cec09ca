"""Production settings: refuse to start without secrets, and pass Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="portal.settings.production")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    result = manage("check", ALLOWED_HOSTS="portal.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_bad_value_is_named():
    result = manage("check", SECRET_KEY="x" * 60, ALLOWED_HOSTS="a.org", SECURE_HSTS_SECONDS="soon")
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS" in result.stderr


def test_check_deploy_prints_no_warning():
    secret = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secret, ALLOWED_HOSTS="portal.example.org"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "WARNINGS" not in result.stdout


def cache_backend(**env: str) -> str:
    secret = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = manage(
        "shell", "-v", "0", "-c", code, SECRET_KEY=secret, ALLOWED_HOSTS="portal.example.org", **env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_workers_share_the_database_cache_by_default():
    # allauth's sign-in limits count in the cache; a cache per worker would let each count alone.
    assert cache_backend(REDIS_URL="") == "django.core.cache.backends.db.DatabaseCache"


def test_redis_url_switches_production_to_redis():
    assert (
        cache_backend(REDIS_URL="redis://127.0.0.1:6379/0") == "django.core.cache.backends.redis.RedisCache"
    )


def test_a_bad_api_rate_is_named():
    result = manage("check", SECRET_KEY="x" * 60, ALLOWED_HOSTS="a.org", API_ANON_RATE="lots")
    assert result.returncode != 0
    assert "API_ANON_RATE" in result.stderr
