"""The real pages in Chromium: styled, charts drawn, filters working, no WCAG 2.2 AA
violations (axe-core), no Content-Security-Policy violations, readable without
JavaScript."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from accounts.services import create_user_with_role

from .browser import BROWSER_TEST_MARKS, browser_page, settle, sign_in, signed_in
from .factories import UserFactory

pytestmark = BROWSER_TEST_MARKS

PASSWORD = "browser-test-password-1"
PAGES = {
    "/": 1,
    "/departments/": 0,
    "/departments/ministry-of-justice/": 2,
    "/programmes/": 0,
    # four cards, and one per milestone whose date was stated more than once
    "/programmes/hmcts-reform/": 7,
    "/programmes/universal-credit/": 8,
    "/disruptions/": 0,
    "/disruptions/eu-exit/": 0,
    "/releases/": 0,
    "/releases/compare/?from=2024-03-31&to=2025-03-31": 0,
    "/reports/budget/?department=ministry-of-justice": 0,
    "/reports/budget/?financial_year=2020-22": 0,
    "/reports/changes/": 0,
    "/reports/exports/": 0,
    "/accessibility/": 0,
}
# A form with errors is a page too, answered 400 (the browser notes it in its console).
BAD_REQUESTS = {"/reports/budget/?financial_year=2020-22"}
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}


@pytest.fixture
def site(demo_site):
    create_user_with_role(username="browser", role="auditor", password=PASSWORD)
    return demo_site


def _violations(page):
    results = Axe().run(page, options=AXE_OPTIONS)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['html'][:120]})"
        for v in results.response["violations"]
    ]


def test_every_page_is_styled_draws_its_charts_and_passes_axe(site, chromium):
    with browser_page(chromium) as page:
        sign_in(page, site, "browser", PASSWORD)
        for path, charts in PAGES.items():
            response = page.goto(site + path)
            assert response.status == (400 if path in BAD_REQUESTS else 200), path
            if charts:
                page.wait_for_selector(
                    f"[data-chart-drawn=true] >> nth={charts - 1}", timeout=15000
                )

            # GOV.UK Frontend's CSS is applied: the header is black, text in a system font.
            header = page.locator(".govuk-generic-header")
            assert (
                header.evaluate("e => getComputedStyle(e).backgroundColor")
                == "rgb(11, 12, 12)"
            )
            assert "system-ui" in page.locator("h1").first.evaluate(
                "e => getComputedStyle(e).fontFamily"
            )
            # GOV.UK Frontend's JavaScript ran (tabs became tabs).
            assert page.locator("body.govuk-frontend-supported").count() == 1
            # Every chart drew real marks: an SVG plot with at least one trace.
            assert page.locator("[data-chart-drawn=true]").count() == charts, path
            assert page.locator(".js-plotly-plot g.trace").count() >= charts, path
            if charts:
                assert page.locator(".js-plotly-plot g.trace .point").count() > 0, path
            assert _violations(page) == [], path
            assert page.evaluate("window.__csp") == [], path
        bad_request = "the server responded with a status of 400 (Bad Request)"
        assert [e for e in page.errors if bad_request not in e] == []
        assert len(page.errors) == len(BAD_REQUESTS)


def test_chart_tabs_show_the_table(site, chromium):
    with browser_page(chromium) as page:
        signed_in(page, site, "browser")
        page.goto(site + "/programmes/hmcts-reform/")
        table = page.locator("[data-testid=years-table]")
        assert not table.is_visible()

        page.click("a.govuk-tabs__tab[href='#years-table']")

        assert table.is_visible()
        assert "2020-21" in table.inner_text()


def test_filtering_changes_the_rows(site, chromium):
    with browser_page(chromium) as page:
        signed_in(page, site, "browser")
        page.goto(site + "/programmes/")
        before = page.locator("tbody tr").count()

        page.select_option("#id_department", "ministry-of-justice")
        page.click("button:has-text('Apply filters')")

        assert "department=ministry-of-justice" in page.url
        rows = page.locator("tbody tr")
        assert 0 < rows.count() < before
        assert "HMCTS Reform" in page.locator("tbody").inner_text()
        assert "Universal" not in page.locator("tbody").inner_text()
        assert (
            page.locator("[data-testid=result-count]")
            .inner_text()
            .startswith(str(rows.count()))
        )


def test_sorting_by_whole_life_cost(site, chromium):
    with browser_page(chromium) as page:
        signed_in(page, site, "browser")
        page.goto(site + "/programmes/")

        page.click("th a:has-text('Whole-life cost')")
        page.click("th a:has-text('Whole-life cost')")

        assert "sort=-whole_life_cost_gbp" in page.url
        first = page.locator("tbody tr").first.inner_text()
        assert "Emergency Services Mobile" in first


def test_pages_read_without_javascript(site, chromium):
    with browser_page(chromium, javascript=False) as page:
        signed_in(page, site, "browser")
        page.goto(site + "/programmes/hmcts-reform/")

        # Without JavaScript every tab panel shows: the table is there to read.
        table = page.locator("[data-testid=years-table]")
        assert table.is_visible()
        assert "2020-21" in table.inner_text()
        assert page.locator("[data-chart-drawn=true]").count() == 0


def test_admin_pages_have_no_csp_violations(site, chromium):
    UserFactory(
        username="browser-admin", password=PASSWORD, is_staff=True, is_superuser=True
    )
    from programmes.models import Programme

    programme = Programme.objects.get(slug="hmcts-reform")
    with browser_page(chromium) as page:
        signed_in(page, site, "browser-admin")
        for path in [
            "/admin/",
            "/admin/programmes/programme/",
            f"/admin/programmes/programme/{programme.pk}/change/",
            f"/admin/programmes/programme/{programme.pk}/history/",
            "/admin/programmes/financialfigure/add/",
        ]:
            page.goto(site + path)
            settle(page)

            assert page.locator("#content").count() == 1, path
            assert page.evaluate("window.__csp") == [], path
        assert page.errors == []
