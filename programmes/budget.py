"""The budget line: a programme's cost for one financial year (its current baseline,
forecast and actual, each an amount, the publisher's words for a withheld figure,
or not reported), with its data date, price basis and the whole-life figures
published in the same release. The one read model behind the budget report page and
its totals, both CSV writers, the XLSX, the API and the programme page's yearly
table; BUDGET_COLUMNS is the one column specification they all render."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    F,
    Max,
    Q,
    Sum,
)

from .models import BudgetLineSummary, FinancialFigure
from .money import (
    differs_beyond_rounding,
    from_pennies,
    money_from_database,
    round_money,
    variance,
    variance_pct,
)
from .periods import financial_year_label
from .querysets import MONEY_FIELD, NOMINAL, WHOLE_LIFE

KINDS = ("baseline", "forecast", "actual")
REPORTED, WITHHELD, NOT_REPORTED = "reported", "withheld", "not_reported"
# What a spreadsheet would run as a formula at the start of a cell (exports.safe_cell).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Shorthand in downloads, after the Analysis Function's spreadsheet guidance.
SHORTHAND = {WITHHELD: "[c]", NOT_REPORTED: "[x]"}
NOT_APPLICABLE = "[z]"
GAPS = {"money": "[x]", "variance": NOT_APPLICABLE, "pct": NOT_APPLICABLE}
CHUNK = 2000
# The cross-government NISTA releases publish variances without their sign.
UNSIGNED_VARIANCE_SOURCES = ("gmpp-nista-",)


def line_values(selected):
    """Group figures (current yearly costs, filtered) into one row per programme
    and financial year: `<kind>_gbp` (None unless an amount was published),
    `<kind>_withheld` (None: no figure; "": an amount; else the publisher's words),
    `data_date`, `price_basis`, `price_base_year` and `withheld` (a count)."""
    annotations = {}
    for kind in KINDS:
        annotations[f"{kind}_gbp"] = Sum(
            "amount_gbp", filter=Q(kind=kind), output_field=MONEY_FIELD
        )
        annotations[f"{kind}_withheld"] = Max("withheld_text", filter=Q(kind=kind))
    return (
        selected.order_by()
        .values(
            programme_ref=F("programme"),
            programme_name=F("programme__name"),
            gmpp_id=F("programme__gmpp_id"),
            slug=F("programme__slug"),
            department_name=F("programme__department__name"),
            year=F("financial_year"),
        )
        .annotate(
            **annotations,
            data_date=Max("data_date"),
            price_basis=Max("price_basis"),
            price_base_year=Max("price_base_year"),
            withheld=Count("pk", filter=Q(amount_gbp__isnull=True)),
            published_variance_pct=Max(
                "published_variance_pct", filter=Q(kind="forecast")
            ),
            forecast_source=Max("source__key", filter=Q(kind="forecast")),
        )
        .order_by("department_name", "programme_name", "programme_ref", "year")
    )


# The columns of line_values (and the whole-life figures of the release), read
# from the kept lines: those named as line_values names them, then the rest.
KEPT_FIELDS = (
    *(f"{kind}_{part}" for kind in KINDS for part in ("gbp", "withheld")),
    "data_date",
    "price_basis",
    "price_base_year",
    "withheld",
    "published_variance_pct",
    "whole_life_cost_gbp",
    "benefits_gbp",
)
KEPT_RENAMED = {
    "programme_ref": F("programme"),
    "programme_name": F("programme__name"),
    "gmpp_id": F("programme__gmpp_id"),
    "slug": F("programme__slug"),
    "department_name": F("programme__department__name"),
    "year": F("financial_year"),
    "forecast_source": F("forecast_figure_source__key"),
}


def kept_line_values(kept):
    """The rows of line_values, with the whole-life figures of their release, read
    from kept budget lines (a BudgetLineSummary queryset) in the report's order."""
    return (
        kept.order_by()
        .values(*KEPT_FIELDS, **KEPT_RENAMED)
        .order_by("department_name", "programme_name", "programme_ref", "year")
    )


def release_whole_life(figures, keys):
    """{(programme id, data date, measure): amount or None} for the whole-life
    baselines published in the same release (data date) as each budget line."""
    if not keys:
        return {}
    # Only the programme is matched in SQL; the release (data date) and "no named
    # benefit" are picked out here. Given them, SQLite walks the data-date or the
    # benefit index (tens of thousands of figures a chunk) rather than the
    # programme index over these few.
    own = {k: v for k, v in WHOLE_LIFE.items() if k != "benefit__isnull"}
    found = (
        figures.filter(programme__in={p for p, _ in keys}, **own)
        .order_by()
        .values_list("programme", "data_date", "measure", "amount_gbp", "benefit")
    )
    return {
        (p, d, m): a
        for p, d, m, a, benefit in found
        if benefit is None and (p, d) in keys
    }


@dataclass
class Amount:
    """One of a line's figures: the amount, or why there is none."""

    gbp: Decimal | None
    withheld_text: str | None

    @property
    def status(self):
        if self.gbp is not None:
            return REPORTED
        return WITHHELD if self.withheld_text else NOT_REPORTED

    @property
    def shorthand(self):
        """A download's cell: the amount, [c] withheld or [x] not reported."""
        return self.gbp if self.gbp is not None else SHORTHAND[self.status]

    def __str__(self):
        if self.status == WITHHELD:
            return f"Withheld: “{self.withheld_text}”"
        return "Not reported" if self.gbp is None else str(self.gbp)


@dataclass
class BudgetLine:
    programme: str
    gmpp_id: str
    slug: str
    department: str
    financial_year: int
    baseline: Amount
    forecast: Amount
    actual: Amount
    data_date: datetime.date
    price_basis: str
    price_base_year: int | None
    withheld: int
    whole_life_cost_gbp: Decimal | None = None
    benefits_gbp: Decimal | None = None
    programme_id: int = 0
    published_variance_pct: Decimal | None = None
    forecast_source: str = ""

    @classmethod
    def from_row(cls, row):
        def pounds(value):
            # Exact pence whatever the database hands back (SQLite returns floats).
            return None if value is None else round_money(value)

        return cls(
            programme=row["programme_name"],
            gmpp_id=row["gmpp_id"] or "",
            slug=row["slug"],
            department=row["department_name"],
            financial_year=row["year"],
            baseline=Amount(pounds(row["baseline_gbp"]), row["baseline_withheld"]),
            forecast=Amount(pounds(row["forecast_gbp"]), row["forecast_withheld"]),
            actual=Amount(pounds(row["actual_gbp"]), row["actual_withheld"]),
            data_date=row["data_date"],
            price_basis=row["price_basis"],
            price_base_year=row["price_base_year"],
            withheld=row["withheld"],
            programme_id=row["programme_ref"],
            published_variance_pct=pounds(row["published_variance_pct"]),
            forecast_source=row["forecast_source"] or "",
        )

    @property
    def baseline_gbp(self):
        return self.baseline.gbp

    @property
    def forecast_gbp(self):
        return self.forecast.gbp

    @property
    def actual_gbp(self):
        return self.actual.gbp

    @property
    def financial_year_label(self):
        return financial_year_label(self.financial_year)

    @property
    def variance_gbp(self):
        return variance(self.baseline.gbp, self.forecast.gbp)

    @property
    def variance_pct(self):
        return variance_pct(self.baseline.gbp, self.forecast.gbp)

    @property
    def price_basis_label(self):
        return price_basis_label(self.price_basis, self.price_base_year)

    @property
    def published_disagrees(self):
        """Whether the published variance really disagrees with ours (beyond the
        publisher's rounding; NISTA's files publish it without its sign); None when
        either is missing."""
        published, ours = self.published_variance_pct, self.variance_pct
        if published is None or ours is None:
            return None
        if self.forecast_source.startswith(UNSIGNED_VARIANCE_SOURCES):
            published, ours = abs(published), abs(ours)
        return differs_beyond_rounding(published, ours)

    @property
    def withheld_words(self):
        """The publisher's words for each withheld figure of the line."""
        return "; ".join(
            f"{kind.capitalize()}: {getattr(self, kind).withheld_text}"
            for kind in KINDS
            if getattr(self, kind).status == WITHHELD
        )


def price_basis_label(basis, base_year):
    if basis == NOMINAL:
        return "Nominal"
    if base_year:
        return f"Real ({financial_year_label(base_year)} prices)"
    return "Real (base year not published)"


@dataclass
class Totals:
    """The totals of the lines of one price basis: each sum over the lines that
    gave an amount (None over none), with how many did; the variance is the sum of
    the variances of the lines that have both a baseline and a forecast."""

    price_basis: str = NOMINAL
    price_base_year: int | None = None
    rows: int = 0
    baseline_gbp: Decimal | None = None
    forecast_gbp: Decimal | None = None
    actual_gbp: Decimal | None = None
    variance_gbp: Decimal | None = None
    baseline_reported: int = 0
    forecast_reported: int = 0
    actual_reported: int = 0
    variance_rows: int = 0

    @property
    def price_basis_label(self):
        return price_basis_label(self.price_basis, self.price_base_year)

    def coverage(self, kind):
        return f"from {getattr(self, f'{kind}_reported'):,} of {self.rows:,} rows"

    @property
    def label(self):
        return f"Total, {self.price_basis_label.lower()} ({self.rows:,} rows)"

    @property
    def variance_coverage(self):
        return (
            f"variance from the {self.variance_rows:,} of {self.rows:,} rows with "
            "both a baseline and a forecast"
        )

    def download(self, columns):
        """The totals row of a CSV or XLSX, in the budget columns."""
        cells = {
            "department": self.label,
            "programme": self.variance_coverage,
            "price_basis_label": self.price_basis_label,
            "variance_gbp": NOT_APPLICABLE
            if self.variance_gbp is None
            else self.variance_gbp,
        }
        for kind in KINDS:
            amount = getattr(self, f"{kind}_gbp")
            cells[kind] = SHORTHAND[NOT_REPORTED] if amount is None else amount
        return [cells.get(column.key, "") for column in columns]


def _pennies(amount, vendor):
    """SQL: the sum of a money column in whole pennies, exact on either database:
    SQLite holds money as floating point, whose sums of thousands drift, so each
    amount is rounded to whole pennies first; PostgreSQL's numeric sums exactly
    (and twice as fast without rounding each amount)."""
    if vendor == "postgresql":
        return f"(SUM({amount}) * 100)"
    return f"SUM(CAST(ROUND({amount} * 100) AS BIGINT))"


# The totals of one set of yearly figures, per price basis, in one statement. A
# figure's line is its programme and year; a baseline or forecast is "paired" when
# its line has both with an amount in the same price basis (the window counts
# them), and the variance is summed over paired figures only: a forecast in real
# terms less a nominal baseline is no variance.
TOTALS_SQL = """
    SELECT price_basis, price_base_year,
           {sums},
           {paired_forecast},
           {paired_baseline},
           SUM(CASE WHEN paired AND kind = 'forecast' THEN 1 ELSE 0 END),
           COUNT(DISTINCT programme_id * 10000 + financial_year)
    FROM (
        SELECT f.price_basis, f.price_base_year, f.kind, f.amount_gbp,
               f.programme_id, f.financial_year,
               f.amount_gbp IS NOT NULL AND f.kind IN ('baseline', 'forecast') AND
               SUM(CASE WHEN f.amount_gbp IS NOT NULL
                        AND f.kind IN ('baseline', 'forecast') THEN 1 ELSE 0 END)
                   OVER (PARTITION BY f.programme_id, f.financial_year,
                         f.price_basis, f.price_base_year) = 2
                   AS paired
        FROM ({selected}) AS f
    ) AS figures
    GROUP BY price_basis, price_base_year
    ORDER BY price_basis, COALESCE(price_base_year, 0)
"""


def _totals_sums(vendor):
    return ",\n           ".join(
        f"{_pennies(f'CASE WHEN kind = {kind!r} THEN amount_gbp END', vendor)}, "
        f"COUNT(CASE WHEN kind = '{kind}' THEN amount_gbp END)"
        for kind in KINDS
    )


def _paired_sums(vendor):
    return {
        f"paired_{kind}": _pennies(
            f"CASE WHEN paired AND kind = {kind!r} THEN amount_gbp END", vendor
        )
        for kind in ("forecast", "baseline")
    }


def totals_for(selected):
    """Totals of the budget lines of `selected`, one per price basis (never added
    across bases), in one query: exact, since a line holds one current figure of
    each kind."""
    inner, params = (
        selected.order_by()
        .values(
            "price_basis",
            "price_base_year",
            "kind",
            "amount_gbp",
            "programme_id",
            "financial_year",
        )
        .query.sql_with_params()
    )
    from django.db import connection

    vendor = connection.vendor
    sql = TOTALS_SQL.format(
        sums=_totals_sums(vendor), selected=inner, **_paired_sums(vendor)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    pounds = from_pennies
    result = []
    for basis, base_year, *sums, paired_f, paired_b, variance_rows, lines in rows:
        totals, reported = sums[0::2], sums[1::2]
        result.append(
            Totals(
                price_basis=basis,
                price_base_year=base_year,
                rows=lines,
                baseline_gbp=pounds(totals[0]),
                forecast_gbp=pounds(totals[1]),
                actual_gbp=pounds(totals[2]),
                variance_gbp=None
                if not variance_rows
                else pounds(paired_f) - pounds(paired_b),
                baseline_reported=reported[0],
                forecast_reported=reported[1],
                actual_reported=reported[2],
                variance_rows=variance_rows,
            )
        )
    return result


# kept_totals: one pass over the kept lines, grouped by the price basis of each
# kind's figure (None: the line has no figure of that kind); Python then adds the
# groups up per basis as TOTALS_SQL groups figures.
PAIRED = "baseline_gbp IS NOT NULL AND forecast_gbp IS NOT NULL"
BASES = ", ".join(f"{kind}_basis, {kind}_base_year" for kind in KINDS)


def _kept_totals_sql(vendor, kept):
    return f"""
    SELECT {BASES},
           {", ".join(f"{_pennies(f'{kind}_gbp', vendor)}, COUNT({kind}_gbp)" for kind in KINDS)},
           {_pennies(f"CASE WHEN {PAIRED} THEN forecast_gbp END", vendor)},
           {_pennies(f"CASE WHEN {PAIRED} THEN baseline_gbp END", vendor)},
           SUM(CASE WHEN {PAIRED} THEN 1 ELSE 0 END),
           COUNT(*)
    FROM ({kept}) AS lines
    GROUP BY {BASES}
"""


KEPT_COLUMNS = (
    *(f"{kind}_{part}" for kind in KINDS for part in ("basis", "base_year", "gbp")),
)


def kept_totals(kept):
    """totals_for, from kept lines: the same totals per price basis (a line whose
    figures have different bases counts under each), summed in exact pennies."""
    from django.db import connection

    inner, params = kept.order_by().values(*KEPT_COLUMNS).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_kept_totals_sql(connection.vendor, inner), params)
        groups = cursor.fetchall()
    totals = {}

    def add(basis, name, value):
        if value is not None:
            current = getattr(totals[basis], name)
            setattr(totals[basis], name, value if current is None else current + value)

    for group in groups:
        pairs = zip(group[0:6:2], group[1:6:2], strict=True)
        bases = dict(zip(KINDS, pairs, strict=True))
        sums, (paired_f, paired_b, paired, lines) = group[6:12], group[12:]
        bases = {kind: basis for kind, basis in bases.items() if basis[0] is not None}
        for basis in set(bases.values()):
            totals.setdefault(basis, Totals(*basis)).rows += lines
        for index, kind in enumerate(KINDS):
            if kind in bases:
                add(bases[kind], f"{kind}_gbp", from_pennies(sums[2 * index]))
                add(bases[kind], f"{kind}_reported", sums[2 * index + 1])
        # As TOTALS_SQL: a variance only between figures of one basis.
        if paired and bases["forecast"] == bases["baseline"]:
            basis = bases["forecast"]
            totals[basis].variance_rows += paired
            add(basis, "variance_gbp", from_pennies(paired_f - paired_b))
    return [totals[basis] for basis in sorted(totals, key=lambda b: (b[0], b[1] or 0))]


@dataclass
class BudgetQuery:
    """The budget lines of one set of figures (now, as stored at a moment, or as
    published in one release) after the report's filters, with their totals."""

    figures: object  # every figure of that set, for the whole-life lookups
    selected: object  # the yearly cost figures the filters keep
    # As at a moment: ids -> {programme id: (name, department)} of that moment.
    rename: object = None
    # The current figures: the kept lines (BudgetLineSummary) the filters keep,
    # read instead of grouping the figures.
    kept: object = None

    def values(self):
        if self.kept is not None:
            return kept_line_values(self.kept)
        return line_values(self.selected)

    def count(self):
        if self.kept is not None:
            return self.kept.count()
        return self.values().count()

    def totals(self):
        if self.kept is not None:
            return kept_totals(self.kept)
        return totals_for(self.selected)

    def data_date(self):
        rows = self.selected if self.kept is None else self.kept
        return rows.aggregate(latest=Max("data_date"))["latest"]

    def complete(self, rows):
        """BudgetLines for grouped rows, with the whole-life figures of their own
        release (one query, unless kept lines carry them) and, as at a moment, the
        names of that moment."""
        if self.kept is not None:
            lines = []
            for row in rows:
                line = BudgetLine.from_row(row)
                line.whole_life_cost_gbp = _pounds(row["whole_life_cost_gbp"])
                line.benefits_gbp = _pounds(row["benefits_gbp"])
                lines.append(line)
            return lines
        lines = [BudgetLine.from_row(row) for row in rows]
        whole_life = release_whole_life(
            self.figures, {(line.programme_id, line.data_date) for line in lines}
        )
        renamed = (
            self.rename({line.programme_id for line in lines}) if self.rename else {}
        )
        for line in lines:
            key = (line.programme_id, line.data_date)
            line.whole_life_cost_gbp = _pounds(whole_life.get((*key, "cost")))
            line.benefits_gbp = _pounds(whole_life.get((*key, "benefit")))
            if line.programme_id in renamed:
                line.programme, line.department = renamed[line.programme_id]
        return lines

    def page(self, start, stop):
        return self.complete(self.values()[start:stop])

    def lines(self):
        """Every line, read in chunks (for exports)."""
        chunk = []
        for row in self.values().iterator(chunk_size=CHUNK):
            chunk.append(row)
            if len(chunk) == CHUNK:
                yield from self.complete(chunk)
                chunk = []
        yield from self.complete(chunk)


def _pounds(value):
    return None if value is None else round_money(value)


# The raw columns of a budget line as export_rows_sql selects them, in order.
EXPORT_FIELDS = (
    "department_name",
    "programme_name",
    "gmpp_id",
    "year",
    "baseline_gbp",
    "baseline_withheld",
    "forecast_gbp",
    "forecast_withheld",
    "actual_gbp",
    "actual_withheld",
    "price_basis",
    "price_base_year",
    "data_date",
    "whole_life_cost_gbp",
    "benefits_gbp",
    "withheld",
)


_money = money_from_database


def _amount_cell(gbp, withheld_text):
    """Amount.shorthand, from the raw columns."""
    if gbp is not None:
        return gbp
    return SHORTHAND[WITHHELD] if withheld_text else SHORTHAND[NOT_REPORTED]


def _escaped(text):
    """exports.safe_cell for text (exports sits above this module)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_cells(row, *, labels=None, dates=None, escape=False):
    """The download cells of BUDGET_COLUMNS for one raw row of export_rows_sql:
    the same cells as [c.download(line) for c in BUDGET_COLUMNS] for its
    BudgetLine, made without building one (the exports write 50,000 of these).
    `labels` and `dates` are per-export caches (year and basis labels; dates that
    SQLite hands back as text). With `escape`, the text a user gave (names, GMPP
    ID, the publisher's words) is made safe as exports.safe_cell makes it, so
    that a CSV can write every cell as it comes."""
    (
        department,
        programme,
        gmpp_id,
        year,
        baseline,
        baseline_withheld,
        forecast,
        forecast_withheld,
        actual,
        actual_withheld,
        basis,
        base_year,
        data_date,
        whole_life,
        benefits,
        withheld,
    ) = row
    baseline = None if baseline is None else _money(baseline)
    forecast = None if forecast is None else _money(forecast)
    if actual is not None:
        actual = _money(actual)
    labels = {} if labels is None else labels
    year_label = labels.get(year)
    if year_label is None:
        year_label = labels[year] = financial_year_label(year)
    basis_label = labels.get((basis, base_year))
    if basis_label is None:
        basis_label = labels[basis, base_year] = price_basis_label(basis, base_year)
    if type(data_date) is str:
        dates = {} if dates is None else dates
        day = dates.get(data_date)
        if day is None:
            day = dates[data_date] = datetime.date.fromisoformat(data_date)
        data_date = day
    both = baseline is not None and forecast is not None
    pct = variance_pct(baseline, forecast) if both else None
    words = ""
    if baseline_withheld or forecast_withheld or actual_withheld:
        words = "; ".join(
            f"{kind.capitalize()}: {text}"
            for kind, gbp, text in (
                ("baseline", baseline, baseline_withheld),
                ("forecast", forecast, forecast_withheld),
                ("actual", actual, actual_withheld),
            )
            if gbp is None and text
        )
    gmpp_id = gmpp_id or ""
    if escape:
        department, programme = _escaped(department), _escaped(programme)
        gmpp_id, words = _escaped(gmpp_id), _escaped(words)
    return [
        department,
        programme,
        gmpp_id,
        year_label,
        _amount_cell(baseline, baseline_withheld),
        _amount_cell(forecast, forecast_withheld),
        _amount_cell(actual, actual_withheld),
        forecast - baseline if both else NOT_APPLICABLE,
        NOT_APPLICABLE if pct is None else pct,
        basis_label,
        data_date,
        SHORTHAND[NOT_REPORTED] if whole_life is None else _money(whole_life),
        SHORTHAND[NOT_REPORTED] if benefits is None else _money(benefits),
        withheld,
        words,
    ]


class BudgetRows:
    """Hands django-tables2 the BudgetLines of one page at a time."""

    def __init__(self, query, count, page=None):
        self.query = query
        self._count = count  # from the totals query
        self.page = page or query.page  # (start, stop) -> BudgetLines

    def __len__(self):
        return self._count

    def count(self):
        return self._count

    def __getitem__(self, item):
        if isinstance(item, slice):
            return self.page(item.start or 0, item.stop or self._count)
        return self.page(item, item + 1)[0]

    def __iter__(self):
        return self.query.lines()


@dataclass(frozen=True)
class Column:
    """One column of the budget lines, rendered alike by the page, the CSV (both
    writers), the XLSX and the API. `kind` says how its value is written."""

    header: str
    key: str  # the BudgetLine attribute, and the API's field name
    kind: str  # text, year, amount, variance, pct, money, date, count

    @property
    def is_money(self):
        return self.kind in ("amount", "variance", "money")

    def value(self, line):
        return getattr(line, self.key)

    def download(self, line):
        """The cell of a CSV or XLSX: numbers stay numbers; a gap is shorthand."""
        value = self.value(line)
        if self.kind == "amount":
            return value.shorthand
        if value is None:
            return GAPS.get(self.kind, "")
        return value

    def api(self, line):
        """The column's fields in the API: exact decimal strings, ISO dates; a
        figure also says its status and, when withheld, the publisher's words."""
        value = self.value(line)
        if self.kind == "amount":
            return {
                f"{self.key}_gbp": _json(value.gbp),
                f"{self.key}_status": value.status,
                f"{self.key}_withheld_text": value.withheld_text or "",
            }
        return {self.key: _json(value)}


def _json(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def api_line(line, columns):
    """One budget line as the API gives it, in the budget columns."""
    fields = {"programme_id": line.slug}
    for column in columns:
        fields.update(column.api(line))
    return fields


def lines_for_programme(programme):
    """A programme's budget lines, as the report has them: the current baseline,
    forecast and actual of each financial year, oldest first."""
    selected = FinancialFigure.objects.filter(
        programme=programme, is_current=True, measure="cost", period="year"
    )
    query = BudgetQuery(
        figures=FinancialFigure.objects.all(),
        selected=selected,
        kept=BudgetLineSummary.objects.filter(programme=programme),
    )
    return sorted(query.lines(), key=lambda line: line.financial_year)


BUDGET_COLUMNS = [
    Column("Department", "department", "text"),
    Column("Programme", "programme", "text"),
    Column("GMPP ID", "gmpp_id", "text"),
    Column("Financial year", "financial_year_label", "year"),
    Column("Baseline (£)", "baseline", "amount"),
    Column("Forecast (£)", "forecast", "amount"),
    Column("Actual (£)", "actual", "amount"),
    Column("Variance (£)", "variance_gbp", "variance"),
    Column("Variance (%)", "variance_pct", "pct"),
    Column("Price basis", "price_basis_label", "basis"),
    Column("Data date (release)", "data_date", "date"),
    Column("Whole-life cost in that release (£)", "whole_life_cost_gbp", "money"),
    Column("Benefits baseline in that release (£)", "benefits_gbp", "money"),
    Column("Figures withheld", "withheld", "count"),
    Column("Withheld, as published", "withheld_words", "words"),
]
