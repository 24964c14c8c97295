"""The change log: each history record (django-simple-history) becomes lines of
ChangeLogEntry as it is made, old and new values side by side, so the log can be
filtered, paged and exported without replaying history."""

import re

from django.apps import apps
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from .models import ChangeLogEntry, DisruptionImpact, Programme

SKIP_FIELDS = {
    "id",
    "history_id",
    "history_date",
    "history_user",
    "history_type",
    "version",
}
SUMMARY_LIMIT = 300


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
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _item_text(model, record, instance):
    # Built from the row's own columns: following a relation here would cost a
    # query per line. The row itself, as saved, is what the record copies (making
    # it again from the record, record.instance, took half a millisecond a line).
    if model is DisruptionImpact:
        return f"Impact of disruption #{record.disruption_id}"
    return str(instance)[:300]


def log_lines(model, record, previous, instance):
    """ChangeLogEntry lines (unsaved) for one history record of `instance`, the
    row as saved."""
    common = {
        "changed_at": record.history_date,
        "user_id": record.history_user_id,
        "username": record.history_user.get_username()
        if record.history_user_id
        else "",
        "model_label": str(model._meta.verbose_name).capitalize(),
        "object_id": record.id,
        "object_repr": _item_text(model, record, instance),
        "action": record.history_type,
        "reason": record.history_change_reason or "",
        "history_id": record.history_id,
    }
    if model is Programme:
        common.update(programme_id=record.id, programme_name=record.name)
    elif hasattr(record, "programme_id"):
        common["programme_id"] = record.programme_id
    fields = _tracked_fields(model)
    if record.history_type == "~" and previous is not None:
        return [
            ChangeLogEntry(
                field=str(field.verbose_name),
                old_value=_display(field, previous),
                new_value=_display(field, record),
                **common,
            )
            for field in fields
            if _display(field, previous) != _display(field, record)
        ]
    summary = "; ".join(
        f"{field.verbose_name}: {_display(field, record)}"
        for field in fields
        if _display(field, record)
    )
    values = (
        {"new_value": summary} if record.history_type == "+" else {"old_value": summary}
    )
    return [ChangeLogEntry(field="", **values, **common)]


@receiver(post_create_historical_record)
def write_change_log(sender, instance, history_instance, **kwargs):
    model = type(instance)
    if model._meta.app_label != "programmes":
        return
    previous = (
        history_instance.prev_record if history_instance.history_type == "~" else None
    )
    lines = log_lines(model, history_instance, previous, instance)
    if lines and model is not Programme and lines[0].programme_id:
        name = (
            Programme.objects.filter(pk=lines[0].programme_id)
            .values_list("name", flat=True)
            .first()
        )
        for line in lines:
            line.programme_name = name or ""
    ChangeLogEntry.objects.bulk_create(lines)


def programme_changes(programme):
    """Every change to a programme and to its figures, benefits, milestones, ratings,
    disruption impacts and reported dates, newest first."""
    return ChangeLogEntry.objects.filter(programme=programme).select_related("user")


def _foreign_keys():
    """{field's verbose name: related model} for the tracked models' foreign keys,
    as the log names them ("programme", "source", "disruption")."""
    keys = {}
    for model in apps.get_app_config("programmes").get_models():
        for field in model._meta.concrete_fields:
            if field.many_to_one and field.related_model is not None:
                keys[str(field.verbose_name)] = field.related_model
    return keys


def _piece(text):
    key, separator, value = text.partition(": ")
    return (key, value) if separator else (text, None)


_IMPACT = re.compile(r"^Impact of disruption #(\d+)$")


def in_words(entries):
    """Log lines with the ids of related records ("programme: 4; source: 50", a
    field "source" from 49 to 50) given as those records' names, for reading. The
    log keeps the ids it was written with (cheap to write, and the names may change);
    they are named when shown, old lines included. One query per kind of record the
    page names; the id of a record since deleted is shown as "#50"."""
    keys = _foreign_keys()
    wanted = {}

    def parts(entry):
        for attr in ("old_value", "new_value"):
            text = getattr(entry, attr)
            if entry.field:
                yield attr, [(entry.field, text)]
            else:
                # "field: value" pieces; a piece of a value that itself held
                # "; " has no key and is kept exactly as written.
                yield attr, [_piece(p) for p in text.split("; ")]

    for entry in entries:
        for _, pairs in parts(entry):
            for key, value in pairs:
                if key in keys and value and value.isdigit():
                    wanted.setdefault(keys[key], set()).add(int(value))
        impact = _IMPACT.match(entry.object_repr)
        if impact:
            wanted.setdefault(keys["disruption"], set()).add(int(impact[1]))
    names = {
        model: {o.pk: str(o) for o in model._default_manager.filter(pk__in=ids)}
        for model, ids in wanted.items()
    }

    def word(key, value):
        if key not in keys or not value or not value.isdigit():
            return value
        return names.get(keys[key], {}).get(int(value), f"#{value}")

    for entry in entries:
        for attr, pairs in parts(entry):
            if entry.field:
                setattr(entry, attr, word(entry.field, pairs[0][1]))
            else:
                text = "; ".join(
                    k if v is None else f"{k}: {word(k, v)}" for k, v in pairs
                )
                setattr(entry, attr, text)
        impact = _IMPACT.match(entry.object_repr)
        if impact:
            entry.object_repr = "Impact of " + word("disruption", impact[1])
    return entries
