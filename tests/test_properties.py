"""Property-based tests (hypothesis, fixed budget): malformed files, odd query
strings, huge and negative numbers, bad dates and unicode never cause a 500 or a
partial write; each gets a clear message and the database is unchanged."""

import csv
import io

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from programmes.importing import import_files
from programmes.models import FinancialFigure, ImportedFile, Programme

from .factories import DepartmentFactory, FigureFactory
from .test_importing import HEADERS_2021, _one_row

# Reads what pages say, never the context they were rendered with.
pytestmark = pytest.mark.usefixtures("plain_templates")

BUDGET = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
ODD_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
    max_size=60,
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=None).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(
        ["1e308", "-0", "£-5", "(12)", "12%", "1,2,3", "0x1F", "٣", "1 000", ""]
    ),
)
DATES = st.one_of(
    st.sampled_from(
        [
            "31/02/2021",
            "2021-13-01",
            "00/00/0000",
            "9999-12-31",
            "yesterday",
            "1/1/1",
            "2021-02-29",
        ]
    ),
    ODD_TEXT,
)


def _counts():
    return (
        Programme.objects.count(),
        FinancialFigure.objects.count(),
        ImportedFile.objects.count(),
    )


@pytest.fixture
def synthetic(db):
    return DepartmentFactory(
        name="Synthetic Office", abbreviation="SYN", slug="synthetic-office"
    )


@pytest.mark.django_db
@BUDGET
@given(
    data=st.binary(max_size=400),
    name=st.sampled_from(["SYN_March_2021.csv", "x.xlsx", "SYN_March_2021.xlsx"]),
)
def test_any_bytes_are_refused_cleanly_or_imported_whole(synthetic, data, name):
    before = _counts()

    result = import_files([(name, data)], dry_run=True)

    assert _counts() == before
    for problem in result.problems:
        assert name in str(problem)


@pytest.mark.django_db
@BUDGET
@given(
    money=NUMBERS,
    variance=NUMBERS,
    start=DATES,
    end=DATES,
    project=ODD_TEXT,
    rating=ODD_TEXT,
)
def test_odd_cells_are_imported_or_refused_naming_row_and_column(
    synthetic, money, variance, start, end, project, rating
):
    row = _one_row(
        **{
            HEADERS_2021[14]: money,
            HEADERS_2021[12]: variance,
            HEADERS_2021[7]: start,
            HEADERS_2021[8]: end,
            "Project Name": project,
            HEADERS_2021[5]: rating,
        }
    )
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADERS_2021, row])
    before = _counts()

    result = import_files([("SYN_March_2021.csv", buffer.getvalue().encode("utf-8"))])

    event("imported" if result.ok else "refused")
    if result.ok:
        assert Programme.objects.filter(gmpp_id="SYN_1").count() == 1
    else:
        assert _counts() == before
        for problem in result.problems:
            text = str(problem)
            assert "SYN_March_2021.csv" in text
            assert ("row 2" in text and "column" in text) or "row" not in text


@pytest.mark.django_db
@BUDGET
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "department",
                "rating",
                "category",
                "status",
                "q",
                "sort",
                "page",
                "financial_year",
                "as_at",
                "_export",
                "download",
                "programme",
                "user",
                "field",
                "date_from",
                "date_to",
            ]
        ),
        ODD_TEXT,
        max_size=5,
    ),
    path=st.sampled_from(
        [
            "/",
            "/programmes/",
            "/departments/",
            "/reports/budget/",
            "/reports/changes/",
            "/disruptions/",
            "/api/v1/programmes/",
        ]
    ),
)
def test_odd_query_strings_never_cause_a_server_error(auditor_client, params, path):
    before = _counts()

    response = auditor_client.get(path, params)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)

    assert response.status_code in {200, 400, 404}
    assert _counts() == before


@pytest.mark.django_db
@BUDGET
@given(
    amount=NUMBERS,
    year=st.one_of(st.integers(-5, 5000).map(str), ODD_TEXT),
    date=DATES,
    text=ODD_TEXT,
)
def test_admin_figure_form_explains_bad_values_and_writes_nothing(
    admin_client, amount, year, date, text
):
    figure = FigureFactory.build()
    figure.programme.department.save()
    figure.programme.department_id = figure.programme.department.pk
    figure.programme.save()
    figure.source.save()
    before = FinancialFigure.objects.count()

    response = admin_client.post(
        "/admin/programmes/financialfigure/add/",
        {
            "programme": figure.programme.pk,
            "measure": "cost",
            "kind": "baseline",
            "period": "year",
            "financial_year": year,
            "data_date": date,
            "amount_gbp": amount,
            "withheld_text": text,
            "price_basis": "nominal",
            "source": figure.source.pk,
        },
    )

    assert response.status_code in {200, 302}
    if response.status_code == 200:
        assert FinancialFigure.objects.count() == before
        assert "errornote" in response.content.decode()
