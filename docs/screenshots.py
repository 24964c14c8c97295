"""Takes the README's screenshots from a running local server (make run), signed in
with the account given: python docs/screenshots.py USERNAME PASSWORD."""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser import ARGS, CHROMIUM  # noqa: E402

BASE = "http://127.0.0.1:8000"
PAGES = {
    "portfolio": "/",
    "department": "/departments/ministry-of-justice/",
    "programmes": "/programmes/?rating=amber",
    "programme": "/programmes/hmcts-reform/",
}


def main(username, password):
    out = Path(__file__).parent / "screenshots"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        page.goto(f"{BASE}/sign-in/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        for name, path in PAGES.items():
            page.goto(BASE + path)
            page.wait_for_timeout(2000)
            page.screenshot(path=out / f"{name}.png")
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
