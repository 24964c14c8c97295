"""The check constraints answered in Python (programmes.checks) give the database's
answer: every constraint with a condition, on every combination of values at and
around the limits its condition names, nulls included, on SQLite and PostgreSQL."""

import datetime
import itertools
import random
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext

from programmes import checks
from programmes.models import FinancialFigure

from .factories import FigureFactory

MOST = 300  # combinations tried per constraint (a seeded sample beyond that)


def _conditional_constraints():
    for model in apps.get_app_config("programmes").get_models():
        for constraint in model._meta.constraints:
            if isinstance(getattr(constraint, "condition", None), Q):
                yield model, constraint


CONSTRAINTS = list(_conditional_constraints())


def _literals(condition, found):
    """{field name: the values the condition compares it with}."""
    for child in condition.children:
        if isinstance(child, Q):
            _literals(child, found)
            continue
        path, value = child
        name = path.split("__")[0]
        found.setdefault(name, set())
        if isinstance(value, F):
            found.setdefault(value.name, set())
        elif not path.endswith("__isnull"):
            found[name].update(value if isinstance(value, list) else [value])
    return found


def _candidates(field, literals):
    """Values at and around what the condition names, and null where allowed."""
    values = [None] if field.null else []
    if isinstance(field, models.BooleanField):
        return values + [True, False]
    if field.is_relation:
        return values + [1]
    if isinstance(field, models.DecimalField):
        return values + [Decimal("-0.01"), Decimal("0.00"), Decimal("5.25")]
    if isinstance(field, models.IntegerField):
        near = {n + step for n in literals for step in (-1, 0, 1)} or {0, 1}
        return values + sorted(near)
    if isinstance(field, models.DateField):
        return values + [datetime.date(2020, 1, d) for d in (1, 2, 3)]
    others = [c for c, _ in field.flatchoices if c not in literals][:1]
    return values + sorted({"", *literals, *others, "Exempt"})


def _rows(model, constraint):
    fields = {
        name: model._meta.get_field(name)
        for name in _literals(constraint.condition, {})
    }
    literals = _literals(constraint.condition, {})
    choices = [_candidates(fields[name], literals[name]) for name in fields]
    combinations = list(itertools.product(*choices))
    if len(combinations) > MOST:
        combinations = random.Random(constraint.name).sample(combinations, MOST)
    for values in combinations:
        yield model(
            **{
                field.attname: value
                for field, value in zip(fields.values(), values, strict=True)
            }
        )


def _database_passes(model, constraint, row):
    try:
        constraint.validate(model, row)
    except ValidationError:
        return False
    return True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "constraint"), CONSTRAINTS, ids=[c.name for _, c in CONSTRAINTS]
)
def test_python_and_the_database_agree_on_every_condition(model, constraint):
    tried = 0
    for row in _rows(model, constraint):
        answer = checks.evaluate(constraint.condition, model, row)  # never CannotTell
        if isinstance(constraint, models.CheckConstraint):
            assert (answer is not False) == _database_passes(model, constraint, row), (
                constraint.name,
                model.__name__,
                row.__dict__,
            )
        else:
            against = row._get_field_expression_map(meta=model._meta)
            met = Q(constraint.condition).check(against)
            assert (answer is True) == met, (constraint.name, row.__dict__)
        tried += 1
    assert tried >= 2


@pytest.mark.django_db
def test_a_figure_is_checked_without_a_query_per_constraint():
    figure = FigureFactory()
    figure.amount_gbp += 1

    with CaptureQueriesContext(connection) as queries:
        figure.full_clean()

    # Only "one current figure of its sort" asks the database; the five checks
    # were a query each.
    asked = [q["sql"] for q in queries if '"_check"' in q["sql"]]
    assert len(asked) == 1, asked
    assert '"is_current"' in asked[0]


@pytest.mark.django_db
def test_a_broken_constraint_still_names_itself_and_a_value_not_yet_cleaned_goes_to_the_database():
    figure = FigureFactory()
    figure.amount_gbp = Decimal("-1.00")
    with pytest.raises(ValidationError, match="cannot be negative"):
        figure.validate_constraints()

    figure.amount_gbp = "-1"  # a string: Python would compare it wrongly
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError):
        figure.validate_constraints()
    assert [q for q in queries if '"_check"' in q["sql"]]


@pytest.mark.django_db
def test_a_second_current_figure_is_still_refused_and_a_former_one_is_not():
    figure = FigureFactory()
    twin = FinancialFigure(
        **{
            f.attname: getattr(figure, f.attname)
            for f in FinancialFigure._meta.concrete_fields
            if not f.primary_key
        }
    )
    twin.data_date = figure.data_date + datetime.timedelta(days=1)

    with pytest.raises(ValidationError, match="already has a current figure"):
        twin.validate_constraints()

    twin.is_current = False
    twin.validate_constraints()
