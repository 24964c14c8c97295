"""The GMPP importer against real published files (from ../shared when it is there)
and against files made here in every header generation and every odd format."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from programmes.gmpp import header_meaning
from programmes.importing import import_files
from programmes.models import (
    DeliveryConfidenceAssessment,
    FinancialFigure,
    ImportedFile,
    Narrative,
    Programme,
    Provenance,
)

from .conftest import SHARED_DATA
from .factories import DepartmentFactory

D = datetime.date
HEADERS_2021 = [
    "GMPP ID Number",
    "Project Name",
    "Department",
    "Annual Report Category",
    "Description / Aims",
    "IPA Delivery Confidence Assessment (A Delivery Confidence Assessment of the project at a fixed point in time, using a five-point scale)",
    "Departmental commentary on actions planned or taken on the IPA RAG rating.",
    "Project - Start Date (Latest Approved Start Date)",
    "Project - End Date (Latest Approved End Date)",
    "Departmental narrative on schedule, including any deviation from planned schedule (if necessary)",
    "Financial Year Baseline (£m) (including Non-Government Costs)",
    "Financial Year Forecast (£m) (including Non-Government Costs)",
    "Financial Year Variance (%)",
    "Departmental narrative on budget/forecast variance for 2020/21 (if variance is more than 5%)",
    "TOTAL Baseline Whole Life Costs (£m) (including Non-Government Costs)",
    "Departmental Narrative on Budgeted Whole Life Costs",
]
HEADERS_2013 = [
    "Project Name",
    "Department",
    "Description / Aims",
    "MPA RAG rating",
    "Start Date",
    "End Date",
    "Baseline (£m)",
    "Forecast (£m)",
    "Variance (%)",
    "Whole life cost (£m)",
]
HEADERS_2023 = [
    "GMPP ID Number",
    "Project Name",
    "Department",
    "IPA Delivery Confidence Assessment",
    "SRO Delivery Confidence Assessment",
    "Project - Start Date (Latest Approved Start Date)",
    "Project - End Date (Latest Approved End Date)",
    "Financial Year Baseline (£m) (including Non-Government Costs)",
    "Financial Year Forecast (£m) (including Non-Government Costs)",
    "Financial Year Variance (%)",
    "TOTAL Baseline Whole Life Costs (£m) (including Non-Government Costs)",
    "TOTAL Baseline Benefits (£m)",
    "Departmental Narrative on Budgeted Benefits",
]
HEADERS_2025 = [
    "Major Projects ID",
    "Project Name",
    "Department",
    "NISTA Delivery Confidence Assessment",
    "Start Date",
    "End Date",
    "Financial Year Baseline (£m)",
    "Financial Year Forecast (£m)",
    "Financial Year Variance (%)",
    "Whole Life Cost (£m)",
    "Benefits (£m)",
]


def make_csv(headers, rows, *, encoding="utf-8", bom=False):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    text = buffer.getvalue()
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def make_xlsx(headers, rows, *, title_rows=0):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for _ in range(title_rows):
        sheet.append(["Government Major Projects Portfolio data"])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def department(db):
    return DepartmentFactory(
        name="Synthetic Office", abbreviation="SYN", slug="synthetic-office"
    )


def _import(name, data, **kwargs):
    result = import_files([(name, data)], **kwargs)
    assert result.ok, [str(p) for p in result.problems]
    return result


# Header generations -----------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "meaning"),
    [
        ("GMPP ID Number", "gmpp_id"),
        ("GMPP ID", "gmpp_id"),
        ("Major Projects ID", "gmpp_id"),
        ("MPA RAG rating", "ipa_rating"),
        (
            "IPA Delivery Confidence Assessment (long explanation, Red – Amber/Red)",
            "ipa_rating",
        ),
        ("SRO Delivery Confidence Assessment", "sro_rating"),
        (
            "Departmental commentary on actions planned or taken on the IPA RAG rating.",
            "rating_commentary",
        ),
        ("Start Date", "start_date"),
        ("Project - End Date (Latest Approved End Date)", "end_date"),
        ("Whole Life Cost (£m) (including Non-Government Costs)", "whole_life_cost"),
        (
            "TOTAL Baseline Whole Life Costs (£m) (including Non-Government Costs)",
            "whole_life_cost",
        ),
        ("Departmental Narrative on Budgeted Whole Life Costs", "whole_life_narrative"),
        ("TOTAL Baseline Benefits (£m)", "benefits"),
        (
            "Financial Year Baseline (£m) (including Non-Government Costs)",
            "fy_baseline",
        ),
        ("Financial Year Forecast (£m)", "fy_forecast"),
        ("Financial Year Variance (%)", "fy_variance"),
        (
            "Departmental narrative on budget/forecast variance for 2019/20 (if variance is more than 5%)",
            "variance_narrative",
        ),
        ("Something else entirely", None),
    ],
)
def test_headers_are_matched_by_meaning(header, meaning):
    assert header_meaning(header) == meaning


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "row", "name", "data_date"),
    [
        (
            HEADERS_2013,
            [
                "Synthetic 2013",
                "SYN",
                "Aims",
                "Amber/Red",
                "01/04/2011",
                "31/03/2015",
                "10.5",
                "9.5",
                "-10%",
                "120",
            ],
            "gmpp-data-SYN-q2-2012-13.csv",
            D(2012, 9, 30),
        ),
        (
            HEADERS_2021,
            [
                "SYN_0001_2021-Q1",
                "Synthetic 2021",
                "SYN",
                "ICT",
                "Aims",
                "Amber/red",
                "Comment",
                "2019-04-01",
                "2023-03-31",
                "On track",
                "10.5",
                "9.5",
                "-10",
                "Under",
                "120",
                "Fine",
            ],
            "SYN_Government_Major_Projects_Portfolio_Data_March_2021.csv",
            D(2021, 3, 31),
        ),
        (
            HEADERS_2023,
            [
                "SYN_0001_2021-Q1",
                "Synthetic 2023",
                "SYN",
                "",
                "AMBER",
                "2019-04-01",
                "2023-03-31",
                "10.5",
                "9.5",
                "-10",
                "120",
                "300",
                "Cashable",
            ],
            "SYN_March_2023.csv",
            D(2023, 3, 31),
        ),
        (
            HEADERS_2025,
            [
                "SYN_0001_2021-Q1",
                "Synthetic 2025",
                "SYN",
                "GREEN",
                "2019-04-01",
                "2023-03-31",
                "10.5",
                "9.5",
                "10",
                "120",
                "300",
            ],
            "synthetic_annual_report_data_March_2025.csv",
            D(2025, 3, 31),
        ),
    ],
    ids=["2013", "2021", "2023", "2025"],
)
def test_every_header_generation_imports(department, headers, row, name, data_date):
    _import(name, make_csv(headers, [row]))

    programme = Programme.objects.get(department=department)
    figures = programme.figures.filter(data_date=data_date)
    assert figures.get(kind="baseline", period="year").amount_gbp == Decimal(
        "10500000.00"
    )
    assert figures.get(kind="forecast", period="year").amount_gbp == Decimal(
        "9500000.00"
    )
    assert figures.get(period="whole_life", measure="cost").amount_gbp == Decimal(
        "120000000.00"
    )
    assert programme.assessments.get(data_date=data_date).rating in {
        "amber_red",
        "amber",
        "green",
    }
    assert programme.schedule_snapshots.get(data_date=data_date).end_date is not None


@pytest.mark.django_db
def test_sro_rating_and_benefits_from_2023(department):
    _import(
        "SYN_March_2023.csv",
        make_csv(
            HEADERS_2023,
            [
                [
                    "SYN_1",
                    "P",
                    "SYN",
                    "",
                    "AMBER",
                    "",
                    "",
                    "1",
                    "1",
                    "0",
                    "10",
                    "300",
                    "Cashable savings",
                ]
            ],
        ),
    )

    rating = DeliveryConfidenceAssessment.objects.get()
    benefits = FinancialFigure.objects.get(measure="benefit")
    assert rating.assessor == "sro"
    assert rating.scale == "three_point"
    assert benefits.amount_gbp == Decimal("300000000.00")
    assert Narrative.objects.get(topic="benefits").text == "Cashable savings"


# Odd values ---------------------------------------------------------------------


def _one_row(**cells):
    base = dict(
        zip(
            HEADERS_2021,
            [
                "SYN_1",
                "Odd",
                "SYN",
                "",
                "",
                "Amber",
                "",
                "2019-04-01",
                "2023-03-31",
                "",
                "1",
                "1",
                "0",
                "",
                "10",
                "",
            ],
            strict=True,
        )
    )
    base.update(cells)
    return [base[h] for h in HEADERS_2021]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cell", "stored", "withheld"),
    [
        ("£1,234.5", Decimal("1234500000.00"), ""),
        ("1234.567", Decimal("1234567000.00"), ""),
        (" 12 ", Decimal("12000000.00"), ""),
        (
            "Exempt under Section 43 (commercial interests)",
            None,
            "Exempt under Section 43 (commercial interests)",
        ),
        ("0", Decimal("0.00"), ""),
    ],
)
def test_odd_money_cells(department, cell, stored, withheld):
    header = HEADERS_2021[14]

    _import("SYN_March_2021.csv", make_csv(HEADERS_2021, [_one_row(**{header: cell})]))

    figure = FinancialFigure.objects.get(period="whole_life")
    assert figure.amount_gbp == stored
    assert figure.withheld_text == withheld


@pytest.mark.django_db
@pytest.mark.parametrize("cell", ["N/A", "-", "", "n/a", "—"])
def test_not_reported_cells_store_nothing(department, cell):
    _import(
        "SYN_March_2021.csv",
        make_csv(HEADERS_2021, [_one_row(**{HEADERS_2021[14]: cell})]),
    )

    assert not FinancialFigure.objects.filter(period="whole_life").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cell",
    [
        "31/03/2023",
        "2023-03-31",
        "31-03-2023",
        "31 March 2023",
        "31 Mar 2023",
        "31/03/23",
    ],
)
def test_date_formats(department, cell):
    _import(
        "SYN_March_2021.csv",
        make_csv(HEADERS_2021, [_one_row(**{HEADERS_2021[8]: cell})]),
    )

    assert Programme.objects.get().latest_end_date == D(2023, 3, 31)


@pytest.mark.django_db
def test_percent_signs_and_blank_trailing_rows(department):
    rows = [_one_row(**{HEADERS_2021[12]: "12%"}), [""] * 16, [], ["", "", ""]]

    _import("SYN_March_2021.csv", make_csv(HEADERS_2021, rows))

    forecast = FinancialFigure.objects.get(kind="forecast")
    assert forecast.published_variance_pct == Decimal("12.00")
    assert Programme.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("cp1252", False)]
)
def test_encodings(department, encoding, bom):
    row = _one_row(**{"Project Name": "Café – “Prisons” £ programme"})

    _import(
        "SYN_March_2021.csv", make_csv(HEADERS_2021, [row], encoding=encoding, bom=bom)
    )

    assert Programme.objects.get().name == "Café – “Prisons” £ programme"


@pytest.mark.django_db
def test_xlsx_with_title_rows_dates_and_numbers(department):
    row = _one_row()
    row[7] = datetime.datetime(2019, 4, 1)  # noqa: DTZ001 - Excel dates are naive
    row[8] = datetime.datetime(2023, 3, 31)  # noqa: DTZ001
    row[10] = 10.25
    row[14] = 1234.56

    _import("SYN_March_2021.xlsx", make_xlsx(HEADERS_2021, [row], title_rows=2))

    programme = Programme.objects.get()
    assert programme.latest_end_date == D(2023, 3, 31)
    assert programme.figures.get(kind="baseline", period="year").amount_gbp == Decimal(
        "10250000.00"
    )
    assert programme.figures.get(period="whole_life").amount_gbp == Decimal(
        "1234560000.00"
    )
    assert Provenance.objects.filter(row=4).exists()  # two title rows, then the header


@pytest.mark.django_db
def test_a_sentence_in_the_rating_is_kept_with_the_rating_not_set(department):
    sentence = "The project is still at the planning stage and is not yet rated."

    result = _import(
        "SYN_March_2021.csv",
        make_csv(HEADERS_2021, [_one_row(**{HEADERS_2021[5]: sentence})]),
    )

    rating = DeliveryConfidenceAssessment.objects.get()
    assert rating.rating == "not_set"
    assert rating.raw_text == sentence
    assert any("is not a rating" in w for w in result.warnings)


@pytest.mark.django_db
def test_unknown_column_is_reported_and_map_reads_it(department):
    headers = [*HEADERS_2021, "Whole-of-life benefits in millions"]
    headers[14] = "Cost over the programme's lifetime"
    data = make_csv(headers, [[*_one_row(), "55"]])

    plain = import_files([("SYN_March_2021.csv", data)], dry_run=True)
    mapped = _import(
        "SYN_March_2021.csv",
        data,
        overrides={
            "cost over the programme's lifetime": "whole_life_cost",
            "whole-of-life benefits in millions": "benefits",
        },
    )

    assert any("was not recognised" in w for w in plain.warnings)
    assert mapped.ok
    assert FinancialFigure.objects.get(measure="benefit").amount_gbp == Decimal(
        "55000000.00"
    )
    assert FinancialFigure.objects.get(
        measure="cost", period="whole_life"
    ).amount_gbp == Decimal("10000000.00")


# Safety -------------------------------------------------------------------------


def _snapshot_counts():
    return (
        Programme.objects.count(),
        FinancialFigure.objects.count(),
        ImportedFile.objects.count(),
        DeliveryConfidenceAssessment.objects.count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        (
            {HEADERS_2021[10]: "twelve"},
            HEADERS_2021[10],
            "'twelve' is not an amount in £m",
        ),
        ({HEADERS_2021[14]: "12%"}, HEADERS_2021[14], "'12%' is not an amount in £m"),
        ({HEADERS_2021[14]: "-5"}, HEADERS_2021[14], "is negative"),
        ({HEADERS_2021[8]: "31/31/2023"}, HEADERS_2021[8], "is not a date"),
        ({HEADERS_2021[8]: "2018-01-01"}, HEADERS_2021[8], "is before the start date"),
        ({"Project Name": ""}, "Project Name", "the project name is empty"),
        (
            {"Department": "Ministry of Magic"},
            "Department",
            "is not a known department",
        ),
    ],
)
def test_a_bad_cell_names_row_and_column_and_nothing_is_written(
    department, cells, column, message
):
    good = _one_row(**{"GMPP ID Number": "SYN_GOOD", "Project Name": "Good"})
    bad = _one_row(**cells)
    before = _snapshot_counts()

    result = import_files(
        [("SYN_March_2021.csv", make_csv(HEADERS_2021, [good, bad]))],
        create_departments=False,
    )

    assert not result.ok
    problem = str(result.problems[0])
    assert "SYN_March_2021.csv, row 3" in problem
    assert f"column {column!r}" in problem
    assert message in problem
    assert _snapshot_counts() == before


@pytest.mark.django_db
def test_missing_column_is_named(department):
    headers = [h for h in HEADERS_2021 if h != "Department"]
    rows = [
        [c for h, c in zip(HEADERS_2021, _one_row(), strict=True) if h != "Department"]
    ]

    result = import_files([("SYN_March_2021.csv", make_csv(headers, rows))])

    assert "column 'Department': this column is missing" in str(result.problems[0])


@pytest.mark.django_db
def test_data_date_that_cannot_be_told_fails_clearly(department):
    headers = [h.replace("for 2020/21 ", "") for h in HEADERS_2021]

    result = import_files([("projects.csv", make_csv(headers, [_one_row()]))])
    given = _import(
        "projects.csv", make_csv(headers, [_one_row()]), data_date=D(2021, 3, 31)
    )

    assert "--data-date" in str(result.problems[0])
    assert given.ok


@pytest.mark.django_db
def test_one_bad_file_of_several_writes_nothing(department):
    good = make_csv(HEADERS_2021, [_one_row()])
    bad = make_csv(HEADERS_2021, [_one_row(**{HEADERS_2021[10]: "lots"})])

    result = import_files([("SYN_March_2021.csv", good), ("SYN_March_2022.csv", bad)])

    assert not result.ok
    assert Programme.objects.count() == 0


@pytest.mark.django_db
def test_files_apply_in_data_date_order_whatever_order_given(department):
    headers = [h.replace("for 2020/21 ", "") for h in HEADERS_2021]
    newer = make_csv(headers, [_one_row(**{HEADERS_2021[14]: "200"})])
    older = make_csv(headers, [_one_row(**{HEADERS_2021[14]: "100"})])

    _import_many = import_files(
        [("SYN_March_2022.csv", newer), ("SYN_March_2021.csv", older)], data_date=None
    )

    assert _import_many.ok
    current = FinancialFigure.objects.get(period="whole_life", is_current=True)
    assert current.amount_gbp == Decimal("200000000.00")
    assert current.data_date == D(2022, 3, 31)


@pytest.mark.django_db
def test_dry_run_writes_nothing_and_reports(department):
    result = import_files(
        [("SYN_March_2021.csv", make_csv(HEADERS_2021, [_one_row()]))], dry_run=True
    )

    assert result.ok
    assert result.counter.changes > 0
    assert Programme.objects.count() == 0


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing(department):
    data = make_csv(HEADERS_2021, [_one_row()])
    _import("SYN_March_2021.csv", data)
    history = FinancialFigure.history.count()

    again = _import("SYN_March_2021.csv", data)

    assert again.counter.changes == 0
    assert FinancialFigure.history.count() == history
    assert ImportedFile.objects.count() == 1


@pytest.mark.django_db
def test_every_figure_links_to_its_file_row_and_column(department):
    _import("SYN_March_2021.csv", make_csv(HEADERS_2021, [_one_row()]))

    figure = FinancialFigure.objects.get(period="whole_life")
    provenance = Provenance.objects.get(
        model_label="programmes.FinancialFigure", object_id=figure.pk
    )
    stored = ImportedFile.objects.get()
    assert provenance.row == 2
    assert provenance.column == HEADERS_2021[14]
    assert bytes(stored.content) == make_csv(HEADERS_2021, [_one_row()])
    assert len(stored.sha256) == 64


# Real published files -----------------------------------------------------------

REAL = ["MOJ_March_2021.csv", "HMRC_March_2021.csv", "DWP_March_2021.csv"]


def _real(name):
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip("../shared/data is not here")
    return path


def _file_sums(path):
    with path.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["Project Name"]]
    columns = [c for c in rows[0] if "(£m)" in c]
    sums = {
        c: sum((Decimal(r[c]) for r in rows if r[c].strip()), Decimal(0))
        for c in columns
    }
    return rows, sums


@pytest.mark.django_db
@pytest.mark.parametrize("name", REAL)
def test_real_file_counts_ratings_and_money_match_the_file(demo_data, name):
    path = _real(name)
    rows, sums = _file_sums(path)

    call_command("import_gmpp", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    data_date = D(2021, 3, 31)
    ids = [r["GMPP ID Number"] for r in rows]
    assert Programme.objects.filter(gmpp_id__in=ids).count() == len(rows)
    assert DeliveryConfidenceAssessment.objects.filter(
        programme__gmpp_id__in=ids, data_date=data_date
    ).count() == len(
        [
            r
            for r in rows
            if r[next(c for c in r if c.startswith("IPA Delivery"))].strip()
        ]
    )
    figures = FinancialFigure.objects.filter(
        programme__gmpp_id__in=ids, data_date=data_date
    )
    for column, total in sums.items():
        kind = {"Baseline": "baseline", "Forecast": "forecast"}
        if column.startswith("Financial Year Baseline"):
            chosen = figures.filter(period="year", kind="baseline")
        elif column.startswith("Financial Year Forecast"):
            chosen = figures.filter(period="year", kind="forecast")
        else:
            chosen = figures.filter(period="whole_life", measure="cost")
        assert chosen.total_gbp() == total * Decimal(1000000), (column, kind)


@pytest.mark.django_db
def test_demo_data_then_moj_file_changes_no_shared_figure_and_again_nothing(demo_data):
    path = _real("MOJ_March_2021.csv")
    shared_before = {
        f.pk: (f.amount_gbp, f.is_current)
        for f in FinancialFigure.objects.filter(
            data_date=D(2021, 3, 31), programme__department__abbreviation="MOJ"
        )
    }

    first = import_files([(path.name, path.read_bytes())])
    second = import_files([(path.name, path.read_bytes())])

    assert first.counter.counts["financial figures"]["changed"] == 0
    assert first.counter.counts["delivery confidence assessments"]["changed"] == 0
    assert first.counter.counts["sources"]["created"] == 0
    for pk, before in shared_before.items():
        figure = FinancialFigure.objects.get(pk=pk)
        assert (figure.amount_gbp, figure.is_current) == before
    assert second.counter.changes == 0


@pytest.mark.django_db
def test_a_real_import_and_the_statuses_it_set_undo_together(demo_data):
    """The statuses an import sets from its release are part of that import: undo
    takes them back with its figures instead of refusing them as a later edit."""
    from programmes.importing import undo_import
    from programmes.models import ImportedFile, Programme

    path = _real("MOJ_March_2021.csv")
    before = {
        p.pk: (p.status, p.status_date, p.status_source_id)
        for p in Programme.objects.all()
    }
    figures_before = _snapshot_counts()

    result = import_files([(path.name, path.read_bytes())], allow_move=True)
    assert result.written, result.problems
    imported = ImportedFile.objects.get(name=path.name)
    # Programmes the file brought in, each given its status from the release.
    assert Programme.objects.exclude(pk__in=before).exclude(status="").exists()

    undo_import(imported)

    after = {
        p.pk: (p.status, p.status_date, p.status_source_id)
        for p in Programme.objects.all()
    }
    assert after == before
    assert _snapshot_counts()[:2] == figures_before[:2]


@pytest.mark.django_db
def test_command_exits_non_zero_naming_row_and_column(tmp_path, demo_data):
    path = _real("MOJ_March_2021.csv")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[2][10] = "eight"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    damaged = tmp_path / "MOJ_March_2021.csv"
    damaged.write_text(buffer.getvalue(), encoding="utf-8")
    before = _snapshot_counts()
    errors = io.StringIO()

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_gmpp", str(damaged), stdout=io.StringIO(), stderr=errors)

    assert _snapshot_counts() == before
    assert (
        "'eight' is not an amount in £m" in errors.getvalue()
        or "row" in errors.getvalue()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("31-Mar-2023", D(2023, 3, 31)),
        ("31.03.2023", D(2023, 3, 31)),
        ("March 2023", D(2023, 3, 31)),
        ("Mar-23", D(2023, 3, 31)),
        ("02/2024", D(2024, 2, 29)),
    ],
)
def test_more_date_formats(department, cell, expected):
    _import(
        "SYN_March_2021.csv",
        make_csv(HEADERS_2021, [_one_row(**{HEADERS_2021[8]: cell})]),
    )

    assert Programme.objects.get(department=department).latest_end_date == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cell", "stored"),
    [("TBC", None), ("Not available", None), ("Nil", Decimal("0.00"))],
)
def test_placeholder_words_in_money_cells(department, cell, stored):
    _import(
        "SYN_March_2021.csv",
        make_csv(HEADERS_2021, [_one_row(**{HEADERS_2021[14]: cell})]),
    )

    figures = FinancialFigure.objects.filter(
        period="whole_life", programme__department=department
    )
    assert (figures.get().amount_gbp if stored is not None else figures.exists()) == (
        stored if stored is not None else False
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cell", "rating"),
    [
        ("A/R", "amber_red"),
        ("Amber - Red", "amber_red"),
        ("AMBER/GREEN", "amber_green"),
        ("G", "green"),
    ],
)
def test_rating_spellings(department, cell, rating):
    _import(
        "SYN_March_2021.csv",
        make_csv(HEADERS_2021, [_one_row(**{HEADERS_2021[5]: cell})]),
    )

    assert (
        DeliveryConfidenceAssessment.objects.get(
            programme__department=department
        ).rating
        == rating
    )


@pytest.mark.django_db
def test_note_rows_under_the_table_are_skipped_with_a_warning(department):
    rows = [_one_row(), ["Source: departmental returns"], ["Total", "", "", ""]]

    result = _import("SYN_March_2021.csv", make_csv(HEADERS_2021, rows))

    assert Programme.objects.filter(department=department).count() == 1
    assert any("is not a project row" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("header", "meaning"),
    [
        ("Non-monetised benefits", None),
        ("Monetised Benefits (£m)", "benefits"),
        ("Financial Year Budget (£m)", "fy_baseline"),
        ("Department / Organisation", "department"),
    ],
)
def test_more_header_spellings(header, meaning):
    assert header_meaning(header) == meaning


@pytest.mark.django_db
def test_narratives_show_on_the_programme_page(admin_client, department):
    row = _one_row(
        **{HEADERS_2021[13]: "Underspend because of a late supplier contract."}
    )
    _import("SYN_March_2021.csv", make_csv(HEADERS_2021, [row]))
    programme = Programme.objects.get(department=department)

    page = admin_client.get(f"/programmes/{programme.slug}/").content.decode()

    assert "What the department said" in page
    assert "Underspend because of a late supplier contract." in page
    assert "Narrative on the budget and forecast variance" in page


@pytest.mark.django_db
def test_crlf_inside_a_narrative_is_no_change_against_lf(department):
    from programmes.models import Narrative

    schedule = HEADERS_2021[9]
    lf = make_csv(HEADERS_2021, [_one_row(**{schedule: "Slipped.\nRe-planned."})])
    crlf = make_csv(HEADERS_2021, [_one_row(**{schedule: "Slipped.\r\nRe-planned."})])
    _import("SYN_March_2021.csv", lf)

    again = _import("SYN_March_2021 (saved on Windows).csv", crlf)

    assert Narrative.objects.get().text == "Slipped.\nRe-planned."
    assert again.counter.counts["narratives"]["changed"] == 0
