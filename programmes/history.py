"""Reading the change history (django-simple-history) as a list of changes, old and
new values side by side, for a programme and everything that hangs off it."""

from dataclasses import dataclass

from .models import (
    Benefit,
    DeliveryConfidenceAssessment,
    DisruptionImpact,
    FinancialFigure,
    Milestone,
    Programme,
    ScheduleSnapshot,
)

PROGRAMME_PARTS = (
    FinancialFigure,
    Benefit,
    Milestone,
    DeliveryConfidenceAssessment,
    DisruptionImpact,
    ScheduleSnapshot,
)
ACTIONS = {"+": "Added", "~": "Changed", "-": "Deleted"}
SKIP_FIELDS = {"id", "history_id", "history_date", "history_user", "history_type"}


@dataclass
class Change:
    when: object
    user: object
    what: str
    item: str
    action: str
    reason: str
    fields: list  # of (field label, old, new)


def _tracked_fields(model):
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in SKIP_FIELDS and not f.primary_key
    ]


def _display(field, record):
    value = getattr(record, field.attname)
    if value is None or value == "":
        return ""
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return str(value)


def _item_text(model, record):
    # Built from the record's own columns: following a relation here would cost a
    # query per row.
    if model is DisruptionImpact:
        return f"Impact of disruption #{record.disruption_id}"
    return str(record.instance)


def changes_for(model, records):
    """Turn historical records (any order) into Changes, each with the fields that
    differ from the record before it for the same row."""
    fields = _tracked_fields(model)
    previous = {}
    changes = []
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(record.id)
        diffs = []
        for field in fields:
            new = _display(field, record)
            old = _display(field, before) if before is not None else ""
            if record.history_type == "+" and new:
                diffs.append((str(field.verbose_name), "", new))
            elif record.history_type == "~" and old != new:
                diffs.append((str(field.verbose_name), old, new))
        previous[record.id] = record
        changes.append(
            Change(
                when=record.history_date,
                user=record.history_user,
                what=str(model._meta.verbose_name).capitalize(),
                item=_item_text(model, record),
                action=ACTIONS[record.history_type],
                reason=record.history_change_reason or "",
                fields=diffs,
            )
        )
    return changes


def programme_changes(programme):
    """Every change to a programme and to its figures, benefits, milestones, ratings,
    disruption impacts and reported dates, newest first. One query per part."""
    changes = changes_for(
        Programme,
        Programme.history.filter(id=programme.pk).select_related("history_user"),
    )
    for model in PROGRAMME_PARTS:
        records = model.history.filter(programme_id=programme.pk).select_related(
            "history_user"
        )
        changes.extend(changes_for(model, records))
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes
