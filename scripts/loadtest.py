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
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PORT = os.environ.get("LOADTEST_PORT", "8765")
DURATION = os.environ.get("LOADTEST_SECONDS", "60")
CONNECTIONS = os.environ.get("LOADTEST_CONNECTIONS", "32")
# LOADTEST_SERVERS=2: two gunicorn processes on neighbouring ports sharing one
# database, the connections split between them; then an edit made in a third
# process must show at once on both.
SERVERS = int(os.environ.get("LOADTEST_SERVERS", "1"))
EDIT = """
from decimal import Decimal
from programmes.models import FinancialFigure
from programmes.services import correct_figure
figure = (
    FinancialFigure.objects.current()
    .filter(programme__department__slug=%r, kind="baseline", period="whole_life",
            measure="cost", benefit__isnull=True, amount_gbp__isnull=False)
    .order_by("pk").first()
)
correct_figure(figure=figure, reason="Load test: an edit seen by every server",
               amount_gbp=figure.amount_gbp + Decimal("1.00"))
print("EDITED", figure.pk)
"""


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
        "s = SessionStore(); s[SESSION_KEY] = str(user.pk); s[BACKEND_SESSION_KEY] = 'accounts.backends.ModelBackend'; s[HASH_SESSION_KEY] = user.get_session_auth_hash(); s.create()\n"
        "d = Department.objects.with_programmes().order_by('-pk').first()\n"
        "print('SESSION', s.session_key); print('DEPARTMENT', d.slug)\n"
    )
    out = manage("shell", "-c", script, capture=True).stdout
    session = re.search(r"SESSION (\S+)", out).group(1)
    department = re.search(r"DEPARTMENT (\S+)", out).group(1)
    ports = [int(PORT) + i for i in range(SERVERS)]
    servers = [
        subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "transform_tracker.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
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
        for port in ports
    ]
    headers = {"Cookie": f"sessionid={session}", "X-Forwarded-Proto": "https"}
    urls = [f"http://127.0.0.1:{port}/departments/{department}/" for port in ports]
    try:
        for url in urls:
            _wait_for(url, headers)
        per_server = max(1, int(CONNECTIONS) // SERVERS)
        print(
            f"wrk: {CONNECTIONS} connections over {SERVERS} server(s), {DURATION}s",
            flush=True,
        )
        runs = [
            subprocess.Popen(
                [
                    "wrk",
                    "-t",
                    str(max(1, 2 // SERVERS)),
                    "-c",
                    str(per_server),
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
                stdout=subprocess.PIPE,
                text=True,
            )
            for url in urls
        ]
        total = 0.0
        for url, run in zip(urls, runs, strict=True):
            out, _ = run.communicate(timeout=int(DURATION) + 60)
            print(out)
            rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
            total += rps
            errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
            socket_errors = re.search(r"Socket errors: (.*)", out)
            median = re.search(r"^\s*50%\s+(\S+)", out, re.MULTILINE).group(1)
            print(f"{url}: {rps} requests per second, median {median}")
            print(f"Non-2xx/3xx responses: {errors.group(1) if errors else 0}")
            print(
                f"Socket errors: {socket_errors.group(1) if socket_errors else 'none'}"
            )
        print(f"Requests per second: {total:.2f}")
        if SERVERS > 1:
            before = [_whole_life(url, headers) for url in urls]
            edited = manage("shell", "-c", EDIT % department, capture=True).stdout
            after = [_whole_life(url, headers) for url in urls]
            print(f"Whole-life cost before the edit, per server: {before}")
            print(f"{edited.strip()}; at once after it, per server: {after}")
            seen = all(a == before[0] + Decimal("1.00") for a in after)
            print("Edit seen at once on every server:", "yes" if seen else "NO")
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


def _wait_for(url, headers):
    request = urllib.request.Request(url, headers=headers)
    for _ in range(50):
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"gunicorn did not answer {url} with 200")


def _whole_life(url, headers):
    """The department page's whole-life cost headline, exact."""
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        page = response.read().decode()
    found = re.search(
        r'data-testid="headline-whole-life-cost"[^>]*data-exact="([^"]+)"', page
    )
    return Decimal(found.group(1))


if __name__ == "__main__":
    main()
