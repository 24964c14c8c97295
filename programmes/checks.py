"""Check constraints tested in Python before a row is saved, with the database's own
answer: a figure's seven constraints were seven queries, each in a savepoint, and a
third of the time it takes to load the demo data or import a file.

A condition made only of what the register's constraints use (AND, OR, NOT; exact,
isnull, in, gt, gte, lt and lte; literal values and F() of the row's own fields) is
worked out here in SQL's three-valued logic: a comparison with NULL is unknown, and
a row passes unless its condition is false, as the database decides a CHECK. Any
other condition, or a value that is not yet of its field's type, is left to
Django's query. tests/test_checks.py compares the two on every constraint and on
both databases."""

import datetime
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection, connections, models
from django.db.models import F, Q
from django.db.models.constants import LOOKUP_SEP

# Values whose order Python and both databases agree on.
ORDERED = (int, Decimal, datetime.date)


class CannotTell(Exception):
    """The condition needs the database's answer."""


def _compare(lookup, value, other):
    if value is None:
        return None
    if lookup == "in":
        if not isinstance(other, list | tuple | set | frozenset):
            raise CannotTell
        if None in other:
            raise CannotTell  # NULL in a list: leave it to SQL
        return value in other
    if other is None:
        return None
    if lookup == "exact":
        return value == other
    if not (isinstance(value, ORDERED) and isinstance(other, ORDERED)):
        raise CannotTell  # text is ordered by the database's collation
    try:
        if lookup == "gt":
            return value > other
        if lookup == "gte":
            return value >= other
        if lookup == "lt":
            return value < other
        if lookup == "lte":
            return value <= other
    except TypeError:
        raise CannotTell from None
    raise CannotTell


def _field_value(model, instance, name):
    """The row's value of field `name`, of the field's own Python type."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        raise CannotTell from None
    if not field.concrete or field.generated or field.many_to_many:
        raise CannotTell
    value = getattr(instance, field.attname)
    if value is None:
        return field, None
    target = field.target_field if field.is_relation else field
    try:
        typed = target.to_python(value)
    except ValidationError:
        raise CannotTell from None
    if typed != value or type(typed) is not type(value):
        raise CannotTell  # not yet cleaned: the database casts it its own way
    _check_kept_as_is(target, typed)
    return field, typed


def _check_kept_as_is(field, value):
    """CannotTell for a value the database would round or refuse before comparing:
    a decimal finer than its column, an integer beyond its column's range."""
    if (
        isinstance(field, models.DecimalField)
        and isinstance(value, Decimal)
        and value.as_tuple().exponent < -field.decimal_places
    ):
        raise CannotTell
    if isinstance(value, int) and not isinstance(value, bool):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        if (low is not None and value < low) or (high is not None and value > high):
            raise CannotTell


def _literal(field, value):
    if isinstance(value, F):
        raise CannotTell  # handled by the caller
    if value is None:
        return value
    if isinstance(value, bool):
        if not isinstance(field, models.BooleanField):
            raise CannotTell
        return value
    if hasattr(value, "resolve_expression"):
        raise CannotTell
    target = field.target_field if field.is_relation else field
    if isinstance(value, list | tuple | set | frozenset):
        return [_literal(field, item) for item in value]
    try:
        typed = target.to_python(value)
    except ValidationError:
        raise CannotTell from None
    if typed != value:
        raise CannotTell  # 2020.5 for a year: the query rounds it its own way
    _check_kept_as_is(target, typed)
    return typed


def evaluate(condition, model, instance, negated=False):
    """True, False or None (unknown) for `condition` on `instance`; raises
    CannotTell for anything this module does not read. `negated`: the condition
    sits under an odd number of NOTs, where Django's SQL adds "IS NOT NULL" to a
    comparison of a nullable column (so a NULL makes it false, not unknown)."""
    if isinstance(condition, Q):
        inner = negated ^ condition.negated
        results = [
            evaluate(child, model, instance, inner) for child in condition.children
        ]
        if condition.connector == Q.AND:
            result = False if False in results else None if None in results else True
        elif condition.connector == Q.OR:
            result = True if True in results else None if None in results else False
        else:
            raise CannotTell
        if condition.negated:
            result = None if result is None else not result
        return result
    if not isinstance(condition, tuple) or len(condition) != 2:
        raise CannotTell
    path, other = condition
    name, _, lookup = path.partition(LOOKUP_SEP)
    lookup = lookup or "exact"
    if LOOKUP_SEP in lookup:
        raise CannotTell  # a transform or a relation's field
    field, value = _field_value(model, instance, name)
    if lookup == "isnull":
        if not isinstance(other, bool):
            raise CannotTell
        return (value is None) == other
    if isinstance(other, F):
        if LOOKUP_SEP in other.name:
            raise CannotTell
        _, other = _field_value(model, instance, other.name)
    else:
        other = _literal(field, other)
        if lookup == "exact" and other is None:
            return value is None  # Django reads "= None" as IS NULL
    result = _compare(lookup, value, other)
    if result is None and negated:
        return False  # "... AND col IS NOT NULL" with col NULL
    return result


def _references(condition):
    if isinstance(condition, Q):
        for child in condition.children:
            yield from _references(child)
        return
    if not isinstance(condition, tuple) or len(condition) != 2:
        raise CannotTell
    path, other = condition
    if not isinstance(path, str):
        raise CannotTell
    yield path.split(LOOKUP_SEP)[0]
    if isinstance(other, F):
        yield other.name.split(LOOKUP_SEP)[0]


def _answerable(condition, using):
    database = connections[using]
    features = database.features
    return (
        isinstance(condition, Q)
        # Python's == and ordering are theirs (MySQL, say, ignores case and
        # trailing spaces in text): only these two are answered here.
        and database.vendor in {"sqlite", "postgresql"}
        and features.supports_comparing_boolean_expr
        and not features.interprets_empty_strings_as_nulls
    )


def _outcome(condition, model, instance):
    """evaluate(), or CannotTell for whatever it cannot read."""
    try:
        return evaluate(condition, model, instance)
    except (FieldDoesNotExist, ValueError, TypeError):
        raise CannotTell from None


def validate(constraint, model, instance, exclude=None, using="default"):
    """constraint.validate(), answered here when it can be: a check constraint
    entirely; a unique constraint with a condition this row does not meet (so no
    other row can clash with it: Django asks the database only when it is met)."""
    condition = getattr(constraint, "condition", None)
    if _answerable(condition, using):
        try:
            if type(constraint) is models.CheckConstraint:
                if exclude and any(
                    name in exclude or model._meta.get_field(name).name in exclude
                    for name in _references(condition)
                ):
                    return
                if _outcome(condition, model, instance) is False:
                    raise ValidationError(
                        constraint.get_violation_error_message(),
                        code=constraint.violation_error_code,
                    )
                return
            if (
                type(constraint) is models.UniqueConstraint
                and _outcome(condition, model, instance) is not True
            ):
                return
        except (CannotTell, FieldDoesNotExist):
            pass
    constraint.validate(model, instance, exclude=exclude, using=using)
