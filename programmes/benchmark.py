"""`make bench`: server time (kept figures, and the first request after an edit)
and queries of the main pages at 100, 1,000 and 5,000
programmes, beside the plain SQL that computes the same numbers; the CSV export
against PostgreSQL's COPY; export memory; page weight. Prints numbers, judges
nothing (the targets are in the README)."""

import gzip
import io
import statistics
import time
import tracemalloc

from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client

from accounts.services import create_user_with_role

from . import freshness
from .models import Department, FinancialFigure
from .synthetic import generate_portfolio

T = "programmes_financialfigure"
P = "programmes_programme"
A = "programmes_deliveryconfidenceassessment"
D = "programmes_department"

LATEST_RATING = f"""
    SELECT programme_id, rating FROM (
        SELECT programme_id, rating,
               ROW_NUMBER() OVER (PARTITION BY programme_id ORDER BY data_date DESC, assessor) AS n
        FROM {A}) ranked WHERE n = 1"""
WHOLE_LIFE = f"""
    SELECT programme_id, measure, amount_gbp FROM {T}
    WHERE is_current AND kind = 'baseline' AND period = 'whole_life' AND benefit_id IS NULL"""
BUDGET_ROWS = f"""
    SELECT d.name, p.name, f.programme_id, f.financial_year,
           SUM(CASE WHEN f.kind = 'baseline' THEN f.amount_gbp END),
           SUM(CASE WHEN f.kind = 'forecast' THEN f.amount_gbp END),
           SUM(CASE WHEN f.kind = 'actual' THEN f.amount_gbp END),
           MAX(f.data_date), wl.amount_gbp, wb.amount_gbp
    FROM {T} f JOIN {P} p ON p.id = f.programme_id JOIN {D} d ON d.id = p.department_id
    LEFT JOIN ({WHOLE_LIFE}) wl ON wl.programme_id = f.programme_id AND wl.measure = 'cost'
    LEFT JOIN ({WHOLE_LIFE}) wb ON wb.programme_id = f.programme_id AND wb.measure = 'benefit'
    WHERE f.is_current AND f.measure = 'cost' AND f.period = 'year'
    GROUP BY d.name, p.name, f.programme_id, f.financial_year, wl.amount_gbp, wb.amount_gbp
    ORDER BY d.name, p.name, f.financial_year"""


def plain_sql(department_id, programme_id):
    """For each page, the SQL a careful person would write for its numbers."""
    return {
        "/": [
            f"SELECT COUNT(*) FROM {P}",
            f"""SELECT measure, kind, SUM(amount_gbp), COUNT(DISTINCT programme_id) FROM {T}
                WHERE is_current AND period IN ('whole_life', 'to_date') GROUP BY measure, kind""",
            f"SELECT rating, COUNT(*) FROM ({LATEST_RATING}) r GROUP BY rating",
            f"""SELECT p.department_id, w.measure, SUM(w.amount_gbp), COUNT(*)
                FROM ({WHOLE_LIFE}) w JOIN {P} p ON p.id = w.programme_id GROUP BY p.department_id, w.measure""",
            f"""SELECT p.name, r.rating, wl.amount_gbp FROM {P} p
                LEFT JOIN ({LATEST_RATING}) r ON r.programme_id = p.id
                LEFT JOIN ({WHOLE_LIFE}) wl ON wl.programme_id = p.id AND wl.measure = 'cost'
                ORDER BY p.name LIMIT 25""",
        ],
        "department": [
            f"""SELECT f.financial_year, f.measure, f.kind, SUM(f.amount_gbp) FROM {T} f
                JOIN {P} p ON p.id = f.programme_id WHERE p.department_id = {department_id}
                AND f.is_current AND f.period = 'year' GROUP BY 1, 2, 3""",
            f"""SELECT p.id, wl.amount_gbp, wb.amount_gbp, r.rating FROM {P} p
                LEFT JOIN ({WHOLE_LIFE}) wl ON wl.programme_id = p.id AND wl.measure = 'cost'
                LEFT JOIN ({WHOLE_LIFE}) wb ON wb.programme_id = p.id AND wb.measure = 'benefit'
                LEFT JOIN ({LATEST_RATING}) r ON r.programme_id = p.id
                WHERE p.department_id = {department_id}""",
        ],
        "programmes filtered": [
            f"SELECT COUNT(*) FROM {P} WHERE department_id = {department_id}",
            f"""SELECT p.name, r.rating, wl.amount_gbp, wb.amount_gbp FROM {P} p
                LEFT JOIN ({LATEST_RATING}) r ON r.programme_id = p.id
                LEFT JOIN ({WHOLE_LIFE}) wl ON wl.programme_id = p.id AND wl.measure = 'cost'
                LEFT JOIN ({WHOLE_LIFE}) wb ON wb.programme_id = p.id AND wb.measure = 'benefit'
                WHERE p.department_id = {department_id} ORDER BY p.name LIMIT 25""",
        ],
        "budget report": [
            f"SELECT COUNT(*), SUM(b), SUM(f) FROM (SELECT programme_id, financial_year, "
            f"SUM(CASE WHEN kind='baseline' THEN amount_gbp END) b, SUM(CASE WHEN kind='forecast' "
            f"THEN amount_gbp END) f FROM {T} WHERE is_current AND measure='cost' AND period='year' "
            f"GROUP BY programme_id, financial_year) t",
            BUDGET_ROWS + " LIMIT 50",
        ],
        "programme": [
            f"""SELECT f.financial_year, f.measure, f.kind, SUM(f.amount_gbp) FROM {T} f
                WHERE f.programme_id = {programme_id} AND f.is_current GROUP BY 1, 2, 3""",
            f"SELECT * FROM {A} WHERE programme_id = {programme_id} ORDER BY data_date",
        ],
        "disruptions": [
            """SELECT d.name, COUNT(i.id), SUM(i.cost_impact_gbp), SUM(i.schedule_impact_days)
               FROM programmes_disruption d LEFT JOIN programmes_disruptionimpact i
               ON i.disruption_id = d.id GROUP BY d.id, d.name ORDER BY d.name""",
        ],
        "change log": [
            "SELECT COUNT(*) FROM programmes_changelogentry",
            "SELECT * FROM programmes_changelogentry ORDER BY changed_at DESC, id DESC LIMIT 50",
        ],
        "CSV export (all rows)": [BUDGET_ROWS],
        "XLSX export (all rows)": [BUDGET_ROWS],
    }


class QueryCounter:
    """Counts the SQL statements run while it wraps execution."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __len__(self):
        return self.count


def _median_ms(action, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _median_after_write(client, url, repeats):
    times = []
    for _ in range(repeats):
        freshness.bump()
        start = time.perf_counter()
        _consume(client.get(url))
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _consume(response):
    if hasattr(response, "streaming_content"):
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
        return size
    return len(response.content)


def _run_sql(statements):
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()


def measure_pages(client, department, repeats, out):
    programme = department.programmes.order_by("pk").first()
    urls = {
        "/": "/",
        "department": f"/departments/{department.slug}/",
        "programmes filtered": f"/programmes/?department={department.slug}&rating=amber",
        "budget report": "/reports/budget/",
        "programme": f"/programmes/{programme.slug}/",
        "disruptions": "/disruptions/",
        "change log": "/reports/changes/",
        "CSV export (all rows)": "/reports/budget/?_export=csv",
        "XLSX export (all rows)": "/reports/budget/?_export=xlsx",
    }
    sql = plain_sql(department.pk, programme.pk)
    rows = []
    for name, url in urls.items():
        warm = client.get(url)
        if warm.status_code != 200:
            raise RuntimeError(f"{url} answered {warm.status_code}, not 200.")
        _consume(warm)
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            _consume(client.get(url))
        times = 3 if "export" in name else repeats  # exports are long; three will do
        page_ms = _median_ms(lambda url=url: _consume(client.get(url)), times)
        sql_ms = _median_ms(lambda name=name: _run_sql(sql[name]), times)
        # The first request after a write builds the page's figures afresh: the
        # median of as many, each after its own write.
        cold_ms = _median_after_write(client, url, times)
        rows.append(
            (
                name,
                page_ms,
                cold_ms,
                len(queries),
                sql_ms,
                page_ms / sql_ms if sql_ms else float("nan"),
            )
        )
    return rows


def copy_comparison(client, repeats):
    """Rows per second: our streamed CSV export against COPY ... TO STDOUT."""
    rows = (
        FinancialFigure.objects.filter(is_current=True, measure="cost", period="year")
        .values("programme", "financial_year")
        .distinct()
        .count()
    )
    export_ms = _median_ms(
        lambda: _consume(client.get("/reports/budget/?_export=csv")), repeats
    )
    result = {"rows": rows, "export_rows_per_s": rows / (export_ms / 1000)}
    if connection.vendor == "postgresql":

        def copy():
            buffer = io.BytesIO()
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(
                    f"COPY ({BUDGET_ROWS}) TO STDOUT WITH CSV HEADER", buffer
                )

        copy_ms = _median_ms(copy, repeats)
        result["copy_rows_per_s"] = rows / (copy_ms / 1000)
    return result


def xlsx_against_csv(client, repeats):
    """The budget report's XLSX beside its CSV: median time and peak Python memory
    of each, over the whole file."""
    result = {}
    for fmt in ("csv", "xlsx"):
        url = f"/reports/budget/?_export={fmt}"
        _consume(client.get(url))  # warm
        result[fmt] = (
            _median_ms(lambda url=url: _consume(client.get(url)), repeats),
            export_peak_memory(client, fmt),
        )
    return result


def _xlsx_line(rows, result):
    (csv_ms, csv_peak), (xlsx_ms, xlsx_peak) = result["csv"], result["xlsx"]
    mib = 1024 * 1024
    return (
        f"XLSX export: {rows:,} rows in {xlsx_ms:,.0f} ms, {xlsx_ms / csv_ms:.1f}x the "
        f"CSV's {csv_ms:,.0f} ms; peak memory XLSX {xlsx_peak / mib:.1f} MiB, "
        f"CSV {csv_peak / mib:.1f} MiB\n"
    )


def export_peak_memory(client, fmt):
    tracemalloc.start()
    tracemalloc.reset_peak()
    _consume(client.get(f"/reports/budget/?_export={fmt}"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def page_weight(client, department):
    """Compressed bytes of HTML, CSS and JavaScript of the main pages."""
    import re

    weights = []
    for url in [
        "/",
        f"/departments/{department.slug}/",
        "/programmes/",
        "/reports/budget/",
    ]:
        html = client.get(url).content
        total = len(gzip.compress(html))
        assets = set(re.findall(rb'(?:src|href)="/static/([^"]+\.(?:css|js))"', html))
        for asset in assets:
            path = finders.find(asset.decode())
            with open(path, "rb") as handle:
                total += len(gzip.compress(handle.read()))
        weights.append((url, len(gzip.compress(html)), total))
    return weights


def _memory_line(client, programmes):
    peaks = {fmt: export_peak_memory(client, fmt) for fmt in ("csv", "xlsx")}
    return (
        f"  {programmes * 10:>9,} rows: CSV {peaks['csv'] / 1024 / 1024:6.1f} MiB, "
        f"XLSX {peaks['xlsx'] / 1024 / 1024:6.1f} MiB\n"
    )


def run(*, sizes, repeats, memory_rows, write, pages=True):
    """Runs in whatever database the connection points at (the caller makes a fresh
    test database)."""
    user = create_user_with_role(
        username="bench", role="auditor", password="a-bench-password-1"
    )
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    have = 0
    memory = []
    results = {}
    write(
        f"Database: {connection.vendor}; median of {repeats} requests (3 for exports); times in ms\n"
    )
    for size in sizes:
        generate_portfolio(programmes=size - have, seed=size)
        have = size
        department = Department.objects.filter(is_synthetic=True).order_by("pk").first()
        write(
            f"\nN = {size:,} programmes ({FinancialFigure.objects.count():,} figures)\n"
        )
        if pages:
            write(
                f"{'page':26} {'server ms':>10} {'after edit':>11} {'queries':>8} "
                f"{'plain SQL ms':>13} {'ratio':>7}\n"
            )
            for name, page_ms, cold_ms, queries, sql_ms, ratio in measure_pages(
                client, department, repeats, write
            ):
                results.setdefault(name, []).append((size, page_ms, sql_ms))
                write(
                    f"{name:26} {page_ms:10.1f} {cold_ms:11.1f} {queries:8d} "
                    f"{sql_ms:13.1f} {ratio:7.1f}\n"
                )
        copy = copy_comparison(client, 3)
        line = f"CSV export: {copy['rows']:,} rows at {copy['export_rows_per_s']:,.0f} rows/s"
        if "copy_rows_per_s" in copy:
            share = copy["export_rows_per_s"] / copy["copy_rows_per_s"]
            line += f"; COPY TO STDOUT {copy['copy_rows_per_s']:,.0f} rows/s (the export runs at {share:.0%} of COPY's rate)"
        write(line + "\n")
        write(_xlsx_line(copy["rows"], xlsx_against_csv(client, 3)))
        if size * 10 in memory_rows:
            memory.append(_memory_line(client, size))
    if len(sizes) > 1 and pages:
        write(
            f"\nWhat grows with N ({sizes[0]:,} to {sizes[-1]:,} programmes): the fixed cost "
            "(session, user, template) cancels out\n"
        )
        write(f"{'page':26} {'page +ms':>10} {'SQL +ms':>10} {'ratio':>7}\n")
        for name, series in results.items():
            (_, page_first, sql_first), (_, page_last, sql_last) = series[0], series[-1]
            page_growth, sql_growth = page_last - page_first, sql_last - sql_first
            ratio = page_growth / sql_growth if sql_growth > 0 else float("nan")
            write(f"{name:26} {page_growth:10.1f} {sql_growth:10.1f} {ratio:7.1f}\n")
    for rows_wanted in memory_rows:
        if rows_wanted // 10 > have:
            generate_portfolio(programmes=rows_wanted // 10 - have, seed=rows_wanted)
            have = rows_wanted // 10
            memory.append(_memory_line(client, have))
    write(
        "\nExport peak memory (Python allocations while streaming; rows = programmes x 10 years)\n"
    )
    for line in memory:
        write(line)
    if not pages:
        return
    write("\nPage weight (gzip): HTML alone, and HTML + CSS + JS\n")
    department = Department.objects.filter(is_synthetic=True).order_by("pk").first()
    for url, html, total in page_weight(client, department):
        write(f"  {url:45} {html / 1024:7.1f} KB {total / 1024:8.1f} KB\n")
