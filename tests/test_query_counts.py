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


def _main(response):
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


@pytest.mark.django_db
def test_a_kept_dashboard_page_reads_only_who_is_asking_and_the_version(client):
    """The second request for a portfolio or department page, data unchanged,
    builds nothing: the session, the user, their permissions (one statement)
    and the data version (the department itself is kept per version too)."""
    from accounts.services import create_user_with_role

    departments, _, _ = make_portfolio(30)
    user = create_user_with_role(
        username="reader", role="civil-servant", password="a-long-test-password-1"
    )
    client.force_login(user)
    for url, expected in (("/", 4), (f"/departments/{departments[0].slug}/", 4)):
        first = client.get(url)
        with CaptureQueriesContext(connection) as queries:
            again = client.get(url)
        assert first.context["kept"] is None  # built, and kept by the template
        assert again.context["kept"] is not None  # the view found it: built nothing
        assert _main(again) == _main(first)
        assert len(queries) == expected, [q["sql"][:80] for q in queries]
        permissions = [q for q in queries if "auth_permission" in q["sql"]]
        assert len(permissions) == 1
