import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from programmes.importing import import_files
from programmes.models import FinancialFigure, ImportedFile, Programme

from .admin_forms import changeform_data

MODELS = [
    m for m in admin.site._registry if m._meta.app_label in {"programmes", "accounts"}
]


def _import_a_file():
    from .test_importing import HEADERS_2021, _one_row, make_csv

    _one = _one_row(**{"Department": "MOJ"})
    result = import_files([("MOJ_March_2021.csv", make_csv(HEADERS_2021, [_one]))])
    assert result.ok


def _first(model):
    return model.objects.order_by("pk").first()


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_every_admin_page_renders_for_a_superuser(admin_client, demo_data, model):
    opts = model._meta
    if model is ImportedFile:
        _import_a_file()
    obj = _first(model)
    assert obj is not None, f"the demo data has no {opts.verbose_name}"
    names = {
        "changelist": [],
        "add": [],
        "change": [obj.pk],
        "history": [obj.pk],
    }
    if model is ImportedFile:
        names["upload"] = names.pop("add")  # files arrive through the upload page

    for view, args in names.items():
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)
        response = admin_client.get(url)
        assert response.status_code == 200, url
    # "Show counts": Django asks each filter for each of its choices' rows.
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = admin_client.get(f"{changelist}?_facets=True")
    assert response.status_code == 200, changelist


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["²", "①", "2020²", "abc", "99999999999999999999"])
def test_a_year_filter_of_junk_shows_the_list(admin_client, demo_data, year):
    """Digits only a Unicode table calls digits (superscripts, circled numbers)
    are no year: the list shows unfiltered, never a 500."""
    for facets in ("", "&_facets=True"):
        url = f"/admin/programmes/financialfigure/?financial_year={year}{facets}"
        assert admin_client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_changelists_search_and_filter(admin_client, demo_data):
    by_rating = admin_client.get("/admin/programmes/programme/?rating=green")
    by_search = admin_client.get("/admin/programmes/programme/?q=HMCTS")

    assert "HMCTS Reform" in by_rating.content.decode()
    assert "Smarter Working" not in by_rating.content.decode()
    assert "HMCTS Reform" in by_search.content.decode()


@pytest.mark.django_db
def test_money_is_shown_in_pounds_with_separators(admin_client, demo_data):
    response = admin_client.get("/admin/programmes/programme/?q=HMCTS")

    assert "£1,228,610,000.00" in response.content.decode()


def _figure_change_post(figure, **overrides):
    data = {
        "programme": figure.programme_id,
        "measure": figure.measure,
        "kind": figure.kind,
        "period": figure.period,
        "financial_year": figure.financial_year or "",
        "data_date": figure.data_date.isoformat(),
        "amount_gbp": str(figure.amount_gbp),
        "withheld_text": figure.withheld_text,
        "price_basis": figure.price_basis,
        "price_base_year": "",
        "published_variance_pct": figure.published_variance_pct or "",
        "note": figure.note,
        "source": figure.source_id,
        "change_reason": "",
    }
    data.update(overrides)
    return data


def _smarter_working_baseline():
    return FinancialFigure.objects.get(
        programme__slug="smarter-working",
        kind="baseline",
        period="year",
        data_date=datetime.date(2016, 9, 30),
    )


@pytest.mark.django_db
def test_editing_a_budget_needs_a_reason(admin_client, demo_data):
    figure = _smarter_working_baseline()
    url = reverse("admin:programmes_financialfigure_change", args=[figure.pk])

    response = admin_client.post(
        url, _figure_change_post(figure, amount_gbp="41500000.00")
    )

    assert response.status_code == 200
    assert "Give a reason for changing this record" in response.content.decode()
    figure.refresh_from_db()
    assert figure.amount_gbp == Decimal("41400000.00")


@pytest.mark.django_db
def test_edited_budget_shows_in_history_with_the_editors_name(
    admin_client, superuser, demo_data
):
    figure = _smarter_working_baseline()
    url = reverse("admin:programmes_financialfigure_change", args=[figure.pk])

    response = admin_client.post(
        url,
        _figure_change_post(
            figure, amount_gbp="41500000.00", change_reason="Typo in the 2017 release"
        ),
    )

    assert response.status_code == 302
    latest = figure.history.first()
    assert latest.amount_gbp == Decimal("41500000.00")
    assert latest.history_user == superuser
    assert latest.history_change_reason == "Correction: Typo in the 2017 release"
    history = admin_client.get(
        reverse("admin:programmes_programme_history", args=[figure.programme_id])
    ).content.decode()
    assert "admin-tester" in history
    assert "41400000.00 → 41500000.00" in history
    assert "Typo in the 2017 release" in history


@pytest.mark.django_db
def test_rebaseline_from_the_admin_keeps_the_earlier_baseline(admin_client, demo_data):
    figure = FinancialFigure.objects.get(
        programme__slug="hmcts-reform",
        period="whole_life",
        measure="cost",
        is_current=True,
    )
    url = reverse("admin:programmes_financialfigure_rebaseline", args=[figure.pk])
    page = admin_client.get(
        reverse("admin:programmes_financialfigure_change", args=[figure.pk])
    )

    too_early = admin_client.post(
        url,
        {
            "amount_gbp": "1300000000.00",
            "data_date": "2020-01-01",
            "source": figure.source_id,
            "reason": "x",
        },
    )
    done = admin_client.post(
        url,
        {
            "amount_gbp": "1300000000.00",
            "data_date": "2026-03-31",
            "source": figure.source_id,
            "reason": "Approved re-plan",
        },
    )

    assert url in page.content.decode()
    assert "must be dated after" in too_early.content.decode()
    assert done.status_code == 302
    figure.refresh_from_db()
    assert not figure.is_current
    current = FinancialFigure.objects.get(
        programme__slug="hmcts-reform",
        period="whole_life",
        measure="cost",
        is_current=True,
    )
    assert current.amount_gbp == Decimal("1300000000.00")


@pytest.mark.django_db
def test_programme_slug_does_not_change_with_its_name(admin_client, demo_data):
    programme = Programme.objects.get(slug="smarter-working")
    url = reverse("admin:programmes_programme_change", args=[programme.pk])
    page = admin_client.get(url)
    data = changeform_data(
        page,
        name="Smarter Working (renamed)",
        change_reason="Renamed by the department",
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    programme.refresh_from_db()
    assert programme.name == "Smarter Working (renamed)"
    assert programme.slug == "smarter-working"
