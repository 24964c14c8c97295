"""make loadtest: gunicorn under production settings on loopback, a signed-in
session, and wrk with 32 connections on a department page for 60 seconds (bounded
in time, loopback only). Prints requests per second and errors.

Uses DATABASE_URL if set (PostgreSQL is what production uses); otherwise a throwaway
SQLite file. Loads the demo data into that database if it is empty."""

import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PORT = os.environ.get("LOADTEST_PORT", "8765")
DURATION = os.environ.get("LOADTEST_SECONDS", "60")
CONNECTIONS = os.environ.get("LOADTEST_CONNECTIONS", "32")


def main():
    workdir = tempfile.mkdtemp(prefix="loadtest-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "transform_tracker.settings.production",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY")
        or secrets.token_urlsafe(50),
        "DATABASE_URL": os.environ.get("DATABASE_URL")
        or f"sqlite:///{workdir}/loadtest.sqlite3",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }

    def manage(*args, capture=False):
        return subprocess.run(
            [PY, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=capture,
            text=True,
        )

    manage("migrate", "--noinput", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    script = (
        "from programmes.models import Programme, Department\n"
        "from programmes.demo import load_demo_data\n"
        "from accounts.models import User\n"
        "from accounts.services import create_user_with_role\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY\n"
        "import secrets\n"
        "if not Programme.objects.exists(): load_demo_data()\n"
        "user = User.objects.filter(username='loadtest').first() or create_user_with_role(username='loadtest', role='civil-servant', password=secrets.token_urlsafe(16))\n"
        "s = SessionStore(); s[SESSION_KEY] = str(user.pk); s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'; s[HASH_SESSION_KEY] = user.get_session_auth_hash(); s.create()\n"
        "d = Department.objects.with_programmes().order_by('-pk').first()\n"
        "print('SESSION', s.session_key); print('DEPARTMENT', d.slug)\n"
    )
    out = manage("shell", "-c", script, capture=True).stdout
    session = re.search(r"SESSION (\S+)", out).group(1)
    department = re.search(r"DEPARTMENT (\S+)", out).group(1)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "transform_tracker.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            os.environ.get("WORKERS", "3"),
            "--forwarded-allow-ips",
            "*",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        url = f"http://127.0.0.1:{PORT}/departments/{department}/"
        request = urllib.request.Request(
            url,
            headers={"Cookie": f"sessionid={session}", "X-Forwarded-Proto": "https"},
        )
        for _ in range(50):
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            sys.exit("gunicorn did not answer the department page with 200")
        print(f"wrk: {CONNECTIONS} connections, {DURATION}s, {url}", flush=True)
        result = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                CONNECTIONS,
                "-d",
                f"{DURATION}s",
                "--timeout",
                "10s",
                "--latency",
                "-H",
                f"Cookie: sessionid={session}",
                "-H",
                "X-Forwarded-Proto: https",
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=int(DURATION) + 60,
        )
        print(result.stdout)
        rps = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1)
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
        socket_errors = re.search(r"Socket errors: (.*)", result.stdout)
        print(f"Requests per second: {rps}")
        print(f"Non-2xx/3xx responses: {errors.group(1) if errors else 0}")
        print(f"Socket errors: {socket_errors.group(1) if socket_errors else 'none'}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
