"""Every page's query count is the same with 5 programmes and with 200: pages
must never run a query per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import make_portfolio

PAGES = [
    "/",
    "/departments/",
    "/departments/{department}/",
    "/programmes/",
    "/programmes/?rating=red&sort=-whole_life_cost_gbp",
    "/programmes/{programme}/",
    "/disruptions/",
    "/disruptions/{disruption}/",
    "/releases/",
    "/releases/compare/",
]


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _counts(client, size):
    departments, programmes, disruption = make_portfolio(size)
    slugs = {
        "department": departments[0].slug,
        "programme": programmes[0].slug,
        "disruption": disruption.slug,
    }
    client.get("/accessibility/")  # warm per-process caches (content types, etc.)
    return {page: _count(client, page.format(**slugs)) for page in PAGES}


@pytest.mark.django_db
def test_page_queries_do_not_grow_with_programmes(admin_client):
    small = _counts(admin_client, 5)

    large = _counts(admin_client, 200)

    assert large == small
    assert max(small.values()) <= 30
