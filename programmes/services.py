"""Writes that touch several models. The demo loader and the GMPP importer share
`apply_gmpp_record`, so the same published figure always maps to the same row."""

import difflib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils.text import slugify

from . import freshness
from .models import (
    Benefit,
    DeliveryConfidenceAssessment,
    Department,
    FinancialFigure,
    Programme,
    ProgrammeName,
    ScheduleSnapshot,
    Source,
)
from .names import acronyms, normalise, ordinary_case


@dataclass
class ChangeCount:
    """How many rows of each kind a load created, changed or left alone."""

    counts: dict = field(default_factory=lambda: defaultdict(Counter))

    def add(self, label, outcome):
        self.counts[label][outcome] += 1

    @property
    def changes(self):
        return sum(c["created"] + c["changed"] for c in self.counts.values())

    def lines(self):
        return [
            f"{label}: {c['created']} created, {c['changed']} changed, "
            f"{c['unchanged']} unchanged"
            for label, c in sorted(self.counts.items())
        ]


def _label(model):
    return str(model._meta.verbose_name_plural)


_LOOK_IT_UP = object()
# What record_figure's one read of a figure's sort proves for the row it saves: no
# other figure of the sort has its date (the read would have found it: the lookup's
# NULL year or benefit is the constraint's 0, which no year can be and no benefit's
# id from its sequence is; a benefit made with id 0 by hand would meet the database's
# IntegrityError, which an import reports, instead of this message), and no
# other is current once the older current ones are set aside. Asking the database
# again was a sixth of loading the demo data.
SORT_READ_PROVES = frozenset(
    {
        "figure_unique_per_programme_year_kind_date",
        "figure_one_current_per_programme_year_kind",
    }
)


def upsert(model, *, lookup, values, counter, reason, found=_LOOK_IT_UP, met=()):
    """Create the row `lookup` names with `values`, or bring it up to `values`.
    Saves (and so records history) only when something differs. `found`: the row
    `lookup` names (or None), when the caller has just read it; `met`: names of
    unique constraints the caller's reads have already shown this row meets."""
    if met and found is _LOOK_IT_UP:
        raise TypeError("upsert: `met` stands on the caller's read, so give `found`")
    obj = model.objects.filter(**lookup).first() if found is _LOOK_IT_UP else found
    if obj is None:
        obj = model(**lookup, **values)
        outcome = "created"
    else:
        differing = {k: v for k, v in values.items() if getattr(obj, k) != v}
        if not differing:
            counter.add(_label(model), "unchanged")
            return obj
        for name, value in differing.items():
            setattr(obj, name, value)
        outcome = "changed"
    obj._constraints_met = met
    try:
        obj.full_clean()
    finally:
        del obj._constraints_met
    obj._change_reason = reason
    obj.save()
    counter.add(_label(model), outcome)
    return obj


def record_figure(
    *,
    programme,
    measure,
    kind,
    period,
    data_date,
    amount,
    source,
    counter,
    reason,
    financial_year=None,
    benefit=None,
    **extra,
):
    """Record one published amount (a money.PublishedAmount). The figure with the
    latest data date of its sort is the current one, whatever order they arrive in."""
    group = {
        "programme": programme,
        "measure": measure,
        "kind": kind,
        "period": period,
        "financial_year": financial_year,
        "benefit": benefit,
    }
    if clash := set(extra) & {"is_current", "data_date", *group}:
        raise TypeError(f"record_figure decides {sorted(clash)} itself")
    data_date = FinancialFigure._meta.get_field("data_date").to_python(data_date)
    # Every figure of its sort, whatever its date, in one read: whether a newer one
    # exists, the current ones it replaces, and the one of this date to bring up to
    # date (three queries a figure before).
    sort = list(FinancialFigure.objects.filter(**group))
    same_date = next((f for f in sort if f.data_date == data_date), None)
    newer_exists = any(f.data_date > data_date for f in sort)
    if not newer_exists:
        for older in sort:
            if not older.is_current or older.data_date == data_date:
                continue
            older.is_current = False
            older._change_reason = (
                f"{reason}: replaced by the figure as at {data_date:%d %B %Y}"
            )
            older.save()
            counter.add(_label(FinancialFigure), "changed")
    values = {
        "amount_gbp": amount.gbp,
        "withheld_text": amount.withheld_text,
        "source": source,
        "is_current": not newer_exists,
        "is_synthetic": source.is_synthetic,
        **extra,
    }
    return upsert(
        FinancialFigure,
        lookup={**group, "data_date": data_date},
        values=values,
        counter=counter,
        reason=reason,
        found=same_date,
        met=SORT_READ_PROVES,
    )


@dataclass(frozen=True)
class GmppRecord:
    """One programme's row of one GMPP release, already read and checked (gmpp.py).
    Amounts are money.PublishedAmount or None (not reported)."""

    name: str
    department: object
    data_date: object
    gmpp_id: str = ""
    category: str = ""
    ipa_rating: tuple | None = None  # (rating, scale, raw text)
    sro_rating: tuple | None = None
    start_date: object = None
    end_date: object = None
    fy_baseline: object = None
    fy_forecast: object = None
    fy_variance_pct: object = None
    whole_life_cost: object = None
    benefits: object = None
    real_prices: bool = False

    @property
    def financial_year(self):
        from .periods import FinancialYear

        return FinancialYear.containing(self.data_date).start_year


def unique_slug(model, text, max_length=80):
    base = slugify(text)[: max_length - 4].strip("-") or "item"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def related_departments(department):
    """A department with its predecessors and successors (machinery of government):
    where the same programme may have been reported."""
    return Department.objects.filter(
        Q(pk=department.pk) | Q(successors=department) | Q(predecessors=department)
    ).distinct()


def programmes_named(name, department):
    """Programmes of the department (or its predecessors and successors) known by
    this name, as published or as an alias, compared normalised."""
    key = normalise(name)
    return Programme.objects.filter(
        department__in=related_departments(department),
        pk__in=ProgrammeName.objects.filter(normalised=key).values("programme"),
    )


def name_candidates(department=None):
    """{normalised name: (name, slug)} of the names programmes are known by, of the
    department and its predecessors and successors when given: read once, then
    compared by nearest_names as often as needed."""
    names = ProgrammeName.objects.all()
    if department is not None:
        names = names.filter(programme__department__in=related_departments(department))
    candidates = {}
    for known, normalised, slug in names.values_list(
        "name", "normalised", "programme__slug"
    ).iterator(chunk_size=2000):
        candidates.setdefault(normalised, (known, slug))
    return candidates


def nearest_names(name, candidates, limit=3):
    """[(name, slug)]: the candidates' names most like `name`, normalised."""
    close = difflib.get_close_matches(normalise(name), candidates, n=limit, cutoff=0.6)
    return [candidates[key] for key in close]


def find_or_create_programme(record, *, slug, counter, reason):
    """The programme a record is about: by GMPP ID first (IDs survive renames), then
    by the slug the caller knows it by, then by every name it has been published
    under and its aliases, normalised, within the department and its predecessors
    and successors; created if new (marked `_just_created`), with its display name
    in ordinary case."""
    programme = None
    if record.gmpp_id:
        programme = Programme.objects.filter(gmpp_id=record.gmpp_id).first()
    if programme is None and slug:
        programme = Programme.objects.filter(slug=slug).first()
    if programme is None and not slug:
        named = list(programmes_named(record.name, record.department)[:2])
        # Only an unambiguous match, and never onto another GMPP ID.
        if len(named) == 1 and (
            not record.gmpp_id or named[0].gmpp_id in (None, "", record.gmpp_id)
        ):
            programme = named[0]
    if programme is None:
        programme = Programme(
            slug=slug or unique_slug(Programme, ordinary_case(record.name), 120),
            name=ordinary_case(record.name),
            department=record.department,
        )
        programme.full_clean()
        programme._change_reason = reason
        programme.save()
        programme._just_created = True
        counter.add(_label(Programme), "created")
    return programme


@transaction.atomic
def apply_gmpp_record(record, *, source, counter, reason, slug=None):
    """Map one GMPP row onto the register: programme, dates at the data date,
    ratings, the year's baseline and forecast, whole-life cost and benefits."""
    programme = find_or_create_programme(
        record, slug=slug, counter=counter, reason=reason
    )
    record_name(
        programme=programme,
        name=record.name,
        kind=ProgrammeName.Kind.PUBLISHED,
        data_date=record.data_date,
        source=source,
        counter=counter,
        reason=reason,
    )
    for acronym in acronyms(record.name):
        record_name(
            programme=programme,
            name=acronym,
            kind=ProgrammeName.Kind.ABBREVIATION,
            counter=counter,
            reason=reason,
        )
    synthetic = source.is_synthetic
    stored = {}
    if record.start_date or record.end_date:
        stored["dates"] = upsert(
            ScheduleSnapshot,
            lookup={"programme": programme, "data_date": record.data_date},
            values={
                "start_date": record.start_date,
                "end_date": record.end_date,
                "source": source,
                "is_synthetic": synthetic,
            },
            counter=counter,
            reason=reason,
        )
    for field_name, assessor, rating in (
        ("ipa_rating", DeliveryConfidenceAssessment.Assessor.IPA, record.ipa_rating),
        ("sro_rating", DeliveryConfidenceAssessment.Assessor.SRO, record.sro_rating),
    ):
        if rating is None:
            continue
        value, scale, raw = rating
        stored[field_name] = upsert(
            DeliveryConfidenceAssessment,
            lookup={
                "programme": programme,
                "data_date": record.data_date,
                "assessor": assessor,
            },
            values={
                "rating": value,
                "scale": scale,
                "raw_text": raw,
                "source": source,
                "is_synthetic": synthetic,
            },
            counter=counter,
            reason=reason,
        )
    basis = {"price_basis": "real" if record.real_prices else "nominal"}
    F = FinancialFigure
    figures = [
        (
            record.fy_baseline,
            F.Measure.COST,
            F.Kind.BASELINE,
            F.Period.FINANCIAL_YEAR,
            {},
        ),
        (
            record.fy_forecast,
            F.Measure.COST,
            F.Kind.FORECAST,
            F.Period.FINANCIAL_YEAR,
            {"published_variance_pct": record.fy_variance_pct},
        ),
        (
            record.whole_life_cost,
            F.Measure.COST,
            F.Kind.BASELINE,
            F.Period.WHOLE_LIFE,
            {},
        ),
        (record.benefits, F.Measure.BENEFIT, F.Kind.BASELINE, F.Period.WHOLE_LIFE, {}),
    ]
    for field_name, (amount, measure, kind, period, extra) in zip(
        ("fy_baseline", "fy_forecast", "whole_life_cost", "benefits"),
        figures,
        strict=True,
    ):
        if amount is None:
            continue
        yearly = period == F.Period.FINANCIAL_YEAR
        stored[field_name] = record_figure(
            programme=programme,
            measure=measure,
            kind=kind,
            period=period,
            financial_year=record.financial_year if yearly else None,
            data_date=record.data_date,
            amount=amount,
            source=source,
            counter=counter,
            reason=reason,
            **basis,
            **extra,
        )
    refresh_programme_from_releases(
        programme, newest=record, counter=counter, reason=reason
    )
    return programme, stored


def record_name(
    *, programme, name, kind, counter, data_date=None, source=None, reason=None
):
    """Keep a name the programme is known by; a published name's first and last
    data dates widen to every release that used it. `reason` goes into the
    history (an import's, so that undoing the import takes the name back)."""
    name = name.strip()
    found = ProgrammeName.objects.filter(
        programme=programme, name=name, kind=kind
    ).first()
    if found is None:
        found = ProgrammeName(
            programme=programme,
            name=name,
            normalised=normalise(name),
            kind=kind,
            first_data_date=data_date,
            last_data_date=data_date,
            source=source,
        )
        found.full_clean()
        found._change_reason = reason
        found.save()
        counter.add(_label(ProgrammeName), "created")
        return found
    if data_date is None:
        return found
    first, last = found.first_data_date, found.last_data_date
    if first is not None and first <= data_date <= last:
        return found
    found.first_data_date = min(d for d in (first, data_date) if d)
    found.last_data_date = max(d for d in (last, data_date) if d)
    if found.last_data_date == data_date and source is not None:
        found.source = source
    found._change_reason = reason
    found.save()
    counter.add(_label(ProgrammeName), "changed")
    return found


def refresh_programme_from_releases(programme, *, newest, counter, reason):
    """Department and category follow the newest release (the display name does
    not: record_name keeps every published name); baseline dates are the first
    reported, latest dates the newest reported."""
    snapshots = list(programme.schedule_snapshots.order_by("data_date"))
    values = {}
    if snapshots:
        first, last = snapshots[0], snapshots[-1]
        values.update(
            baseline_start_date=first.start_date,
            baseline_end_date=first.end_date,
            latest_start_date=last.start_date,
            latest_end_date=last.end_date,
        )
    newest_date = snapshots[-1].data_date if snapshots else newest.data_date
    if newest.data_date >= newest_date:
        # The display name is ours (ordinary case); published names are kept apart.
        values.update(department=newest.department)
        if newest.gmpp_id:
            values["gmpp_id"] = newest.gmpp_id
        if newest.category:
            values["category"] = newest.category
    differing = {k: v for k, v in values.items() if getattr(programme, k) != v}
    if not differing:
        if not getattr(programme, "_just_created", False):
            counter.add(_label(Programme), "unchanged")
        return
    for name, value in differing.items():
        setattr(programme, name, value)
    programme.full_clean()
    programme._change_reason = reason
    programme.save()
    if not getattr(programme, "_just_created", False):
        counter.add(_label(Programme), "changed")


@transaction.atomic
def derive_statuses(*, departments=None, counter, reason):
    """Set each derived programme status from the GMPP releases: in its
    department's latest release, "in the GMPP"; absent from later releases of its
    department, "left the GMPP" after the last that listed it; in none, not known.
    Each with the release as its source. A department's releases are its own and
    the cross-government ones. Statuses an admin stated are left alone."""
    in_scope = Programme.objects.all()
    if departments is not None:
        in_scope = in_scope.filter(department__in=departments)
    department_of = dict(in_scope.values_list("pk", "department"))
    listed = {}  # programme -> (last data date, that release's source)
    releases = {}  # department (None: cross-government) -> newest data date
    for model in (ScheduleSnapshot, DeliveryConfidenceAssessment, FinancialFigure):
        gmpp = model.objects.filter(source__kind=Source.Kind.GMPP_RELEASE)
        rows = gmpp.filter(programme__in=department_of).values_list(
            "programme", "data_date", "source"
        )
        for programme, data_date, source in rows.iterator(chunk_size=2000):
            if programme not in listed or listed[programme][0] < data_date:
                listed[programme] = (data_date, source)
        newest = (
            gmpp.order_by()
            .values("source__department")
            .annotate(newest=Max("data_date"))
            .values_list("source__department", "newest")
        )
        for department, data_date in newest:
            releases[department] = max(releases.get(department, data_date), data_date)
    cross_government = releases.get(None)

    def latest_release(department):
        dates = [d for d in (releases.get(department), cross_government) if d]
        return max(dates) if dates else None

    for programme in in_scope.filter(status_is_derived=True):
        if programme.pk in listed:
            data_date, source = listed[programme.pk]
            current = data_date >= latest_release(programme.department_id)
            status = Programme.Status.ACTIVE if current else Programme.Status.LEFT_GMPP
            values = (status, data_date, source)
        else:
            values = (Programme.Status.NOT_KNOWN, None, None)
        if values == (
            programme.status,
            programme.status_date,
            programme.status_source_id,
        ):
            continue
        programme.status, programme.status_date, programme.status_source_id = values
        programme._change_reason = reason
        programme.save()
        counter.add(_label(Programme), "changed")


class EntryRefused(ValueError):
    """A figure entry the register cannot take, with the reason in words."""


def save_with_reason(row, *, reason, user=None, expected_version=None, delete=False):
    """The one way a tracked row is written by hand: with the reason and user its
    history keeps, and (given the version the editor started from) only if nobody
    saved it since (models.StaleEdit)."""
    row._change_reason = reason
    if user is not None:
        row._history_user = user
    if delete:
        with transaction.atomic():
            row.delete()
            if isinstance(row, FinancialFigure) and row.is_current:
                _current_again(row, reason=reason, user=user)
    elif expected_version is not None and row.pk is not None:
        row.save_checked(expected_version)
    else:
        row.save()
    return row


def _current_again(deleted, *, reason, user=None):
    """After the current figure of its sort was deleted: the remaining one with
    the latest data date is current, as if the deleted one had never come."""
    newest = _siblings(deleted).order_by("-data_date").first()
    if newest is None or newest.is_current:
        return
    newest.is_current = True
    newest._change_reason = (
        f"{reason}: current again, the figure as at "
        f"{deleted.data_date:%d %B %Y} was deleted"
    )
    if user is not None:
        newest._history_user = user
    newest.save()


def _reason(reason, action):
    if not reason or not reason.strip():
        raise EntryRefused(f"{action} needs a reason; the history keeps it.")
    return reason.strip()


# What a correction may change: the figure's value and how it is described, never
# which figure it is (programme, measure, kind, period, year, data date).
CORRECTABLE = (
    "amount_gbp",
    "withheld_text",
    "published_variance_pct",
    "price_basis",
    "price_base_year",
    "note",
    "source",
)


@transaction.atomic
def correct_figure(
    *, figure, reason, user=None, expected_version=None, amount_gbp=None, **changes
):
    """Fix a mistyped figure in place (a typo: the same figure, a new value). The
    history keeps the old value, who and why. Given `expected_version`, refuses
    (StaleEdit) if someone saved the figure after the editor opened it."""
    why = _reason(reason, "A correction")
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise EntryRefused(
            f"A correction changes only the figure's value and description, not "
            f"{', '.join(sorted(unknown))}: record a newer figure instead."
        )
    if amount_gbp is not None:
        changes = {"withheld_text": "", **changes, "amount_gbp": amount_gbp}
    for name, value in changes.items():
        setattr(figure, name, value)
    figure.full_clean()
    return save_with_reason(
        figure,
        reason=f"Correction: {why}",
        user=user,
        expected_version=expected_version,
    )


# Which figure of a programme a row is, apart from its data date: its sort.
FIGURE_SORT = (
    "programme",
    "measure",
    "kind",
    "period",
    "financial_year",
    "benefit",
    "price_basis",
    "price_base_year",
)


def _sort_of(figure):
    return {name: getattr(figure, name) for name in FIGURE_SORT}


def _siblings(figure):
    """Figures of the same sort (the price basis aside: one current per year)."""
    sort = _sort_of(figure)
    del sort["price_basis"], sort["price_base_year"]
    return FinancialFigure.objects.filter(**sort).exclude(pk=figure.pk)


@transaction.atomic
def add_figure(*, figure, reason, user=None):
    """Save a new figure (an unsaved FinancialFigure) the way an import would: the
    newest of its sort is current and the one it replaces stays, no longer
    current; an older one (a back-filled release) is kept but not current. A
    figure of the same sort and data date is refused: correct that one instead."""
    why = _reason(reason, "A new figure")
    siblings = _siblings(figure)
    same_date = siblings.filter(data_date=figure.data_date).first()
    if same_date is not None:
        raise EntryRefused(
            f"{figure.programme} already has “{same_date}” as at "
            f"{figure.data_date:%d %B %Y} (id {same_date.pk}): correct that one "
            "instead, or give the new figure its own data date."
        )
    newer = siblings.filter(data_date__gt=figure.data_date).exists()
    figure.is_current = not newer
    figure.is_synthetic = figure.source.is_synthetic
    if figure.is_current:
        freshness.lock_first()
        for older in siblings.filter(is_current=True).select_for_update():
            older.is_current = False
            save_with_reason(
                older,
                reason=f"{why}: replaced by the figure as at "
                f"{figure.data_date:%d %B %Y}",
                user=user,
            )
    figure.full_clean()
    return save_with_reason(figure, reason=why, user=user)


def _successor(figure, *, amount_gbp, data_date, source, withheld_text=""):
    if data_date <= figure.data_date:
        raise EntryRefused(
            f"The new figure must be dated after the one it follows "
            f"({figure.data_date:%d %B %Y})."
        )
    return FinancialFigure(
        **_sort_of(figure),
        data_date=data_date,
        amount_gbp=amount_gbp,
        withheld_text=withheld_text,
        source=source,
    )


@transaction.atomic
def record_newer_figure(
    *, figure, amount_gbp, data_date, source, reason, user=None, withheld_text=""
):
    """A newer figure of the same sort (a new release, a new forecast for the same
    year): it becomes current; `figure` stays as it was, no longer current."""
    why = _reason(reason, "A newer figure")
    new = _successor(
        figure,
        amount_gbp=amount_gbp,
        data_date=data_date,
        source=source,
        withheld_text=withheld_text,
    )
    return add_figure(figure=new, reason=f"Newer figure: {why}", user=user)


@transaction.atomic
def rebaseline_figure(*, figure, amount_gbp, data_date, source, reason, user=None):
    """A newly approved baseline: a new current figure; the earlier one stays, dated,
    no longer current."""
    if figure.kind != FinancialFigure.Kind.BASELINE:
        raise EntryRefused(
            "Only a baseline can be re-baselined: record a newer figure instead."
        )
    why = _reason(reason, "A re-baseline")
    new = _successor(figure, amount_gbp=amount_gbp, data_date=data_date, source=source)
    return add_figure(figure=new, reason=f"Re-baseline: {why}", user=user)


def latest_source(programme):
    """The source a new record of `programme` most likely comes from: that of its
    newest figure, rating or reported dates, else the programme's own."""
    newest = []
    for rows in (
        programme.figures,
        programme.assessments,
        programme.schedule_snapshots,
    ):
        row = rows.select_related("source").order_by("-data_date", "-pk").first()
        if row is not None:
            newest.append((row.data_date, row.source))
    if newest:
        return max(newest, key=lambda pair: pair[0])[1]
    return programme.source


NISTA = "National Infrastructure and Service Transformation Authority"
GMPP_COLLECTION = "https://www.gov.uk/government/collections/major-projects-data"
OGL = "Open Government Licence v3.0"


def gmpp_source_key(department_abbreviation, data_date, *, cross_government=False):
    """The one identity of a GMPP release, shared by the demo data and the importer:
    who published it and its data date."""
    publisher = "nista" if cross_government else department_abbreviation.lower()
    return f"gmpp-{publisher}-{data_date.isoformat()}"


def gmpp_release_source(
    *,
    department,
    data_date,
    file_name,
    counter,
    reason,
    cross_government=False,
    published_year=None,
    overwrite=True,
):
    """The Source of a GMPP release. The demo data states its metadata (overwrite);
    an import reuses a source that exists as it is, so it changes nothing there."""
    key = gmpp_source_key(
        department.abbreviation, data_date, cross_government=cross_government
    )
    existing = Source.objects.filter(key=key).first()
    if existing is not None and not overwrite:
        counter.add(_label(Source), "unchanged")
        return existing
    month = data_date.strftime("%B %Y")
    if cross_government:
        title = f"NISTA Major Projects annual report data, {month}"
        publisher, source_department = NISTA, None
    else:
        title = f"{department.abbreviation} Government Major Projects Portfolio data, {month}"
        publisher, source_department = department.name, department
    if published_year is None:
        # September snapshots were published the next summer, March ones that summer.
        published_year = data_date.year + (1 if data_date.month >= 4 else 0)
    return upsert(
        Source,
        lookup={"key": key},
        values={
            "kind": Source.Kind.GMPP_RELEASE,
            "title": title,
            "publisher": publisher,
            "published_year": published_year,
            "url": GMPP_COLLECTION,
            "file_name": file_name,
            "licence": OGL,
            "department": source_department,
        },
        counter=counter,
        reason=reason,
    )


PROGRAMME_PARTS = (
    "figures",
    "benefits",
    "milestones",
    "assessments",
    "disruption_impacts",
    "schedule_snapshots",
    "narratives",
    "facts",
)


class MergeRefused(ValueError):
    """Both programmes hold the same fact; merging would have to drop one."""


@transaction.atomic
def merge_programmes(*, keep, absorb, reason, user=None):
    """Move everything `absorb` holds onto `keep` (figures, ratings, reported dates,
    narratives, milestones, impacts, benefits, facts and names), then delete
    `absorb`, each change kept in the history with the reason. Nothing is dropped:
    where both hold the same fact (a rating at the same date, dates at the same
    data date, a benefit or milestone of the same title...), the merge is refused
    and says which. Where both have a current figure of one kind and year, the
    newer stays current. Provenance points at the moved rows, so it stays true."""
    if keep.pk == absorb.pk:
        raise MergeRefused("Choose two different programmes to merge.")
    if not reason or not reason.strip():
        raise MergeRefused("Give the reason for merging these programmes.")
    if keep.gmpp_id and absorb.gmpp_id and keep.gmpp_id != absorb.gmpp_id:
        raise MergeRefused(
            f"{keep} ({keep.gmpp_id}) and {absorb} ({absorb.gmpp_id}) have different "
            "GMPP IDs: they are different projects."
        )
    why = f"Merged {absorb.name!r} into {keep.name!r}: {reason.strip()}"
    counter = ChangeCount()
    conflicts = []
    moved = []
    for relation in PROGRAMME_PARTS:
        for row in getattr(absorb, relation).all():
            row.programme = keep
            if isinstance(row, FinancialFigure) and row.is_current:
                _settle_current(row, keep, why, user)
            try:
                row.validate_constraints()
            except ValidationError as error:
                conflicts.append(
                    f"{row._meta.verbose_name} “{row}”: {error.messages[0]}"
                )
            moved.append(row)
    if conflicts:
        raise MergeRefused(
            "Both programmes hold the same facts, so merging would lose one: "
            + "; ".join(conflicts[:20])
        )
    # Benefits first: a figure may name only its own programme's benefit.
    for row in sorted(moved, key=lambda r: not isinstance(r, Benefit)):
        save_with_reason(row, reason=why, user=user)
    for name in absorb.names.all():
        # Both ends of its span, so the kept name covers every release that used it.
        for day in dict.fromkeys((name.first_data_date, name.last_data_date)):
            record_name(
                programme=keep,
                name=name.name,
                kind=name.kind,
                data_date=day,
                source=name.source,
                counter=counter,
            )
        name.delete()
    record_name(
        programme=keep, name=absorb.name, kind=ProgrammeName.Kind.ALIAS, counter=counter
    )
    gmpp_id = keep.gmpp_id or absorb.gmpp_id
    save_with_reason(absorb, reason=why, user=user, delete=True)
    keep.gmpp_id = gmpp_id
    _refresh_dates(keep)
    save_with_reason(keep, reason=why, user=user)
    derive_statuses(departments=[keep.department], counter=counter, reason=why)
    return len(moved)


def _settle_current(figure, keep, why, user):
    """Of two current figures of one kind and year, the newer stays current."""
    other = keep.figures.filter(
        measure=figure.measure,
        kind=figure.kind,
        period=figure.period,
        financial_year=figure.financial_year,
        benefit=figure.benefit,
        is_current=True,
    ).first()
    if other is None:
        return
    older = figure if figure.data_date < other.data_date else other
    older.is_current = False
    if older is other:
        save_with_reason(other, reason=why, user=user)


def _refresh_dates(programme):
    snapshots = list(programme.schedule_snapshots.order_by("data_date"))
    if snapshots:
        first, last = snapshots[0], snapshots[-1]
        programme.baseline_start_date = first.start_date
        programme.baseline_end_date = first.end_date
        programme.latest_start_date = last.start_date
        programme.latest_end_date = last.end_date


@transaction.atomic
def delete_programme(*, programme, confirm_name, reason, user=None):
    """Delete a programme and everything it holds, deliberately: the caller types
    its name and gives a reason; every row's deletion is kept in the history (and
    so in the change log) with that reason. Nothing else cascades: figures protect
    their programme, so only this path removes one that has any."""
    if confirm_name.strip() != programme.name:
        raise ValueError(
            f"Type the programme's name exactly ({programme.name!r}) to delete it; "
            f"{confirm_name.strip()!r} does not match."
        )
    if not reason or not reason.strip():
        raise ValueError("Give the reason for deleting this programme.")
    why = f"Programme deleted: {reason.strip()}"
    deleted = 0
    for relation in (*PROGRAMME_PARTS, "names"):
        # Benefit figures first: a benefit is protected by the figures that name it.
        rows = getattr(programme, relation).all()
        if relation == "figures":
            rows = rows.order_by("-benefit_id")
        for row in rows:
            row._change_reason = why
            if user is not None:
                row._history_user = user
            row.delete()
            deleted += 1
    programme._change_reason = why
    if user is not None:
        programme._history_user = user
    programme.delete()
    return deleted + 1
