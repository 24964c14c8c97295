"""Peak memory of the admin upload page given many large files, measured from
outside: a child process serves one POST through Django's WSGI handler, reading
the body from a file on disk as a server would from its socket, and the kernel
reports the child's peak RSS. Run it after migrating a throwaway database:

    .venv/bin/python scripts/measure_upload_memory.py
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
MB = 1024 * 1024
TOKEN = "a" * 32  # an unmasked CSRF secret, in the session and the form alike

SERVE = """
import sys, django
django.setup()
from django.core.handlers.wsgi import WSGIHandler
from django.contrib.auth import get_user_model
from django.test import Client
body, length, boundary, token = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
user = get_user_model().objects.get_or_create(username="measure", is_staff=True, is_superuser=True)[0]
client = Client()
client.force_login(user)
session = client.session
session["_csrftoken"] = token  # CSRF_USE_SESSIONS: the secret lives in the session
session.save()
cookie = f"sessionid={session.session_key}"
environ = {
    "REQUEST_METHOD": "POST", "PATH_INFO": "/admin/programmes/importedfile/upload/",
    "SERVER_NAME": "localhost", "SERVER_PORT": "80", "wsgi.url_scheme": "http",
    "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
    "CONTENT_LENGTH": str(length), "HTTP_COOKIE": cookie, "wsgi.input": open(body, "rb"),
    "wsgi.errors": sys.stderr, "HTTP_HOST": "localhost",
}
status = []
content = b"".join(WSGIHandler()(environ, lambda s, h: status.append(s)))
text = content.decode(errors="replace")
import re
said = re.search(r'id="upload-refused">([^<]*)|<ul class="errorlist"[^>]*><li>([^<]*)', text)
print(status[0], "|", (said.group(1) or said.group(2))[:120] if said else text[:0])
"""


def multipart(path, files, boundary):
    with open(path, "wb") as out:
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"'
            f"\r\n\r\n{TOKEN}\r\n".encode()
        )
        for name, size in files:
            out.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="{name}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
            )
            row = b"SYN_1,Project,SYN,lots\n"
            out.write(b"GMPP ID,Project Name,Department,Whole Life Cost (m)\n")
            out.write(row * (size // len(row)))
            out.write(b"\r\n")
        out.write(f"--{boundary}--\r\n".encode())
    return path.stat().st_size


def main():
    cases = [
        (
            "12 files of 20 MB (Content-Length 240 MB)",
            [(f"f{n}_March_2021.csv", 20 * MB) for n in range(12)],
        ),
        ("one file of 25 MB", [("big_March_2021.csv", 25 * MB)]),
        ("11 files of 1 MB", [(f"f{n}_March_2021.csv", MB) for n in range(11)]),
        (
            "10 files of 4.9 MB (just inside the limits)",
            [(f"f{n}_March_2021.csv", 49 * MB // 10) for n in range(10)],
        ),
    ]
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "transform_tracker.settings.test",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        }
        python = sys.executable
        subprocess.run(
            [python, "manage.py", "migrate", "-v0"], cwd=REPO, env=env, check=True
        )
        idle = subprocess.run(
            [python, "-c", PEAK, python, "-c", "import django; django.setup()"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        print(
            f"{'idle (django.setup())':45} {int(idle.stdout.split()[-1]) / 1024:6.0f} MB"
        )
        for label, files in cases:
            body = folder / "body"
            length = multipart(body, files, "BOUNDARY")
            done = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    PEAK,
                    python,
                    "-c",
                    SERVE,
                    str(body),
                    str(length),
                    "BOUNDARY",
                    TOKEN,
                ],
                cwd=REPO,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            *said, peak = done.stdout.strip().splitlines()
            print(f"{label:45} {int(peak) / 1024:6.0f} MB peak  {' '.join(said)}")
            body.unlink()


PEAK = (
    "import resource, subprocess, sys; "
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
    "sys.stdout.write(done.stdout); sys.stderr.write(done.stderr[-2000:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)

if __name__ == "__main__":
    main()
