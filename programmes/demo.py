"""The demo data: real programmes and published facts, every figure with its source.
Loading twice changes nothing; GMPP rows go through the importer's own mapping."""

import csv
import datetime
import hashlib
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from . import gmpp, periods
from .demo_data import facts
from .milestones import derived_dates, refresh_milestone
from .models import (
    Benefit,
    Department,
    DepartmentAlias,
    Disruption,
    DisruptionImpact,
    Fact,
    Milestone,
    MilestoneStatement,
    Programme,
    Source,
    in_stated_order,
)
from .money import PublishedAmount
from .services import (
    ChangeCount,
    GmppRecord,
    apply_gmpp_record,
    derive_statuses,
    gmpp_release_source,
    record_figure,
    record_name,
    upsert,
)

GMPP_HISTORY = Path(__file__).parent / "demo_data" / "gmpp_digital_programmes.csv"
MILESTONES = Path(__file__).parent / "demo_data" / "milestones.csv"
# The one source in milestones.csv without a date (a GOV.UK guidance page): its
# year is taken as that of the rule it states, since Source needs a year.
UNDATED_SOURCE_YEARS = {
    "https://www.gov.uk/guidance/check-when-a-business-must-follow-the-rules-for-"
    "making-tax-digital-for-vat": 2019
}
REASON = "Demo data"


def _department(code):
    matches = list(Department.objects.matching_name(code))
    if len(matches) != 1:
        raise ValueError(f"Department {code!r} matches {len(matches)} departments.")
    return matches[0]


def _amount(text, placeholder_zeros):
    amount = gmpp.parse_millions(text)
    if placeholder_zeros and amount is not None and amount.gbp == 0:
        return PublishedAmount(
            withheld_text=f"{text} (a placeholder: the business case was not finished)"
        )
    return amount


def load_gmpp_history(counter):
    with GMPP_HISTORY.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in sorted(rows, key=lambda r: r["snapshot_date"]):
        data_date = datetime.date.fromisoformat(row["snapshot_date"])
        department = _department(row["department"])
        source = gmpp_release_source(
            department=department,
            data_date=data_date,
            published_year=max(int(row["report_year"]), data_date.year),
            file_name=row["source_file"],
            cross_government="nista" in row["source_file"].lower(),
            counter=counter,
            reason=REASON,
        )
        placeholders = row["placeholder_zeros"] == "True"
        scale = row["scale"]
        record = GmppRecord(
            gmpp_id=row["gmpp_id"],
            name=row["project_name"],
            department=department,
            data_date=data_date,
            category=CATEGORIES.get(row["annual_report_category"], ""),
            ipa_rating=gmpp.parse_rating(
                row["dca_ipa_raw"], data_date=data_date, scale=scale
            ),
            sro_rating=gmpp.parse_rating(
                row["dca_sro_raw"], data_date=data_date, scale=scale
            ),
            start_date=gmpp.parse_date(row["start_date"]),
            end_date=gmpp.parse_date(row["end_date"]),
            fy_baseline=_amount(row["fy_baseline_gbp_m"], placeholders),
            fy_forecast=_amount(row["fy_forecast_gbp_m"], placeholders),
            fy_variance_pct=gmpp.parse_percentage(row["fy_variance_pct_as_written"]),
            whole_life_cost=_amount(row["wlc_baseline_gbp_m"], placeholders),
            benefits=_amount(row["benefits_baseline_gbp_m"], placeholders),
            real_prices=row["is_real_prices"] == "True",
        )
        apply_gmpp_record(
            record, source=source, counter=counter, reason=REASON, slug=row["programme"]
        )


CATEGORIES = {label: value for value, label in Programme.Category.choices if value}


def load_departments(counter):
    by_slug = {}
    for slug, name, abbreviation, aliases, _ in facts.DEPARTMENTS:
        department = upsert(
            Department,
            lookup={"slug": slug},
            values={"name": name, "abbreviation": abbreviation},
            counter=counter,
            reason=REASON,
        )
        for alias in aliases:
            upsert(
                DepartmentAlias,
                lookup={"alias": alias},
                values={"department": department},
                counter=counter,
                reason=REASON,
            )
        by_slug[slug] = department
    for slug, *_, predecessors in facts.DEPARTMENTS:
        wanted = {by_slug[p] for p in predecessors}
        department = by_slug[slug]
        if set(department.predecessors.all()) != wanted:
            department.predecessors.set(wanted)
            counter.add("department successions", "changed")


def load_sources(counter):
    for key, (kind, title, publisher, year, url) in facts.SOURCES.items():
        upsert(
            Source,
            lookup={"key": key},
            values={
                "kind": kind,
                "title": title,
                "publisher": publisher,
                "published_year": year,
                "url": url,
            },
            counter=counter,
            reason=REASON,
        )


def load_names(counter):
    """Display names in ordinary case, and the aliases people search by."""
    programmes = {p.slug: p for p in Programme.objects.all()}
    for slug, name in facts.DISPLAY_NAMES.items():
        programmes[slug] = upsert(
            Programme,
            lookup={"slug": slug},
            values={"name": name},
            counter=counter,
            reason=REASON,
        )
    for slug, aliases in facts.PROGRAMME_ALIASES.items():
        for kind, name in aliases:
            record_name(
                programme=programmes[slug], name=name, kind=kind, counter=counter
            )


def load_facts(counter):
    sources = {s.key: s for s in Source.objects.all()}
    programmes = {p.slug: p for p in Programme.objects.all()}
    departments = {d.slug: d for d in Department.objects.all()}
    for spec in facts.PROGRAMMES:
        spec = dict(spec)
        slug = spec.pop("slug")
        spec["department"] = departments[spec["department"]]
        spec["source"] = sources[spec["source"]]
        if "status" in spec:
            # A recorded closure, stated by its source, not derived from releases.
            spec.update(
                status_source=spec["source"],
                status_is_derived=False,
                status_date=spec.get("latest_end_date"),
            )
        programmes[slug] = upsert(
            Programme,
            lookup={"slug": slug},
            values=spec,
            counter=counter,
            reason=REASON,
        )
    for programme, statement, as_at, source in facts.FACTS:
        upsert(
            Fact,
            lookup={"statement": statement, "source": sources[source]},
            values={"programme": programmes.get(programme), "as_at": as_at},
            counter=counter,
            reason=REASON,
        )
    for spec in facts.FIGURES:
        spec = dict(spec)
        record_figure(
            programme=programmes[spec.pop("programme")],
            amount=PublishedAmount(spec.pop("amount_gbp")),
            source=sources[spec.pop("source")],
            counter=counter,
            reason=REASON,
            **spec,
        )
    disruptions = {}
    for slug, name, kind, description, source in facts.DISRUPTIONS:
        disruptions[slug] = upsert(
            Disruption,
            lookup={"slug": slug},
            values={
                "name": name,
                "kind": kind,
                "description": description,
                "started_on": facts.DISRUPTION_STARTED.get(slug),
                "source": sources[source],
            },
            counter=counter,
            reason=REASON,
        )
    for disruption, programme, cost, days, note, source in facts.IMPACTS:
        upsert(
            DisruptionImpact,
            lookup={
                "disruption": disruptions[disruption],
                "programme": programmes[programme],
            },
            values={
                "cost_impact_gbp": cost,
                "schedule_impact_days": days,
                "note": note,
                "source": sources[source],
            },
            counter=counter,
            reason=REASON,
        )
    for spec in facts.BENEFITS:
        spec = dict(spec)
        upsert(
            Benefit,
            lookup={
                "programme": programmes[spec.pop("programme")],
                "title": spec.pop("title"),
            },
            values={**spec, "source": sources[spec["source"]]},
            counter=counter,
            reason=REASON,
        )


def _source_kind(title, publisher):
    if title.startswith("GMPP project data"):
        return Source.Kind.GMPP_RELEASE
    if publisher == "National Audit Office":
        return Source.Kind.AUDIT_REPORT
    if publisher.startswith("House of Commons") or publisher.endswith(
        ("(Hansard)", "(written statement)")
    ):
        return Source.Kind.PARLIAMENT
    return Source.Kind.GOVERNMENT


def milestone_source(row, counter):
    """The Source a milestones.csv row cites, one per title, publisher, date and
    address; its year (and day, where given) from `source_date`."""
    title, publisher, written, url = (
        row["source_title"],
        row["publisher"],
        row["source_date"],
        row["url"],
    )
    digest = hashlib.sha256(f"{title}|{publisher}|{written}|{url}".encode()).hexdigest()
    if written:
        first, precision = periods.parse_written_date(written)
        year, published_on = first.year, first if precision == periods.DAY else None
    else:
        year, published_on = UNDATED_SOURCE_YEARS[url], None
    return upsert(
        Source,
        lookup={"key": f"{slugify(title)[:100]}-{digest[:8]}"},
        values={
            "kind": _source_kind(title, publisher),
            "title": title,
            "publisher": publisher,
            "published_year": year,
            "published_on": published_on,
            "url": url,
        },
        counter=counter,
        reason=REASON,
    )


def _statement(row, source, where):
    """An unsaved MilestoneStatement for one row; ValueError names the row."""
    try:
        date = periods.parse_precise_date(row["date"], row["precision"])
        stated_on, stated_on_precision = None, ""
        if row["stated_on"]:
            first, stated_on_precision = periods.parse_written_date(row["stated_on"])
            stated_on = periods.period_end(first, stated_on_precision)
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None
    return MilestoneStatement(
        kind=row["kind"],
        date=date,
        precision=row["precision"],
        stated_on=stated_on,
        stated_on_precision=stated_on_precision,
        source=source,
        is_synthetic=source.is_synthetic,
    )


def _milestone_rows(counter):
    """(programme, milestone title) -> unsaved statements, from milestones.csv
    (matched by GMPP ID, or by name where it has none) and facts.py."""
    by_gmpp_id = {p.gmpp_id: p for p in Programme.objects.exclude(gmpp_id=None)}
    by_slug = {p.slug: p for p in Programme.objects.all()}
    grouped = {}
    with MILESTONES.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            if row["gmpp_id"]:
                programme = by_gmpp_id.get(row["gmpp_id"])
            else:
                programme = by_slug.get(slugify(row["programme"]))
            if programme is None:
                raise ValueError(
                    f"{MILESTONES.name} row {number}: no programme "
                    f"{row['gmpp_id'] or row['programme']!r}."
                )
            statement = _statement(
                row, milestone_source(row, counter), f"{MILESTONES.name} row {number}"
            )
            grouped.setdefault((programme, row["milestone"]), []).append(statement)
    sources = {s.key: s for s in Source.objects.all()}
    for (
        slug,
        title,
        kind,
        date,
        precision,
        stated_on,
        key,
    ) in facts.MILESTONE_STATEMENTS:
        row = {"kind": kind, "date": date, "precision": precision}
        row["stated_on"] = stated_on
        statement = _statement(row, sources[key], f"facts.py {title!r}")
        grouped.setdefault((by_slug[slug], title), []).append(statement)
    return grouped


def load_milestones(counter):
    """Each milestone with every dated statement about it; the milestone's dates
    derived from them (a new milestone is created with them already)."""
    for (programme, title), statements in _milestone_rows(counter).items():
        values = derived_dates(in_stated_order(statements))
        achieved = values["actual_date"] is not None
        values["status"] = (
            Milestone.Status.ACHIEVED if achieved else Milestone.Status.NOT_ACHIEVED
        )
        milestone = upsert(
            Milestone,
            lookup={"programme": programme, "title": title},
            values=values,
            counter=counter,
            reason=REASON,
        )
        for statement in statements:
            upsert(
                MilestoneStatement,
                lookup={
                    "milestone": milestone,
                    "kind": statement.kind,
                    "date": statement.date,
                    "precision": statement.precision,
                    "source": statement.source,
                },
                values={
                    "stated_on": statement.stated_on,
                    "stated_on_precision": statement.stated_on_precision,
                    "is_synthetic": statement.is_synthetic,
                },
                counter=counter,
                reason=REASON,
            )
        if refresh_milestone(milestone, reason=REASON):
            counter.add("milestones", "changed")


@transaction.atomic
def load_demo_data():
    """Load everything; returns the ChangeCount (all unchanged on a second run)."""
    counter = ChangeCount()
    load_departments(counter)
    load_sources(counter)
    load_gmpp_history(counter)
    load_facts(counter)
    load_names(counter)
    load_milestones(counter)
    derive_statuses(counter=counter, reason=REASON)
    return counter
