"""A Ministry of Justice programme admin in Chromium records a newer 2024-25
forecast for HMCTS Reform through the admin, and a disruption hitting two of its
programmes, on pages that fit 1280 pixels without scrolling sideways."""

import pytest

from accounts.services import create_user_with_role
from programmes.models import Department, DisruptionImpact, Programme

from .browser import BROWSER_TEST_MARKS, browser_page, sign_in

pytestmark = BROWSER_TEST_MARKS

PASSWORD = "browser-test-password-1"
# How far the page, or any box in it, reaches past the window or scrolls sideways.
OVERFLOW = """() => Math.max(
  document.documentElement.scrollWidth - window.innerWidth,
  ...Array.from(document.querySelectorAll("body *")).map(e => {
    const box = e.getBoundingClientRect();
    const scrolls = ["auto", "scroll"].includes(getComputedStyle(e).overflowX);
    return Math.max(
      box.width > 0 ? box.right - window.innerWidth : 0,
      scrolls ? e.scrollWidth - e.clientWidth : 0,
    );
  }),
)"""


@pytest.fixture
def site(demo_site):
    create_user_with_role(
        username="moj-admin",
        role="programme-admin",
        password=PASSWORD,
        departments=Department.objects.filter(abbreviation="MOJ"),
    )
    return demo_site


def _fits(page, wide):
    overflow = page.evaluate(OVERFLOW)
    if overflow > 0:
        wide.append((page.url, overflow))


def test_programme_admin_records_a_newer_forecast_on_pages_that_fit(site, chromium):
    hmcts = Programme.objects.get(slug="hmcts-reform")
    old = hmcts.figures.get(
        kind="forecast", financial_year=2024, measure="cost", is_current=True
    )
    wide = []
    with browser_page(chromium) as page:
        sign_in(page, site, "moj-admin", PASSWORD)
        page.goto(f"{site}/admin/programmes/programme/{hmcts.pk}/change/")
        _fits(page, wide)
        page.get_by_role("link", name="Forecast cost, 2024-25").click()
        _fits(page, wide)
        page.get_by_role("link", name="Record a newer figure").first.click()
        _fits(page, wide)
        page.fill("#id_amount_gbp", "£40.25m")
        page.fill("#id_data_date", "2025-09-30")
        page.fill("#id_reason", "Revised forecast from the September return")
        page.click("input[type=submit]")
        page.wait_for_selector(".messagelist .success")
        message = page.locator(".messagelist .success").inner_text()
        _fits(page, wide)
        page.goto(f"{site}/admin/programmes/disruption/add/")
        _fits(page, wide)
        page.goto(f"{site}/admin/programmes/financialfigure/?programme={hmcts.pk}")
        _fits(page, wide)

    new = hmcts.figures.get(
        kind="forecast", financial_year=2024, measure="cost", is_current=True
    )
    old.refresh_from_db()
    assert new.amount_gbp == 40250000
    assert not old.is_current
    assert "£40,250,000.00" in message
    assert wide == []


def test_a_disruption_hitting_two_programmes_in_about_a_dozen_steps(site, chromium):
    hmcts = Programme.objects.get(slug="hmcts-reform")
    steps = 0
    with browser_page(chromium) as page:
        sign_in(page, site, "moj-admin", PASSWORD)

        def step(action, *args):
            nonlocal steps
            steps += 1
            getattr(page, action)(*args)

        def choose(row, field, text):
            # An autocomplete: open it, type, pick (two steps for the user).
            nonlocal steps
            steps += 2
            page.click(f".field-{field} .select2-selection >> nth={row}")
            page.keyboard.type(text)
            page.click(f".select2-results__option >> text={text}")

        step("goto", f"{site}/admin/programmes/disruption/add/")
        step("fill", "#id_name", "Court estate flooding")
        step("select_option", "#id_kind", "external")
        # The source is the newest of the admin's departments unless chosen.
        choose(0, "programme", "HMCTS Reform")
        step("fill", "#id_impacts-0-cost_impact_gbp", "£2.5m")
        step("fill", "#id_impacts-0-schedule_impact_days", "30")
        step("fill", "#id_impacts-0-note", "Two hearing centres closed")
        choose(1, "programme", "Electronic monitoring")
        step("fill", "#id_impacts-1-cost_impact_gbp", "-150000")
        step("fill", "#id_impacts-1-note", "Underspend while sites closed")
        overflow = page.evaluate(OVERFLOW)
        step("click", "input[name=_save]")
        page.wait_for_selector(".messagelist .success")

    impacts = DisruptionImpact.objects.filter(disruption__slug="court-estate-flooding")
    assert {i.programme_id: i.cost_impact_gbp for i in impacts}[hmcts.pk] == 2500000
    assert impacts.count() == 2
    assert overflow <= 0
    assert steps <= 13
