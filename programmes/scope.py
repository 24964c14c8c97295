"""Which departments a row touches, so that a programme admin changes (and reads
the admin history of) only what touches their departments alone.

A programme's rows touch its department; a department touches itself. Shared
records touch every department whose rows cite them: a source, the departments of
every programme, figure, rating, fact... citing it (and of the disruptions citing
it); a disruption, those of the programmes it hit and of the facts about it. A
shared record that touches no department yet is anyone's to correct."""

from .models import Department, Disruption, Fact, ImportedFile, Programme, Source


def _programme_department(programme_id):
    # A deleted programme's rows keep the department it had when it went.
    live = (
        Programme.objects.filter(pk=programme_id)
        .values_list("department_id", flat=True)
        .first()
    )
    if live is not None:
        return live
    return (
        Programme.history.filter(id=programme_id)
        .order_by("-history_date", "-history_id")
        .values_list("department_id", flat=True)
        .first()
    )


def _disruption_departments(disruption_ids):
    disruptions = Disruption.objects.filter(pk__in=disruption_ids)
    return {
        *disruptions.values_list("impacts__programme__department", flat=True),
        *disruptions.values_list("facts__programme__department", flat=True),
    } - {None}


def _source_departments(source):
    touched = {source.department_id}
    # Every relation pointing at Source, hidden ones ("+") included, so that a model
    # added later with a programme and a source is counted without editing this.
    for relation in Source._meta.get_fields(include_hidden=True):
        citing = relation.related_model
        if not (relation.auto_created and relation.one_to_many):
            continue
        if hasattr(citing, "instance_type") or citing is ImportedFile:
            continue  # history rows; an imported file's department is the source's
        rows = citing.objects.filter(**{relation.field.name: source.pk})
        field_names = {f.name for f in citing._meta.get_fields()}
        if citing is Programme:
            touched.update(rows.values_list("department_id", flat=True))
        elif citing is Disruption:
            touched |= _disruption_departments(rows.values("pk"))
        if "programme" in field_names:
            touched.update(rows.values_list("programme__department", flat=True))
        if citing is Fact:
            touched |= _disruption_departments(rows.values("disruption"))
    return touched - {None}


def departments_touched(obj):
    """The ids of the departments `obj` (a live row or a row as it was) touches."""
    if isinstance(obj, Department):
        return {obj.pk}
    if isinstance(obj, Programme):
        return {obj.department_id}
    if isinstance(obj, Source):
        return _source_departments(obj)
    if isinstance(obj, Disruption):
        return _disruption_departments([obj.pk])
    touched = set()
    if getattr(obj, "department_id", None) is not None:
        touched.add(obj.department_id)
    if getattr(obj, "programme_id", None) is not None:
        touched.add(_programme_department(obj.programme_id))
    if isinstance(obj, Fact) and obj.disruption_id is not None:
        # A fact about a disruption is part of that shared record; an impact is
        # its programme's alone (one disruption may hit many departments).
        touched |= _disruption_departments([obj.disruption_id])
    return touched - {None}


def user_departments(user):
    return set(user.departments.values_list("pk", flat=True))


def is_within(user, obj):
    """Whether `obj` touches only departments `user` holds (superusers: always)."""
    if user.is_superuser:
        return True
    return departments_touched(obj) <= user_departments(user)
