"""Pages read at a glance on a laptop, a phone and paper: no page scrolls sideways at
375 pixels, the navigation fits one line at 1280, no chart offers a way off the site,
and a printed programme page holds its tables."""

from contextlib import contextmanager

import pytest

from accounts.services import create_user_with_role

from .browser import BROWSER_TEST_MARKS, browser_page, settle, signed_in
from .test_browser import _violations

pytestmark = BROWSER_TEST_MARKS

PASSWORD = "browser-test-password-1"
ROLES = ["auditor", "civil-servant", "programme-admin"]
# One page of every type.
PAGES = [
    "/",
    "/departments/",
    "/departments/ministry-of-justice/",
    "/programmes/",
    "/programmes/hmcts-reform/",
    "/programmes/universal-credit/",
    "/disruptions/",
    "/disruptions/eu-exit/",
    "/releases/",
    "/releases/compare/?from=2024-03-31&to=2025-03-31",
    "/reports/budget/",
    "/reports/changes/",
    "/reports/exports/",
]
CHART_PAGES = ["/", "/departments/ministry-of-justice/", "/programmes/hmcts-reform/"]
# Only these plotly buttons: nothing that uploads, links or edits elsewhere.
ALLOWED_BUTTONS = {"toImage", "resetScale2d"}


@pytest.fixture
def site(demo_site):
    for role in ROLES:
        create_user_with_role(username=role, role=role, password=PASSWORD)
    return demo_site


@contextmanager
def _signed_in(chromium, site, role, width):
    with browser_page(chromium, width=width, height=800) as page:
        signed_in(page, site, role)
        yield page


def _overflow(page):
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_no_page_scrolls_sideways_on_a_phone_and_passes_axe(site, chromium):
    with _signed_in(chromium, site, "auditor", 375) as page:
        for path in PAGES:
            page.goto(site + path)
            settle(page)

            assert _overflow(page) == 0, path
            # A wide table scrolls in its own region, which a keyboard can reach.
            for region in page.locator(".app-table-scroll").all():
                assert region.get_attribute("tabindex") == "0", path
            # ...and keeps each cell's words whole: a table squeezed to fit would
            # break a programme's name a letter a line.
            assert _narrowest_first_column(page) >= 60, path
            assert _violations(page) == [], path


def _narrowest_first_column(page):
    """The narrowest first column (px) of the page's scrolling tables (999: none)."""
    return page.evaluate(
        """() => Math.min(999, ...[...document.querySelectorAll(
            '.app-table-scroll tbody tr > :first-child')].map(
            c => c.getBoundingClientRect().width))"""
    )


def test_wide_tables_keep_their_first_column_in_view(site, chromium):
    with _signed_in(chromium, site, "auditor", 375) as page:
        page.goto(site + "/programmes/")
        region = page.locator(".app-table-scroll").first
        first_cell = region.locator("tbody tr th").first
        before = first_cell.bounding_box()["x"]

        region.evaluate("e => { e.scrollLeft = 400; }")

        assert region.evaluate("e => e.scrollLeft") > 0
        assert first_cell.bounding_box()["x"] == pytest.approx(before, abs=1)


def test_the_navigation_fits_one_line_at_1280_pixels_for_every_role(site, chromium):
    for role in ROLES:
        with _signed_in(chromium, site, role, 1280) as page:
            page.goto(site + "/")
            tops = page.locator(".govuk-service-navigation__item").evaluate_all(
                "items => items.map(i => Math.round(i.getBoundingClientRect().top))"
            )

        assert len(tops) > 3, role
        assert len(set(tops)) == 1, (role, tops)


def test_no_chart_offers_a_link_off_the_site(site, chromium):
    with _signed_in(chromium, site, "auditor", 1280) as page:
        for path in CHART_PAGES:
            page.goto(site + path)
            page.wait_for_selector("[data-chart-drawn=true]")
            charts = page.locator(".js-plotly-plot")
            assert charts.count() > 0, path
            for chart in charts.all():
                chart.scroll_into_view_if_needed()
                chart.hover()  # plotly shows its toolbar on hover

                buttons = chart.locator(".modebar-btn").evaluate_all(
                    "bs => bs.map(b => b.getAttribute('data-title') + '|' +"
                    " (b.getAttribute('data-attr') || '') + '|' +"
                    " (b.getAttribute('data-val') || '') + '|' + b.tagName)"
                )
                links = chart.locator("a[href]").evaluate_all(
                    "as => as.map(a => a.href)"
                )

                assert buttons, path  # the toolbar was seen, so the test can fail
                assert len(buttons) <= len(ALLOWED_BUTTONS), (path, buttons)
                for button in buttons:
                    title = button.split("|")[0].lower()
                    assert "cloud" not in title, button
                    assert "chart studio" not in title, button
                    assert "plotly" not in title, button
                assert [h for h in links if not h.startswith(site)] == [], path
            assert page.locator("text=Plotly Cloud").count() == 0, path


def test_a_printed_programme_page_holds_its_tables(site, chromium):
    with _signed_in(chromium, site, "auditor", 1280) as page:
        page.goto(site + "/programmes/hmcts-reform/")
        page.wait_for_selector("[data-chart-drawn=true]")
        table = page.locator("[data-testid=years-table]")
        assert not table.is_visible()  # on screen the chart's tab is showing

        page.emulate_media(media="print")

        assert table.is_visible()
        assert "2020-21" in table.inner_text()
        assert not page.locator(".govuk-service-navigation").is_visible()
        assert not page.locator(".govuk-tabs__list").first.is_visible()
        assert page.locator(".js-plotly-plot").first.is_visible()
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
        # Every table's panel is printed, not only the tab that was showing.
        hidden = page.locator(".govuk-table").evaluate_all(
            "ts => ts.filter(t => !t.offsetParent).length"
        )
        assert hidden == 0


def test_a_publishers_words_in_an_amounts_place_wrap_in_a_narrow_column(site, chromium):
    with _signed_in(chromium, site, "auditor", 1280) as page:
        page.goto(site + "/reports/budget/?department=ministry-of-justice")
        words = page.locator(".govuk-table__cell--numeric .app-words")
        assert words.count() > 0  # the demo data has a withheld MoJ figure
        widest = page.evaluate(
            """() => Math.max(...[...document.querySelectorAll(
                '.govuk-table__cell--numeric')].map(c => c.getBoundingClientRect().width))"""
        )

    assert widest < 300, widest  # 559 px when the words kept to one line
