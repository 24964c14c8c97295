"""Driving Debian's Chromium with Playwright (it cannot download its own here)."""

import os
import shutil
from contextlib import contextmanager

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# Records Content-Security-Policy violations; an init script runs outside the
# page's policy, so it does not need one of its own.
RECORD_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""


def chromium_available():
    return os.path.exists(CHROMIUM)


# Every browser test module's marks. live_server flushes the database after each
# test; the flush's post_migrate makes the role groups again (accounts.apps), so the
# next test, on this worker, finds them as a migrated database has them.
BROWSER_TEST_MARKS = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not chromium_available(),
        reason="Debian's chromium is not installed (make browser-deps)",
    ),
]


@contextmanager
def running_chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def browser_page(browser, *, javascript=True, width=1280, height=900):
    """A page in a context of its own (its own cookies, cache and storage, as a
    new browser profile has): the tests of a module share one Chromium, started
    once (the `chromium` fixture), not one each."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, java_script_enabled=javascript
    )
    try:
        page = context.new_page()
        page.add_init_script(RECORD_CSP)
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda message: (
                errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.errors = errors
        yield page
    finally:
        context.close()


def sign_in(page, base_url, username, password):
    page.goto(f"{base_url}/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def signed_in(page, base_url, username):
    """Signs `username` in by the session cookie the sign-in page would have set
    (Django's test client makes the session), without the sign-in page and the
    portfolio page it leads to: for tests about other pages. The sign-in itself is
    walked by sign_in() in the tests of every page and of the admin journeys."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )


# Every chart on the page drawn (charts.js marks each); with JavaScript off, none is.
CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-chart]')].every(
    e => e.getAttribute('data-chart-drawn') === 'true')"""


def settle(page):
    """Waits until the page has loaded and drawn every chart: what a reader (and
    axe) sees. Quicker than Playwright's "networkidle", which always waits half a
    second more, and stricter: it knows nothing of charts."""
    page.wait_for_load_state("load")
    if page.evaluate("() => !!window.Plotly"):
        page.wait_for_function(CHARTS_DRAWN, timeout=15000)
