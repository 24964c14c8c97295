"""Reading figures back from pages and the API in tests."""

import datetime
import re
from decimal import Decimal

from .factories import FigureFactory


def _exact(page, testid):
    """The exact amount a page shows in its element with that data-testid."""
    found = re.search(
        rf'data-testid="{testid}"[^>]*>(?:(?!</dd>).)*?data-exact="([^"]+)"',
        page,
        re.S,
    )
    return None if found is None else Decimal(found[1])


def _headline(page, name):
    found = re.search(rf'data-testid="headline-{name}"[^>]*data-exact="([^"]+)"', page)
    return None if found is None else Decimal(found[1])


def _spend(programme, kind_period_amounts):
    source = None
    for kind, period, year, amount in kind_period_amounts:
        figure = FigureFactory(
            programme=programme,
            kind=kind,
            period=period,
            financial_year=year,
            amount_gbp=amount,
            data_date=datetime.date(2022, 3, 31)
            if year is None
            else datetime.date(year + 1, 3, 31),
            **({"source": source} if source else {}),
        )
        source = figure.source


def _api_rows(client, query):
    url, rows = f"/api/v1/budget-lines/?{query}", []
    while url:
        body = client.get(url).json()
        rows += body["results"]
        url = body["next"]
    return rows, body["totals"]
