"""What changed between GMPP releases. A release is a data date: the departments'
files and NISTA's cross-government file of the same date are one release. A
programme is in a release when a GMPP source gave it figures, a rating or dates at
that date (as derive_statuses counts it). Each page is read with a fixed number
of queries, whatever the number of programmes or releases."""

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum

from .budget import price_basis_label
from .charts import NO_RATING
from .exports import safe_cell
from .models import (
    DeliveryConfidenceAssessment,
    FinancialFigure,
    Programme,
    ScheduleSnapshot,
    Source,
)
from .money import format_gbp_whole, round_money
from .querysets import MONEY_FIELD, NOMINAL, WHOLE_LIFE
from .wording import count_text, signed_count_text

GMPP = Source.Kind.GMPP_RELEASE
LISTING_MODELS = (FinancialFigure, DeliveryConfidenceAssessment, ScheduleSnapshot)
CENTRAL = DeliveryConfidenceAssessment.Assessor.IPA
RATING_LABELS = dict(DeliveryConfidenceAssessment.Rating.choices)


def _listings(dates=None):
    """Distinct (programme, data date, source) of the GMPP releases, from figures,
    ratings and dates together: one query (a UNION)."""
    parts = []
    for model in LISTING_MODELS:
        rows = model.objects.filter(source__kind=GMPP)
        if dates is not None:
            rows = rows.filter(data_date__in=dates)
        parts.append(rows.order_by().values_list("programme", "data_date", "source"))
    return parts[0].union(*parts[1:]).order_by()


def release_dates():
    """The data dates of the GMPP releases held, newest first (one query)."""
    parts = [
        model.objects.filter(source__kind=GMPP).order_by().values_list("data_date")
        for model in LISTING_MODELS
    ]
    dates = {row[0] for row in parts[0].union(*parts[1:]).order_by()}
    return sorted(dates, reverse=True)


def _pounds(value):
    # Exact pence whatever the database hands back (SQLite returns floats).
    return None if value is None else round_money(value)


@dataclass
class WholeLifeTotal:
    """The whole-life cost baselines one release published in one price basis."""

    price_basis: str
    price_base_year: int | None
    total_gbp: Decimal
    reported: int
    programmes: int

    @property
    def price_basis_label(self):
        return price_basis_label(self.price_basis, self.price_base_year)

    @property
    def is_nominal(self):
        return self.price_basis == NOMINAL

    @property
    def coverage(self):
        return f"from {self.reported:,} of {self.programmes:,} programmes"


@dataclass
class Release:
    data_date: datetime.date
    publishers: list
    programmes: int
    totals: list = field(default_factory=list)  # WholeLifeTotal, nominal first
    previous: datetime.date | None = None

    @property
    def in_real_terms(self):
        return any(not total.is_nominal for total in self.totals)


def releases():
    """Every release held, newest first, with its publishers, how many programmes
    it listed and its whole-life cost baselines summed per price basis (real terms
    never added to nominal): three queries."""
    programmes, sources = {}, {}
    for programme, data_date, source in _listings():
        programmes.setdefault(data_date, set()).add(programme)
        sources.setdefault(data_date, set()).add(source)
    publisher = dict(
        Source.objects.filter(kind=GMPP).values_list("pk", "publisher").order_by()
    )
    totals = (
        FinancialFigure.objects.filter(
            source__kind=GMPP, measure="cost", amount_gbp__isnull=False, **WHOLE_LIFE
        )
        .order_by()
        .values("data_date", "price_basis", "price_base_year")
        .annotate(
            total=Sum("amount_gbp", output_field=MONEY_FIELD),
            reported=Count("programme", distinct=True),
        )
    )
    by_date = {}
    for row in totals:
        by_date.setdefault(row["data_date"], []).append(row)
    result = []
    for data_date in sorted(programmes):
        listed = len(programmes[data_date])
        rows = sorted(
            by_date.get(data_date, []),
            key=lambda r: (r["price_basis"] != NOMINAL, r["price_base_year"] or 0),
        )
        result.append(
            Release(
                data_date=data_date,
                publishers=sorted({publisher[s] for s in sources[data_date]}),
                programmes=listed,
                totals=[
                    WholeLifeTotal(
                        price_basis=r["price_basis"],
                        price_base_year=r["price_base_year"],
                        total_gbp=_pounds(r["total"]),
                        reported=r["reported"],
                        programmes=listed,
                    )
                    for r in rows
                ],
                previous=result[-1].data_date if result else None,
            )
        )
    return result[::-1]


def in_words(count, singular, plural, verb):
    """“3 programmes joined”, “1 programme left”, “No ratings changed”."""
    if count == 0:
        return f"No {plural} {verb}"
    return f"{count:,} {singular if count == 1 else plural} {verb}"


JOINED, LEFT, RATING, WHOLE_LIFE_COST, END_DATE = (
    "joined",
    "left",
    "rating",
    "whole_life_cost",
    "end_date",
)
KINDS = {
    JOINED: "Joined",
    LEFT: "Left",
    RATING: "Delivery confidence rating",
    WHOLE_LIFE_COST: "Whole-life cost baseline",
    END_DATE: "End date",
}


@dataclass
class Change:
    """One row of a comparison: what one programme's entry did between the two
    releases. `before` and `after` are text, an amount (£) or a date."""

    kind: str
    programme_id: int
    programme: str
    slug: str
    gmpp_id: str
    department: str
    before: object = ""
    after: object = ""
    difference: object = None  # £ for money, days for dates
    price_basis: str = ""
    note: str = ""

    @property
    def kind_label(self):
        return KINDS[self.kind]

    @property
    def sort_key(self):
        return (self.department, self.programme, self.programme_id)

    @property
    def before_text(self):
        return _display(self.before)

    @property
    def after_text(self):
        return _display(self.after)

    @property
    def difference_text(self):
        if self.difference is None:
            return "Not comparable" if self.kind == WHOLE_LIFE_COST else ""
        if isinstance(self.difference, Decimal):
            sign = "+" if self.difference > 0 else ""
            return sign + format_gbp_whole(self.difference)
        return signed_count_text(self.difference, "day")


def _display(value):
    if isinstance(value, Decimal):
        return format_gbp_whole(value)
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    return value


@dataclass
class Comparison:
    before: datetime.date
    after: datetime.date
    joined: list
    left: list
    ratings: list
    whole_life: list
    end_dates: list

    @property
    def sections(self):
        """(kind, heading in words, rows) in the order the page and CSV show them."""
        return [
            (JOINED, in_words(len(self.joined), "programme", "programmes", "joined"), self.joined),
            (LEFT, in_words(len(self.left), "programme", "programmes", "left"), self.left),
            (RATING, in_words(len(self.ratings), "rating", "ratings", "changed"), self.ratings),
            (
                WHOLE_LIFE_COST,
                in_words(len(self.whole_life), "whole-life cost", "whole-life costs", "changed"),
                self.whole_life,
            ),
            (END_DATE, in_words(len(self.end_dates), "end date", "end dates", "moved"), self.end_dates),
        ]  # fmt: skip

    @property
    def rows(self):
        return [row for _, _, rows in self.sections for row in rows]


def _in_both(model, programmes, dates, fields, **filters):
    """(programme, its row at the earlier date, its row at the later) for each of
    `programmes`, from the GMPP releases' `model` rows: one query."""
    rows = (
        model.objects.filter(data_date__in=dates, source__kind=GMPP, **filters)
        .order_by()
        .values("programme", "data_date", *fields)
    )
    found = {(row.pop("programme"), row.pop("data_date")): row for row in rows}
    for pk in programmes:
        yield pk, found.get((pk, dates[0])), found.get((pk, dates[1]))


def compare(before, after):
    """The comparison of the releases at data dates `before` and `after`: who
    joined and left, and for the programmes in both, changes of the central body's
    rating, the whole-life cost baseline and the end date; each list in department
    and programme order. Six queries."""
    dates = (before, after)
    listed = {before: {}, after: {}}  # programme -> its sources at that date
    for programme, data_date, source in _listings(dates):
        listed[data_date].setdefault(programme, set()).add(source)
    ids = set(listed[before]) | set(listed[after])
    programmes = {
        row["pk"]: row
        for row in Programme.objects.filter(pk__in=ids)
        .order_by()
        .values("pk", "name", "slug", "gmpp_id", "department__name")
    }
    source_department = dict(
        Source.objects.filter(kind=GMPP).order_by().values_list("pk", "department")
    )

    def change(kind, pk, **values):
        row = programmes[pk]
        return Change(
            kind=kind,
            programme_id=pk,
            programme=row["name"],
            slug=row["slug"],
            gmpp_id=row["gmpp_id"] or "",
            department=row["department__name"],
            **values,
        )

    after_publishers = {source_department[s] for s in _all(listed[after])}
    joined = [
        change(JOINED, pk, before="Not listed", after="Listed")
        for pk in listed[after]
        if pk not in listed[before]
    ]
    left = []
    for pk, sources in listed[before].items():
        if pk in listed[after]:
            continue
        note = ""
        departments = {source_department[s] for s in sources}
        if None not in after_publishers and not departments & after_publishers:
            note = "Its department published no data at the later date"
        left.append(change(LEFT, pk, before="Listed", after="Not listed", note=note))
    both = set(listed[before]) & set(listed[after])
    result = Comparison(
        before=before,
        after=after,
        joined=joined,
        left=left,
        ratings=[change(RATING, pk, **v) for pk, v in _rating_changes(both, dates)],
        whole_life=[
            change(WHOLE_LIFE_COST, pk, **v) for pk, v in _cost_changes(both, dates)
        ],
        end_dates=[change(END_DATE, pk, **v) for pk, v in _date_changes(both, dates)],
    )
    for _, _, rows in result.sections:
        rows.sort(key=lambda row: row.sort_key)
    return result


def _all(sets):
    return set().union(*sets.values()) if sets else set()


def _rating_changes(programmes, dates):
    """The central body's rating in each release, where it differs."""
    rows = _in_both(
        DeliveryConfidenceAssessment,
        programmes,
        dates,
        ("rating", "scale"),
        assessor=CENTRAL,
    )
    for pk, old, new in rows:
        if (old or {}).get("rating") == (new or {}).get("rating"):
            continue
        note = ""
        if old and new and old["scale"] != new["scale"]:
            note = "The scale changed from five points to three between these releases"
        yield (
            pk,
            {
                "before": RATING_LABELS[old["rating"]] if old else NO_RATING,
                "after": RATING_LABELS[new["rating"]] if new else NO_RATING,
                "note": note,
            },
        )


def _cost_changes(programmes, dates):
    """The whole-life cost baseline each release published, where it differs; a
    difference only between figures on the same price basis."""
    fields = ("amount_gbp", "withheld_text", "price_basis", "price_base_year")
    rows = _in_both(
        FinancialFigure, programmes, dates, fields, measure="cost", **WHOLE_LIFE
    )
    for pk, old, new in rows:
        if not old or not new:
            continue
        old_gbp, new_gbp = _pounds(old["amount_gbp"]), _pounds(new["amount_gbp"])
        old_basis = price_basis_label(old["price_basis"], old["price_base_year"])
        new_basis = price_basis_label(new["price_basis"], new["price_base_year"])
        if old_basis == new_basis and (old_gbp, old["withheld_text"]) == (
            new_gbp,
            new["withheld_text"],
        ):
            continue
        values = {
            "before": old_gbp if old_gbp is not None else _withheld(old),
            "after": new_gbp if new_gbp is not None else _withheld(new),
            "price_basis": old_basis
            if old_basis == new_basis
            else f"{old_basis}, then {new_basis}",
        }
        if old_basis != new_basis:
            values["note"] = (
                "Not comparable: the releases give different price bases, so no "
                "difference is shown"
            )
        elif old_gbp is not None and new_gbp is not None:
            values["difference"] = new_gbp - old_gbp
            values["note"] = "Re-baselined"
        yield pk, values


def _withheld(figure):
    return f"Withheld: “{figure['withheld_text']}”"


def _date_changes(programmes, dates):
    """The end date each release gave, where both gave one and they differ."""
    rows = _in_both(
        ScheduleSnapshot, programmes, dates, ("end_date",), end_date__isnull=False
    )
    for pk, old, new in rows:
        if not old or not new or old["end_date"] == new["end_date"]:
            continue
        days = (new["end_date"] - old["end_date"]).days
        direction = "later" if days > 0 else "earlier"
        yield (
            pk,
            {
                "before": old["end_date"],
                "after": new["end_date"],
                "difference": days,
                "note": f"{count_text(abs(days), 'day')} {direction}",
            },
        )


CSV_HEADERS = [
    "Change",
    "Department",
    "Programme",
    "GMPP ID",
    "In the earlier release",
    "In the later release",
    "Difference (£ or days)",
    "Price basis",
    "Note",
    "Programme page",
]


def csv_text(comparison, page_url):
    """The comparison's rows as CSV, the same rows as the page: numbers stay
    numbers, dates are ISO, text cells are safe from formula injection."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            f"Releases compared: data of {comparison.before:%-d %B %Y} and "
            f"{comparison.after:%-d %B %Y}"
        ]
    )
    writer.writerow(CSV_HEADERS)
    for row in comparison.rows:
        cells = [
            row.kind_label,
            row.department,
            row.programme,
            row.gmpp_id,
            row.before,
            row.after,
            "" if row.difference is None else row.difference,
            row.price_basis,
            row.note,
            page_url(row.slug),
        ]
        writer.writerow([safe_cell(cell) for cell in cells])
    return out.getvalue()


class ReleaseField(forms.ChoiceField):
    """A release by its data date; an unknown value is named (shortened) in the
    message rather than Django's generic one."""

    def validate(self, value):
        if value and not self.valid_value(value):
            shown = value if len(value) <= 30 else value[:30] + "…"
            raise ValidationError(
                f"There is no release with data date “{shown}”: choose one from the "
                "list.",
                code="invalid_choice",
            )
        super().validate(value)

    def to_python(self, value):
        return super().to_python(value).strip()


class CompareForm(forms.Form):
    """Two releases by data date, from the URL (`from` and `to`)."""

    def __init__(self, data, dates):
        super().__init__(data)
        choices = [(d.isoformat(), f"{d:%-d %B %Y}") for d in dates]
        for name, label in (("from", "Earlier release"), ("to", "Later release")):
            self.fields[name] = ReleaseField(
                label=label,
                choices=choices,
                error_messages={"required": f"Choose the {label.lower()}."},
                widget=forms.Select(attrs={"class": "govuk-select"}),
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("from") and cleaned.get("from") == cleaned.get("to"):
            self.add_error(
                "to", "Choose two different releases: these are the same release."
            )
        return cleaned

    def dates(self):
        return tuple(
            datetime.date.fromisoformat(self.cleaned_data[name])
            for name in ("from", "to")
        )


def compare_form(query, dates):
    """The comparison form bound to the URL's values; with neither given, the two
    newest releases (None when fewer than two are held)."""
    data = {name: query.get(name, "") for name in ("from", "to")}
    if not any(data.values()):
        if len(dates) < 2:
            return None
        data = {"from": dates[1].isoformat(), "to": dates[0].isoformat()}
    return CompareForm(data, dates)
