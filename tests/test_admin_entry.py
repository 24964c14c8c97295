"""Entering figures and disruptions in the admin as a Ministry of Justice programme
admin: every write goes through the services (correct, record a newer figure,
re-baseline, add), money and years are typed as published, a programme's page is
in sections, a disruption hitting two programmes is one form, and another
department's record is refused with a message that says whose it is."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.services import create_user_with_role
from programmes import services
from programmes.models import (
    ChangeLogEntry,
    Department,
    Disruption,
    DisruptionImpact,
    FinancialFigure,
    Programme,
    StaleEdit,
)

from .admin_forms import changeform_data
from .factories import FigureFactory, UserFactory

D = datetime.date


@pytest.fixture
def moj_admin(client, demo_data):
    user = create_user_with_role(
        username="moj-admin",
        role="programme-admin",
        password="a-long-test-password-1",
        departments=Department.objects.filter(abbreviation="MOJ"),
    )
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def hmcts(demo_data):
    return Programme.objects.get(slug="hmcts-reform")


def _current(programme, kind, year):
    return programme.figures.get(
        measure="cost", kind=kind, period="year", financial_year=year, is_current=True
    )


def _change(figure):
    return reverse("admin:programmes_financialfigure_change", args=[figure.pk])


def _post_successor(client, action, figure, amount, reason, follow=False, **fields):
    """POST the Record a newer figure ("newer") or Re-baseline page."""
    return client.post(
        reverse(f"admin:programmes_financialfigure_{action}", args=[figure.pk]),
        {
            "amount_gbp": amount,
            "data_date": "2025-06-30",
            "source": figure.source_id,
            "reason": reason,
            **fields,
        },
        follow=follow,
    )


# The services each admin action calls.


@pytest.mark.django_db
def test_record_newer_figure_keeps_the_old_one_no_longer_current():
    old = FigureFactory(kind="forecast", amount_gbp=Decimal("100.00"))
    user = UserFactory(username="recorder")

    new = services.record_newer_figure(
        figure=old,
        amount_gbp=Decimal("120.00"),
        data_date=D(2021, 9, 30),
        source=old.source,
        reason="September forecast",
        user=user,
    )

    old.refresh_from_db()
    assert (new.is_current, old.is_current) == (True, False)
    assert (new.kind, new.financial_year) == (old.kind, old.financial_year)
    assert old.amount_gbp == Decimal("100.00")
    assert new.history.latest().history_user == user
    assert new.history.latest().history_change_reason == (
        "Newer figure: September forecast"
    )


@pytest.mark.django_db
def test_record_newer_figure_must_be_later_and_have_a_reason():
    old = FigureFactory(kind="forecast")

    for data_date, reason, message in [
        (old.data_date, "x", "after"),
        (D(2022, 3, 31), " ", "reason"),
    ]:
        with pytest.raises(services.EntryRefused, match=message):
            services.record_newer_figure(
                figure=old,
                amount_gbp=Decimal("1"),
                data_date=data_date,
                source=old.source,
                reason=reason,
            )
    assert FinancialFigure.objects.count() == 1


@pytest.mark.django_db
def test_add_figure_older_than_the_current_one_is_kept_but_not_current():
    current = FigureFactory(data_date=D(2022, 3, 31))
    older = FinancialFigure(
        programme=current.programme,
        measure="cost",
        kind=current.kind,
        period="year",
        financial_year=current.financial_year,
        data_date=D(2021, 3, 31),
        amount_gbp=Decimal("5.00"),
        source=current.source,
    )

    services.add_figure(figure=older, reason="Back-filled release")

    current.refresh_from_db()
    assert (current.is_current, older.is_current) == (True, False)


@pytest.mark.django_db
def test_add_figure_refuses_a_second_at_the_same_date():
    current = FigureFactory()
    twin = FinancialFigure(
        programme=current.programme,
        measure="cost",
        kind=current.kind,
        period="year",
        financial_year=current.financial_year,
        data_date=current.data_date,
        amount_gbp=Decimal("5.00"),
        source=current.source,
    )

    with pytest.raises(services.EntryRefused, match="correct that one"):
        services.add_figure(figure=twin, reason="again")

    assert FinancialFigure.objects.count() == 1


@pytest.mark.django_db
def test_correct_figure_checks_the_version_and_changes_only_the_value():
    figure = FigureFactory(amount_gbp=Decimal("100.00"))
    opened_at = figure.version
    services.correct_figure(figure=figure, amount_gbp=Decimal("101.00"), reason="a")

    with pytest.raises(StaleEdit):
        services.correct_figure(
            figure=FinancialFigure.objects.get(pk=figure.pk),
            amount_gbp=Decimal("102.00"),
            reason="b",
            expected_version=opened_at,
        )
    with pytest.raises(services.EntryRefused, match="record a newer figure"):
        services.correct_figure(figure=figure, reason="c", data_date=D(2030, 1, 1))

    figure.refresh_from_db()
    assert figure.amount_gbp == Decimal("101.00")


@pytest.mark.django_db
def test_latest_source_is_that_of_the_newest_figure(hmcts):
    newest = hmcts.figures.order_by("-data_date").first()

    assert services.latest_source(hmcts) == newest.source


# The admin actions, as a programme admin of the Ministry of Justice.


@pytest.mark.django_db
def test_admin_records_a_newer_forecast_for_a_year(moj_admin, hmcts):
    old = _current(hmcts, "forecast", 2024)
    page = moj_admin.get(
        reverse("admin:programmes_financialfigure_newer", args=[old.pk])
    )
    default_source = page.context["form"].initial["source"]

    response = _post_successor(
        moj_admin,
        "newer",
        old,
        "£40.25m",
        "Revised forecast from the September return",
        source=default_source.pk,
        follow=True,
    )

    new = _current(hmcts, "forecast", 2024)
    old.refresh_from_db()
    assert new.pk != old.pk
    assert not old.is_current
    assert new.amount_gbp == Decimal("40250000.00")
    assert old.amount_gbp == Decimal("35580000.00")
    assert default_source == services.latest_source(hmcts)
    assert "£40,250,000.00" in response.content.decode()  # what it understood
    reasons = set(
        ChangeLogEntry.objects.filter(
            model_label="Financial figure", object_id__in=[old.pk, new.pk]
        ).values_list("object_id", "reason")
    )
    assert {
        object_id for object_id, reason in reasons if "September return" in reason
    } == {
        old.pk,
        new.pk,
    }


def test_deleting_the_newer_figure_makes_the_earlier_one_current_again(
    moj_admin, hmcts
):
    """The figure with the latest data date of its sort is the current one: when a
    newer forecast is deleted, the earlier one is the year's forecast again, on
    the budget report too, rather than the year showing none."""
    from django.test import Client

    from programmes.models import BudgetLineSummary

    old = _current(hmcts, "forecast", 2024)
    page = moj_admin.get(
        reverse("admin:programmes_financialfigure_newer", args=[old.pk])
    )
    _post_successor(
        moj_admin,
        "newer",
        old,
        "£40.25m",
        "Revised forecast from the September return",
        source=page.context["form"].initial["source"].pk,
    )
    new = _current(hmcts, "forecast", 2024)
    assert new.pk != old.pk

    # Deleting a figure is a superuser's.
    superuser = Client()
    superuser.force_login(
        UserFactory(username="figure-deleter", is_staff=True, is_superuser=True)
    )
    superuser.post(
        f"/admin/programmes/financialfigure/{new.pk}/delete/",
        {"post": "yes", "reason": "Recorded against the wrong year"},
    )

    assert not FinancialFigure.objects.filter(pk=new.pk).exists()
    assert _current(hmcts, "forecast", 2024).pk == old.pk
    line = BudgetLineSummary.objects.get(programme=hmcts, financial_year=2024)
    assert line.forecast_gbp == Decimal("35580000.00")
    assert ChangeLogEntry.objects.filter(
        object_id=old.pk, reason__contains="current again"
    ).exists()


@pytest.mark.django_db
def test_admin_add_form_records_a_newer_figure_instead_of_refusing(moj_admin, hmcts):
    old = _current(hmcts, "forecast", 2024)
    page = moj_admin.get(
        reverse("admin:programmes_financialfigure_add") + f"?programme={hmcts.pk}"
    )
    assert page.context["adminform"].form.initial["source"] == (
        services.latest_source(hmcts)
    )
    assert '<option value="2024">2024-25</option>' in page.content.decode()
    data = changeform_data(
        page,
        measure="cost",
        kind="forecast",
        period="year",
        financial_year="2024",
        data_date="2025-06-30",
        amount_gbp="36500000",
        price_basis="nominal",
        change_reason="June forecast",
    )
    data["source"] = data["source"].pk

    response = moj_admin.post(reverse("admin:programmes_financialfigure_add"), data)

    assert response.status_code == 302
    old.refresh_from_db()
    new = _current(hmcts, "forecast", 2024)
    assert not old.is_current
    assert (new.amount_gbp, new.data_date) == (Decimal("36500000.00"), D(2025, 6, 30))


@pytest.mark.django_db
def test_admin_corrects_a_typo_through_the_service(moj_admin, hmcts):
    figure = _current(hmcts, "baseline", 2023)
    page = moj_admin.get(_change(figure))

    response = moj_admin.post(
        _change(figure),
        changeform_data(
            page,
            amount_gbp="£208.5m",
            source=figure.source_id,
            change_reason="Typo: 208.41 for 208.5",
        ),
    )

    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.amount_gbp == Decimal("208500000.00")
    assert figure.is_current
    assert figure.data_date == D(2024, 3, 31)
    assert figure.history.latest().history_change_reason == (
        "Correction: Typo: 208.41 for 208.5"
    )
    assert figure.history.latest().history_user == moj_admin.user


@pytest.mark.django_db
def test_admin_correction_over_someone_elses_is_refused(moj_admin, hmcts):
    figure = _current(hmcts, "baseline", 2023)
    page = moj_admin.get(_change(figure))
    opened_at = page.context["adminform"].form.fields["expected_version"].initial
    services.correct_figure(figure=figure, amount_gbp=Decimal("1.00"), reason="first")

    response = moj_admin.post(
        _change(figure),
        changeform_data(
            page,
            amount_gbp="2",
            source=figure.source_id,
            change_reason="second",
            expected_version=opened_at,
        ),
    )

    figure.refresh_from_db()
    assert "Someone else changed this record" in response.content.decode()
    assert figure.amount_gbp == Decimal("1.00")


@pytest.mark.django_db
def test_admin_rebaselines_a_baseline(moj_admin, hmcts):
    old = _current(hmcts, "baseline", 2024)

    response = _post_successor(
        moj_admin, "rebaseline", old, "£1.2bn", "Business case approved"
    )

    assert response.status_code == 302
    new = _current(hmcts, "baseline", 2024)
    old.refresh_from_db()
    assert new.amount_gbp == Decimal("1200000000.00")
    assert not old.is_current
    assert new.history.latest().history_change_reason == (
        "Re-baseline: Business case approved"
    )


@pytest.mark.django_db
def test_admin_rebaseline_of_a_forecast_offers_a_newer_figure(moj_admin, hmcts):
    forecast = _current(hmcts, "forecast", 2024)

    response = moj_admin.get(
        reverse("admin:programmes_financialfigure_rebaseline", args=[forecast.pk])
    )

    assert response.url == reverse(
        "admin:programmes_financialfigure_newer", args=[forecast.pk]
    )


@pytest.mark.django_db
def test_admin_explains_money_it_cannot_read(moj_admin, hmcts):
    old = _current(hmcts, "forecast", 2024)

    response = _post_successor(moj_admin, "newer", old, "twelve", "x")

    assert "“twelve” is not an amount of money" in response.content.decode()
    assert _current(hmcts, "forecast", 2024) == old


@pytest.mark.django_db
def test_programme_page_shows_sections_not_every_row(moj_admin, hmcts):
    response = moj_admin.get(
        reverse("admin:programmes_programme_change", args=[hmcts.pk])
    )

    page = response.content.decode()
    assert response.context["inline_admin_formsets"] == []
    assert (
        f"Financial figures (current ones, newest year first): {hmcts.figures.count()}"
        in page
    )
    figures = reverse("admin:programmes_financialfigure_changelist")
    assert f"{figures}?programme={hmcts.pk}&amp;financial_year=2024" in page
    listed = moj_admin.get(f"{figures}?programme={hmcts.pk}&financial_year=2024")
    assert {row.financial_year for row in listed.context["cl"].result_list} == {2024}
    assert page.index("2024-25") < page.index("2020-21")  # newest year first


@pytest.mark.django_db
def test_one_form_records_a_disruption_hitting_two_programmes(moj_admin, hmcts):
    other = Programme.objects.get(slug="electronic-monitoring")
    source = services.latest_source(hmcts)
    page = moj_admin.get(reverse("admin:programmes_disruption_add"))
    assert page.context["inline_admin_formsets"][0].formset.total_form_count() == 2
    assert "slug" in page.context["adminform"].form.fields  # filled from the name
    data = changeform_data(
        page,
        name="Court estate flooding",
        slug="court-estate-flooding",
        kind="external",
        source=source.pk,
        **{
            "impacts-0-programme": hmcts.pk,
            "impacts-0-cost_impact_gbp": "£2.5m",
            "impacts-0-schedule_impact_days": "30",
            "impacts-0-note": "Two hearing centres closed",
            "impacts-1-programme": other.pk,
            "impacts-1-cost_impact_gbp": "-150000",
            "impacts-1-note": "Underspend while sites closed",
        },
    )

    response = moj_admin.post(reverse("admin:programmes_disruption_add"), data)

    assert response.status_code == 302
    disruption = Disruption.objects.get(name="Court estate flooding")
    impacts = {
        impact.programme_id: impact
        for impact in DisruptionImpact.objects.filter(disruption=disruption)
    }
    assert impacts[hmcts.pk].cost_impact_gbp == Decimal("2500000.00")
    assert impacts[hmcts.pk].schedule_impact_days == 30
    assert impacts[other.pk].cost_impact_gbp == Decimal("-150000.00")
    assert {impact.source_id for impact in impacts.values()} == {source.pk}


@pytest.mark.django_db
def test_disruption_impact_rows_carry_the_version_check(moj_admin, hmcts):
    disruption = Disruption.objects.create(
        name="Synthetic outage",
        slug="synthetic-outage",
        kind="external",
        source=services.latest_source(hmcts),
    )
    impact = DisruptionImpact.objects.create(
        disruption=disruption, programme=hmcts, source=disruption.source
    )
    url = reverse("admin:programmes_disruption_change", args=[disruption.pk])
    page = moj_admin.get(url)
    row = page.context["inline_admin_formsets"][0].formset.forms[0]
    opened_at = row.fields["expected_version"].initial
    services.save_with_reason(impact, reason="someone else")

    response = moj_admin.post(
        url,
        changeform_data(
            page,
            change_reason="mine",
            **{
                "impacts-0-note": "overwrites theirs?",
                "impacts-0-expected_version": opened_at,
            },
        ),
    )

    impact.refresh_from_db()
    assert "Someone else changed this record" in response.content.decode()
    assert impact.note == ""


@pytest.mark.django_db
def test_another_departments_programme_is_refused_saying_whose_it_is(moj_admin, hmcts):
    dwp = Programme.objects.get(slug="universal-credit")

    response = moj_admin.get(
        reverse("admin:programmes_programme_change", args=[dwp.pk])
    )

    page = response.content.decode()
    assert response.status_code == 403
    assert "belongs to Department for Work and Pensions" in page
    assert "You can edit the records of: Ministry of Justice" in page
    assert "Perhaps it was deleted" not in page


@pytest.mark.django_db
def test_a_missing_record_is_still_not_found(moj_admin):
    response = moj_admin.get(
        reverse("admin:programmes_programme_change", args=[987654]), follow=True
    )

    assert "doesn’t exist" in response.content.decode()


@pytest.mark.django_db
def test_department_choices_offer_only_the_admins_own(moj_admin):
    page = moj_admin.get(reverse("admin:programmes_source_add"))

    offered = page.context["adminform"].form.fields["department"].queryset
    assert list(offered.values_list("abbreviation", flat=True)) == ["MOJ"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model_name", ["deliveryconfidenceassessment", "schedulesnapshot", "benefit"]
)
def test_a_new_part_of_a_programme_starts_with_its_latest_source(
    moj_admin, hmcts, model_name
):
    page = moj_admin.get(
        reverse(f"admin:programmes_{model_name}_add") + f"?programme={hmcts.pk}"
    )

    assert page.context["adminform"].form.initial["source"] == (
        services.latest_source(hmcts)
    )


@pytest.mark.django_db
def test_another_departments_programme_lends_no_source_to_a_new_row(moj_admin):
    dwp = Programme.objects.get(slug="universal-credit")

    page = moj_admin.get(
        reverse("admin:programmes_financialfigure_add") + f"?programme={dwp.pk}"
    )

    assert "source" not in page.context["adminform"].form.initial
