from decimal import Decimal

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.utils import timezone

from accounts.services import create_user_with_role
from programmes import services
from programmes.models import ChangeLogEntry, ExportLog, FinancialFigure, Programme

from .exporting import _csv, _xlsx

# Reads what pages say, never the context they were rendered with.
pytestmark = pytest.mark.usefixtures("plain_templates")


def _db_yearly_total(kind, **filters):
    return (
        FinancialFigure.objects.current()
        .filter(measure="cost", period="year", kind=kind, **filters)
        .total_gbp()
    )


def _lines_and_totals(rows):
    """A budget CSV's lines, and its totals rows by price basis."""
    lines = [r for r in rows if not r["Department"].startswith("Total, ")]
    totals = {
        r["Price basis"]: r for r in rows if r["Department"].startswith("Total, ")
    }
    return lines, totals


def _sum(rows, column, basis="Nominal"):
    return sum(
        (
            Decimal(r[column])
            for r in rows
            if r["Price basis"] == basis and r[column] not in ("[x]", "[c]", "[z]")
        ),
        Decimal(0),
    )


@pytest.mark.django_db
def test_csv_export_totals_equal_the_database_to_the_penny(auditor_client, demo_data):
    response = auditor_client.get("/reports/budget/?_export=csv")

    header, rows = _csv(response)
    data, totals = _lines_and_totals(rows)
    nominal = {"price_basis": "nominal"}
    assert _sum(data, "Baseline (£)") == _db_yearly_total("baseline", **nominal)
    assert Decimal(totals["Nominal"]["Baseline (£)"]) == _db_yearly_total(
        "baseline", **nominal
    )
    assert Decimal(totals["Nominal"]["Forecast (£)"]) == _db_yearly_total(
        "forecast", **nominal
    )
    # Real-terms figures (the 2025-26 release) are totalled apart, never added in.
    real = [t for basis, t in totals.items() if basis.startswith("Real")]
    assert len(real) == 1
    assert Decimal(real[0]["Baseline (£)"]) == _db_yearly_total(
        "baseline", price_basis="real"
    )
    nominal_lines = [r for r in data if r["Price basis"] == "Nominal"]
    assert totals["Nominal"]["Department"] == (
        f"Total, nominal ({len(nominal_lines)} rows)"
    )
    # No actuals were published: the total says so rather than £0.
    assert totals["Nominal"]["Actual (£)"] == "[x]"
    assert header["Made by"] == "auditor"
    assert header["Data up to and including"] == "2026-03-31"
    assert "Government Major Projects Portfolio" in header["Source"]


@pytest.mark.django_db
def test_xlsx_export_holds_numbers_as_numbers_and_totals_match(
    auditor_client, demo_data
):
    response = auditor_client.get(
        "/reports/budget/?department=ministry-of-justice&_export=xlsx"
    )

    workbook = _xlsx(response)
    assert workbook.sheetnames == ["Cover", "Notes", "Data"]
    sheet = workbook["Data"]
    rows = list(sheet.iter_rows(values_only=True))
    columns = rows[0]
    baseline_col = columns.index("Baseline (£)")
    basis_col = columns.index("Price basis")
    data = [r for r in rows[1:] if not str(r[0]).startswith("Total, ")]
    cells = [
        row[baseline_col]
        for row in data
        if row[baseline_col] not in ("[x]", "[c]") and row[basis_col] == "Nominal"
    ]
    assert all(isinstance(c, (int, float)) for c in cells)
    total = sum(Decimal(str(c)) for c in cells)
    expected = _db_yearly_total(
        "baseline", programme__department__abbreviation="MOJ", price_basis="nominal"
    )
    assert total == expected
    nominal_total = next(r for r in rows if r[0] and r[0].startswith("Total, nominal"))
    assert Decimal(str(nominal_total[baseline_col])) == expected
    money_cell = sheet.cell(row=2, column=baseline_col + 1)
    assert "£" in money_cell.number_format
    cover = {
        r[0]: r[1] for r in workbook["Cover"].iter_rows(min_row=2, values_only=True)
    }
    assert cover["Filters"] == "Department: Ministry of Justice"


@pytest.mark.django_db
def test_every_export_is_logged(auditor_client, demo_data):
    response = auditor_client.get("/reports/budget/?financial_year=2020-21&_export=csv")
    _, rows = _csv(response)

    log = ExportLog.objects.get()
    assert log.username == "auditor"
    assert log.report == "budget-report"
    assert log.export_format == "csv"
    assert log.filters == {"Financial year": "2020-21"}
    assert log.row_count == len(_lines_and_totals(rows)[0])
    page = auditor_client.get("/reports/exports/").content.decode()
    assert "budget-report" in page
    assert "Financial year: 2020-21" in page


@pytest.mark.django_db
def test_bad_filters_name_the_field_and_value(auditor_client, demo_data):
    year = auditor_client.get(
        "/reports/budget/?financial_year=2020-22"
    ).content.decode()
    when = auditor_client.get("/reports/budget/?as_at=yesterday").content.decode()
    fmt = auditor_client.get("/reports/budget/?_export=pdf")

    assert "Financial year: &#x27;2020-22&#x27; is not a financial year" in year
    assert "As at: &#x27;yesterday&#x27; is not a date" in when
    assert fmt.status_code == 400
    assert "There is no &#x27;pdf&#x27; export" in fmt.content.decode()
    assert not ExportLog.objects.exists()


@pytest.mark.django_db
def test_page_totals_equal_the_database(auditor_client, demo_data):
    page = auditor_client.get(
        "/reports/budget/?department=ministry-of-justice"
    ).content.decode()

    from programmes.money import format_gbp_whole

    expected = _db_yearly_total("baseline", programme__department__abbreviation="MOJ")
    assert format_gbp_whole(expected) in page


@pytest.mark.django_db
def test_admin_edit_appears_in_the_change_log_with_the_editors_name(client, demo_data):
    editor = create_user_with_role(
        username="moj-editor",
        role="programme-admin",
        password="a-long-test-password-1",
        departments=list(
            Programme.objects.get(
                slug="hmcts-reform"
            ).department.__class__.objects.filter(abbreviation="MOJ")
        ),
    )
    client.force_login(editor)
    figure = FinancialFigure.objects.get(
        programme__slug="hmcts-reform",
        kind="baseline",
        period="year",
        financial_year=2020,
    )
    from .test_admin import _figure_change_post

    response = client.post(
        f"/admin/programmes/financialfigure/{figure.pk}/change/",
        _figure_change_post(
            figure, amount_gbp="258170000.00", change_reason="Typo: 258.17m"
        ),
    )
    assert response.status_code == 302
    auditor = create_user_with_role(
        username="reader", role="auditor", password="a-long-test-password-1"
    )
    client.force_login(auditor)

    page = client.get(
        "/reports/changes/?user=moj-editor&field=amount (£)"
    ).content.decode()
    _, rows = _csv(client.get("/reports/changes/?programme=hmcts-reform&_export=csv"))

    assert "moj-editor" in page
    assert "258160000.00" in page
    assert "258170000.00" in page
    assert "Typo: 258.17m" in page
    change = [r for r in rows if r["Field"] == "amount (£)"][0]
    assert change["Who"] == "moj-editor"
    assert change["Old value"] == "258160000.00"
    assert change["New value"] == "258170000.00"


@pytest.mark.django_db
def test_as_at_report_shows_the_old_figure_before_an_edit_and_the_new_after(
    auditor_client, demo_data
):
    figure = FinancialFigure.objects.get(
        programme__slug="hmcts-reform",
        kind="baseline",
        period="year",
        financial_year=2020,
    )
    before_edit = timezone.now()
    services.correct_figure(
        figure=figure, amount_gbp=Decimal("258170000.00"), reason="typo"
    )
    after_edit = timezone.now()

    def baseline(as_at):
        url = f"/reports/budget/?department=ministry-of-justice&financial_year=2020-21&as_at={as_at}&_export=csv"
        _, rows = _csv(auditor_client.get(url))
        return next(r["Baseline (£)"] for r in rows if r["Programme"] == "HMCTS Reform")

    old = baseline(timezone.localtime(before_edit).strftime("%Y-%m-%dT%H:%M:%S.%f"))
    new = baseline(timezone.localtime(after_edit).strftime("%Y-%m-%dT%H:%M:%S.%f"))
    assert Decimal(old) == Decimal("258160000.00")
    assert Decimal(new) == Decimal("258170000.00")


@pytest.mark.django_db
def test_as_at_a_date_before_the_figure_existed_has_no_row(auditor_client, demo_data):
    _, rows = _csv(auditor_client.get("/reports/budget/?as_at=2000-01-01&_export=csv"))
    page = auditor_client.get("/reports/budget/?as_at=2000-01-01").content.decode()

    assert rows == []
    assert "No figures had been recorded by 1 January 2000" in page


UNFINISHED = {"Export": "started, not finished (failed, stopped or still running)"}


@pytest.mark.django_db
def test_a_streamed_export_is_logged_when_it_starts(auditor_client, demo_data):
    response = auditor_client.get("/reports/changes/?user=nobody&_export=csv")

    started = ExportLog.objects.get()
    b"".join(response.streaming_content)
    finished = ExportLog.objects.get()

    assert started.filters == {"Changed by (username)": "nobody", **UNFINISHED}
    assert finished.filters == {"Changed by (username)": "nobody"}
    assert finished.row_count == 0


@pytest.mark.django_db
def test_an_abandoned_export_stream_still_leaves_its_log_row(rf, demo_data):
    from accounts.services import create_user_with_role
    from programmes.views.reports import change_log_report

    request = rf.get("/reports/changes/", {"_export": "csv"})
    request.user = create_user_with_role(
        username="auditor", role="auditor", password="a-long-test-password-1"
    )
    # The view called as a WSGI server would, without the test client's wrapping.
    response = change_log_report(request)
    stream = iter(response.streaming_content)

    next(stream)  # the client reads the first line, then goes away
    # request_finished would close the test's own connection (it is inside the
    # test's transaction) on PostgreSQL, as Django's test client also avoids.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)

    log = ExportLog.objects.get()
    assert log.report == "change-log"
    assert log.username == "auditor"
    assert log.filters == UNFINISHED
    assert ChangeLogEntry.objects.exists()  # there were rows it did not send


@pytest.mark.django_db
def test_a_finished_xlsx_export_has_its_row_count(auditor_client, demo_data):
    auditor_client.get("/reports/changes/?_export=xlsx")

    log = ExportLog.objects.get()
    assert log.filters == {}
    assert log.row_count == ChangeLogEntry.objects.count()


@pytest.mark.django_db
def test_every_change_log_line_names_its_record_as_its_history_keeps_it(demo_data):
    """The log names the row as saved; that must be what its history record says,
    for rows added, changed and deleted (the first lines of each kind of record)."""
    from django.apps import apps

    from programmes.models import DisruptionImpact

    figure = FinancialFigure.objects.filter(financial_year__isnull=False).first()
    figure.withheld_text, figure.amount_gbp = "Exempt", None
    figure._change_reason = "Test: withheld"
    figure.save()
    figure.delete()
    checked = set()
    for model in apps.get_app_config("programmes").get_models():
        if not hasattr(model, "history") or model is DisruptionImpact:
            continue
        entries = ChangeLogEntry.objects.filter(
            model_label=str(model._meta.verbose_name).capitalize(),
            history_id__isnull=False,
        ).order_by("-pk")[:10]
        records = model.history.in_bulk([e.history_id for e in entries])
        for entry in entries:
            expected = str(records[entry.history_id].instance)[:300]
            assert entry.object_repr == expected, (model.__name__, entry.action)
            checked.add((model.__name__, entry.action))
    assert {"+", "~", "-"} <= {
        action for name, action in checked if name == "FinancialFigure"
    }
    assert len({name for name, _ in checked}) >= 8
