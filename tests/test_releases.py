"""The releases pages: the GMPP releases held, and what changed between two."""

import datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db.models import Count, Sum

from programmes.models import (
    DeliveryConfidenceAssessment,
    FinancialFigure,
    ScheduleSnapshot,
    Source,
)
from programmes.releases import compare, in_words, releases

from .exporting import _titled_csv as _csv_rows
from .factories import AssessmentFactory, ProgrammeFactory

MARCH_2024 = datetime.date(2024, 3, 31)
MARCH_2025 = datetime.date(2025, 3, 31)
MARCH_2026 = datetime.date(2026, 3, 31)
COMPARE = "/releases/compare/?from=2024-03-31&to=2025-03-31"


def _slugs(rows):
    return {row.slug for row in rows}


def _listed(data_date):
    """Programmes a GMPP source gave figures, ratings or dates at `data_date`,
    read here independently of programmes.releases."""
    slugs = set()
    for model in (FinancialFigure, DeliveryConfidenceAssessment, ScheduleSnapshot):
        slugs |= set(
            model.objects.filter(source__kind="gmpp", data_date=data_date).values_list(
                "programme__slug", flat=True
            )
        )
    return slugs


def _whole_life(slug, data_date):
    return FinancialFigure.objects.get(
        programme__slug=slug,
        data_date=data_date,
        measure="cost",
        kind="baseline",
        period="whole_life",
        benefit__isnull=True,
    )


class _Tables(HTMLParser):
    """{data-testid: [[cell text, ...] per body row]} of a page's tables."""

    def __init__(self):
        super().__init__()
        self.tables, self.current, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.current = self.tables.setdefault(attrs.get("data-testid"), [])
        elif tag == "tr" and self.current is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = None
        elif tag == "tr" and self.row is not None:
            self.current.append(self.row)
            self.row = None
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join(self.cell.split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def _tables(response):
    parser = _Tables()
    parser.feed(response.content.decode())
    # Each table's first row is its header.
    return {key: rows[1:] for key, rows in parser.tables.items()}


@pytest.mark.django_db
def test_march_2024_to_march_2025_lists_what_moved(demo_data):
    comparison = compare(MARCH_2024, MARCH_2025)

    ratings = {row.slug: (row.before, row.after) for row in comparison.ratings}
    assert ratings["emergency-services-mobile-communications"] == ("Red", "Amber")
    assert ratings["hmcts-reform"] == ("Amber", "Green")
    assert ratings["universal-credit"] == ("Amber", "Green")
    # Amber in both (on different scales) is not a change.
    assert "making-tax-digital" not in ratings
    costs = {row.slug: row for row in comparison.whole_life}
    for slug in ("emergency-services-mobile-communications", "hmcts-reform"):
        old = _whole_life(slug, MARCH_2024).amount_gbp
        new = _whole_life(slug, MARCH_2025).amount_gbp
        assert costs[slug].before == old
        assert costs[slug].after == new
        assert costs[slug].difference == new - old
        assert costs[slug].price_basis == "Nominal"
    assert costs["hmcts-reform"].difference < 0
    assert "universal-credit" not in costs  # the same £17.3bn in both
    moves = {row.slug: row for row in comparison.end_dates}
    esmcp = moves["emergency-services-mobile-communications"]
    snapshots = ScheduleSnapshot.objects.filter(programme__slug=esmcp.slug)
    assert esmcp.before == snapshots.get(data_date=MARCH_2024).end_date
    assert esmcp.after == snapshots.get(data_date=MARCH_2025).end_date
    assert esmcp.difference == (esmcp.after - esmcp.before).days > 0
    assert "hmcts-reform" not in moves  # 31 March 2025 in both


@pytest.mark.django_db
def test_joined_and_left_follow_the_listings(demo_data):
    forward = compare(MARCH_2024, MARCH_2025)
    backward = compare(MARCH_2025, MARCH_2024)
    later = compare(MARCH_2025, MARCH_2026)

    assert _slugs(forward.left) == {"digital-services-at-the-border"}
    assert _slugs(forward.joined) == set()
    assert _slugs(forward.left) == _listed(MARCH_2024) - _listed(MARCH_2025)
    assert _slugs(backward.joined) == _slugs(forward.left)
    assert {"universal-credit", "hmcts-reform"} <= _slugs(later.left)
    assert _slugs(later.left) == _listed(MARCH_2025) - _listed(MARCH_2026)
    assert _slugs(later.joined) == _listed(MARCH_2026) - _listed(MARCH_2025)


@pytest.mark.django_db
def test_real_terms_are_flagged_never_subtracted_from_nominal(demo_data):
    comparison = compare(MARCH_2025, MARCH_2026)

    assert comparison.whole_life
    for row in comparison.whole_life:
        assert row.difference is None
        assert row.price_basis.startswith("Nominal, then Real")
        assert row.note.startswith("Not comparable")


@pytest.mark.django_db
def test_release_list_totals_each_price_basis_apart(admin_client, demo_data):
    held = {release.data_date: release for release in releases()}

    page = admin_client.get("/releases/").content.decode()

    nominal = FinancialFigure.objects.filter(
        source__kind="gmpp",
        data_date=MARCH_2025,
        measure="cost",
        kind="baseline",
        period="whole_life",
        price_basis="nominal",
        amount_gbp__isnull=False,
    ).aggregate(total=Sum("amount_gbp"), n=Count("programme"))
    (total,) = held[MARCH_2025].totals
    assert total.total_gbp == nominal["total"]
    assert (
        total.coverage
        == f"from {nominal['n']} of {len(_listed(MARCH_2025))} programmes"
    )
    assert held[MARCH_2025].programmes == len(_listed(MARCH_2025))
    assert [t.price_basis for t in held[MARCH_2026].totals] == ["real"]
    assert held[MARCH_2026].in_real_terms
    assert held[MARCH_2026].previous == MARCH_2025
    assert "Real terms" in page
    assert "?from=2025-03-31&amp;to=2026-03-31" in page
    dates = [release.data_date for release in releases()]
    assert dates == sorted(dates, reverse=True)
    assert len(dates) == len(set(dates))


@pytest.mark.django_db
def test_nista_and_departmental_files_of_one_date_are_one_release(demo_data):
    before = {release.data_date: release for release in releases()}[MARCH_2024]
    nista = Source.objects.create(
        key="gmpp-nista-2024-03-31",
        kind="gmpp",
        title="Cross-government file (test)",
        publisher="NISTA (test)",
        published_year=2024,
    )
    newcomer = ProgrammeFactory()
    AssessmentFactory(programme=newcomer, data_date=MARCH_2024, source=nista)

    after = [release for release in releases() if release.data_date == MARCH_2024]

    assert len(after) == 1
    assert after[0].programmes == before.programmes + 1
    assert "NISTA (test)" in after[0].publishers
    assert set(before.publishers) < set(after[0].publishers)


@pytest.mark.django_db
def test_the_page_shows_the_comparison_counts_in_words(admin_client, demo_data):
    comparison = compare(MARCH_2024, MARCH_2025)

    page = admin_client.get(COMPARE).content.decode()

    assert "No programmes joined" in page
    assert "1 programme left" in page
    assert f"{len(comparison.ratings)} ratings changed" in page
    assert f"{len(comparison.end_dates)} end dates moved" in page
    assert 'href="/programmes/digital-services-at-the-border/"' in page


def test_in_words():
    assert in_words(0, "programme", "programmes", "joined") == "No programmes joined"
    assert in_words(1, "programme", "programmes", "left") == "1 programme left"
    assert in_words(1200, "end date", "end dates", "moved") == "1,200 end dates moved"


@pytest.mark.django_db
def test_csv_rows_equal_the_page_rows(admin_client, demo_data):
    tables = _tables(admin_client.get(COMPARE))

    rows = _csv_rows(admin_client.get(COMPARE + "&_export=csv"))

    page = {
        (kind, row[0], row[1])
        for kind, table in tables.items()
        if kind and kind.startswith("changes-")
        for row in table
    }
    labels = {
        "Joined": "joined",
        "Left": "left",
        "Delivery confidence rating": "rating",
        "Whole-life cost baseline": "whole_life_cost",
        "End date": "end_date",
    }
    downloaded = {
        (f"changes-{labels[r['Change']]}", r["Department"], r["Programme"])
        for r in rows
    }
    assert len(rows) == sum(len(t) for k, t in tables.items() if k and "changes-" in k)
    assert downloaded == page
    esmcp = next(
        r
        for r in rows
        if r["Change"] == "Whole-life cost baseline"
        and r["Programme page"].endswith("/emergency-services-mobile-communications/")
    )
    assert Decimal(esmcp["Difference (£ or days)"]) == (
        Decimal(esmcp["In the later release"])
        - Decimal(esmcp["In the earlier release"])
    )


JUNK = [
    "from=2024-13-45&to=2025-03-31",
    "from=banana&to=2025-03-31",
    "from=2024-03-31",
    "to=2025-03-31",
    "from=2024-03-31&to=2024-03-31",
    "from=2024-03-31&to=2025-03-31&_export=xlsx",
    "from=%00&to=%27%3B--",
    "from=" + "9" * 5000 + "&to=2025-03-31",
    "from[]=1&to=2025-03-31",
    "from=2024-03-31&from=2025-03-31&to=2025-03-31",
    "from=1999-03-31&to=2025-03-31",
]


@pytest.mark.django_db
@pytest.mark.parametrize("query", JUNK)
def test_bad_queries_get_an_error_summary_never_a_500(admin_client, demo_data, query):
    response = admin_client.get("/releases/compare/?" + query)

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "govuk-error-summary" in page
    assert "9" * 100 not in page  # a long value is not echoed whole


@pytest.mark.django_db
def test_the_same_release_twice_says_so(admin_client, demo_data):
    response = admin_client.get("/releases/compare/?from=2024-03-31&to=2024-03-31")

    assert "these are the same release" in response.content.decode()


@pytest.mark.django_db
def test_without_choices_the_two_newest_releases_are_compared(admin_client, demo_data):
    response = admin_client.get("/releases/compare/")

    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert (comparison.before, comparison.after) == (MARCH_2025, MARCH_2026)
