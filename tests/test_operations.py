"""What operators rely on, under production settings in a process of its own:
errors logged to standard error as one JSON event a line, and a bad Host header
answered 400, not 500."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import django
django.setup()
from django.test import Client
from django.test.utils import override_settings
client = Client(raise_request_exception=False, HTTP_X_FORWARDED_PROTO="https")
with override_settings(ROOT_URLCONF="tests.crash_urls"):
    crash = client.get("/crash/", HTTP_HOST="localhost")
bad_host = client.get("/", HTTP_HOST="attacker.example")
print(crash.status_code, bad_host.status_code)
"""


def _events(stderr):
    # Python's own warnings (no collected static files here) are not log events.
    return [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]


def _run_under_production_settings():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="transform_tracker.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        # Neither request touches the database: no session cookie is sent.
        DATABASE_URL="sqlite:////tmp/unused-operations-test.sqlite3",
        DJANGO_ALLOWED_HOSTS="localhost",
    )
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def test_production_logs_a_500_as_one_json_line_with_its_traceback():
    result = _run_under_production_settings()

    events = _events(result.stderr)
    errors = [e for e in events if e["logger"] == "django.request"]
    assert result.stdout.split()[0] == "500"
    assert len(errors) == 1
    assert errors[0]["level"] == "ERROR"
    assert errors[0]["path"] == "/crash/"
    assert errors[0]["status_code"] == 500
    assert errors[0]["exception"] == "RuntimeError"
    assert "deliberate failure for the logging test" in errors[0]["traceback"]
    assert 'raise RuntimeError("deliberate' in errors[0]["traceback"]


def test_a_bad_host_header_is_a_400_under_production_settings():
    result = _run_under_production_settings()

    events = _events(result.stderr)
    assert result.stdout.split()[1] == "400"
    assert any(e["logger"] == "django.security.DisallowedHost" for e in events)
