"""Writes of milestone statements. A milestone's own baseline, forecast and actual
dates are derived here from its statements, never in save() or a signal."""

from django.db import transaction

from .models import Milestone, MilestoneStatement, in_stated_order

Kind = MilestoneStatement.Kind


def _stamp(obj, reason, user):
    obj._change_reason = reason
    if user is not None:
        obj._history_user = user


def derived_dates(statements):
    """{field: value} for a milestone from its statements in stated order: the
    first baseline stated, the latest forecast, the latest actual, and the source
    of the latest statement."""
    by_kind = {kind: [s for s in statements if s.kind == kind] for kind in Kind}
    values = {"source": statements[-1].source}
    for field, kind, pick in (
        ("baseline", Kind.BASELINE, 0),
        ("forecast", Kind.FORECAST, -1),
        ("actual", Kind.ACTUAL, -1),
    ):
        chosen = by_kind[kind][pick] if by_kind[kind] else None
        values[f"{field}_date"] = chosen.date if chosen else None
        if chosen:
            values[f"{field}_precision"] = chosen.precision
    return values


def refresh_milestone(milestone, *, reason, user=None):
    """Bring the milestone's dates, precisions, source and (achieved or not) status
    into line with its statements; saves only when something differs. Returns True
    if it saved. A milestone with no statements keeps the dates entered on it."""
    statements = in_stated_order(milestone.statements.select_related("source"))
    if not statements:
        return False
    values = derived_dates(statements)
    if values["actual_date"] is not None:
        values["status"] = Milestone.Status.ACHIEVED
    elif milestone.status == Milestone.Status.ACHIEVED:
        values["status"] = Milestone.Status.NOT_ACHIEVED
    differing = {k: v for k, v in values.items() if getattr(milestone, k) != v}
    if not differing:
        return False
    for name, value in differing.items():
        setattr(milestone, name, value)
    milestone.full_clean()
    _stamp(milestone, reason, user)
    milestone.save()
    return True


@transaction.atomic
def record_statement(statement, *, reason, user=None):
    """Record one new or edited statement (validated) and refresh its milestone's
    dates. The one door for the admin and the demo loader."""
    statement.is_synthetic = statement.source.is_synthetic
    statement.full_clean()
    _stamp(statement, reason, user)
    statement.save()
    refresh_milestone(statement.milestone, reason=reason, user=user)
    return statement
