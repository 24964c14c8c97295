"""The releases pages on synthetic data only (no demo data in this module, whose
fixture would stay loaded for every later test of a module)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programmes.models import Source
from programmes.releases import compare

from .exporting import _titled_csv as _csv_rows
from .factories import AssessmentFactory, ProgrammeFactory, make_portfolio


def _release(data_date):
    return Source.objects.create(
        key=f"gmpp-test-{data_date}",
        kind="gmpp",
        title="Test release",
        publisher="Test",
        published_year=data_date.year,
    )


@pytest.mark.django_db
def test_csv_cells_are_safe_from_formula_injection(admin_client):
    source = _release(datetime.date(2021, 3, 31))
    make_portfolio(2, source=source)
    programme = ProgrammeFactory(name='=HYPERLINK("http://example.invalid")')
    AssessmentFactory(
        programme=programme, data_date=datetime.date(2022, 3, 31), source=source
    )

    response = admin_client.get(
        "/releases/compare/?from=2021-03-31&to=2022-03-31&_export=csv"
    )

    rows = _csv_rows(response)
    joined = [r for r in rows if r["Change"] == "Joined"]
    assert [r["Programme"] for r in joined] == [
        '\'=HYPERLINK("http://example.invalid")'
    ]
    assert not any(
        cell.startswith(("=", "+", "@")) for row in rows for cell in row.values()
    )


@pytest.mark.django_db
def test_release_pages_queries_do_not_grow_with_programmes(admin_client):
    source = _release(datetime.date(2022, 3, 31))
    urls = [
        "/releases/",
        "/releases/compare/?from=2021-03-31&to=2022-03-31",
        "/releases/compare/?from=2021-03-31&to=2022-03-31&_export=csv",
    ]
    admin_client.get("/accessibility/")  # warm per-process caches

    def counts():
        result = {}
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                response = admin_client.get(url)
            assert response.status_code == 200, url
            result[url] = len(queries)
        return result

    make_portfolio(5, source=source)
    small = counts()
    make_portfolio(150, source=source)
    large = counts()

    # Every programme's rating changed and end date moved between the two.
    assert (
        len(compare(datetime.date(2021, 3, 31), datetime.date(2022, 3, 31)).rows)
        == 2 * 155
    )
    assert large == small
    assert max(small.values()) <= 15


@pytest.mark.django_db
def test_with_fewer_than_two_releases_there_is_nothing_to_compare(admin_client):
    response = admin_client.get("/releases/compare/?from=2024-03-31&to=2025-03-31")
    empty = admin_client.get("/releases/compare/")

    assert response.status_code == 400
    assert empty.status_code == 200
    assert "nothing to compare" in empty.content.decode()
