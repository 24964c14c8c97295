"""A programme's names: one display name in ordinary case, every name it was
published under kept and searchable, and imports that find it by any of them."""

import pytest

from programmes.importing import import_files
from programmes.models import Programme
from programmes.names import normalise, ordinary_case

from .test_importing import HEADERS_2013, make_csv


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        (
            "CONTINUING THE MOVE TO UNIVERSAL CREDIT",
            "Continuing the move to universal credit",
        ),
        (
            "HOME OFFICE BIOMETRICS (HOB) PROGRAMME",
            "Home office biometrics (HOB) programme",
        ),
        ("NHS DIGITAL PROGRAMME", "NHS digital programme"),
        ("HMCTS Reform", "HMCTS Reform"),
    ],
)
def test_shouting_names_are_put_into_ordinary_case(published, expected):
    assert ordinary_case(published) == expected


def test_names_are_compared_normalised():
    assert normalise("Her Majesty's Courts & Tribunals (HMCTS) Reform Programme") == (
        normalise("her majesty s courts and tribunals reform")
    )
    assert normalise("Smarter Working Programme (SWP)") == normalise("Smarter Working")
    assert normalise("GOV.UK Verify") == normalise("Gov UK Verify")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("courts", "hmcts-reform"),
        ("GDS", "government-digital-service"),
        ("HMCTS", "hmcts-reform"),
        ("ESN", "emergency-services-mobile-communications"),
        ("MTD", "making-tax-digital"),
        ("national law enforcement data", "law-enforcement-data"),
        ("Gov UK Verify", "gov-uk-verify"),
    ],
)
def test_search_finds_programmes_by_every_name(auditor_client, demo_data, text, slug):
    page = auditor_client.get("/programmes/", {"q": text}).content.decode()
    api = auditor_client.get("/api/v1/programmes/", {"q": text}).json()

    assert f'href="/programmes/{slug}/"' in page
    assert slug in [p["id"] for p in api["results"]]


@pytest.mark.django_db
def test_titles_read_in_ordinary_case_and_published_names_are_listed(
    auditor_client, demo_data
):
    page = auditor_client.get("/programmes/universal-credit/").content.decode()

    assert "<h1" in page
    assert ">Universal Credit" in page[page.index("<h1") :]
    names = page[page.index('data-testid="published-names"') :]
    names = names[: names.index("</dd>")]
    assert "CONTINUING THE MOVE TO UNIVERSAL CREDIT" in names
    assert "Universal Credit Programme" in names
    assert not Programme.objects.filter(name__regex=r"^[A-Z ]{12,}$").exists()


@pytest.mark.django_db
def test_an_old_file_without_ids_finds_programmes_by_their_published_names(demo_data):
    before = Programme.objects.count()
    data = make_csv(
        HEADERS_2013,
        [
            [
                "Emergency Services Mobile Communications Programme (ESMCP)",
                "HO",
                "",
                "Amber",
                "2015-01-01",
                "2020-12-31",
                "100",
                "110",
                "10",
                "1000",
            ],
            [
                "National Law Enforcement Data Programme",
                "Home Office",
                "",
                "Amber",
                "2016-01-01",
                "2020-03-31",
                "10",
                "10",
                "0",
                "500",
            ],
        ],
    )

    result = import_files([("HO_September_2013.csv", data)], data_date=None)

    assert result.ok, [str(p) for p in result.problems]
    assert Programme.objects.count() == before
    esmcp = Programme.objects.get(slug="emergency-services-mobile-communications")
    assert esmcp.name == "Emergency Services Mobile Communications Programme"


@pytest.mark.django_db
def test_merging_moves_everything_and_keeps_the_totals(demo_data):
    from programmes.budget import totals_for
    from programmes.models import FinancialFigure, ProgrammeName
    from programmes.services import merge_programmes

    keep = Programme.objects.get(slug="law-enforcement-data")
    # An older release imported before the names were linked made a second copy.
    absorb = Programme.objects.create(
        slug="nledp-duplicate",
        name="NLEDP duplicate",
        department=keep.department,
    )
    old = keep.figures.filter(data_date__lt="2020-01-01")
    moved_ids = list(old.values_list("pk", flat=True))
    for figure in old:
        figure.programme = absorb
        figure._change_reason = "test set-up"
        figure.save()
    yearly = FinancialFigure.objects.filter(
        is_current=True, measure="cost", period="year"
    )
    before = [(t.baseline_gbp, t.forecast_gbp, t.rows) for t in totals_for(yearly)]

    moved = merge_programmes(keep=keep, absorb=absorb, reason="Same programme")

    after = [(t.baseline_gbp, t.forecast_gbp, t.rows) for t in totals_for(yearly)]
    assert after == before
    assert moved == len(moved_ids)
    assert set(
        keep.figures.filter(pk__in=moved_ids).values_list("pk", flat=True)
    ) == set(moved_ids)
    assert not Programme.objects.filter(slug="nledp-duplicate").exists()
    assert ProgrammeName.objects.filter(programme=keep, name="NLEDP duplicate").exists()
    history = FinancialFigure.history.filter(id=moved_ids[0]).latest("history_date")
    assert "Same programme" in history.history_change_reason


@pytest.mark.django_db
def test_a_merge_that_would_lose_a_fact_is_refused(demo_data):
    from programmes.services import MergeRefused, merge_programmes

    keep = Programme.objects.get(slug="hmcts-reform")
    other = Programme.objects.get(slug="universal-credit")

    with pytest.raises(MergeRefused, match="different GMPP IDs"):
        merge_programmes(keep=keep, absorb=other, reason="wrong")

    assert Programme.objects.filter(slug="universal-credit").exists()


def _ho_2013(name):
    return make_csv(
        HEADERS_2013,
        [
            [
                name,
                "HO",
                "",
                "Amber",
                "2015-01-01",
                "2020-12-31",
                "100",
                "110",
                "10",
                "1000",
            ]
        ],
    )


@pytest.mark.django_db
def test_a_new_name_is_reported_with_the_nearest_names_and_can_be_linked(demo_data):
    from programmes.importing import parse_links

    data = _ho_2013("Emergency Services Mobile Comms")
    before = Programme.objects.count()

    checked = import_files([("HO_September_2013.csv", data)], dry_run=True)
    linked = import_files(
        [("HO_September_2013.csv", data)],
        links=parse_links(
            ["Emergency Services Mobile Comms=emergency-services-mobile-communications"]
        ),
    )

    warning = next(w for w in checked.warnings if "matches no programme" in w)
    assert "emergency-services-mobile-communications" in warning
    assert "--link" in warning
    assert linked.ok, [str(p) for p in linked.problems]
    assert Programme.objects.count() == before
    esmcp = Programme.objects.get(slug="emergency-services-mobile-communications")
    assert esmcp.names.filter(name="Emergency Services Mobile Comms").exists()


@pytest.mark.django_db
def test_a_programme_admin_cannot_reach_another_departments_programme_by_name(
    demo_data,
):
    from programmes.models import Department

    moj = set(Department.objects.filter(abbreviation="MOJ"))
    data = make_csv(
        HEADERS_2013,
        [
            [
                "Universal Credit Programme",
                "MOJ",
                "",
                "Amber",
                "",
                "",
                "1",
                "1",
                "0",
                "1",
            ]
        ],
    )

    uc = Programme.objects.get(slug="universal-credit")
    figures = uc.figures.count()

    result = import_files(
        [("MOJ_September_2013.csv", data)], allowed_departments=moj, dry_run=True
    )

    # Names are matched within the row's own department (and its predecessors and
    # successors) only: DWP's programme is out of reach, and the row is reported.
    assert any("matches no programme" in w for w in result.warnings)
    uc.refresh_from_db()
    assert uc.department.abbreviation == "DWP"
    assert uc.figures.count() == figures


@pytest.mark.django_db
def test_the_2025_26_release_is_stored_in_real_terms(demo_data):
    from programmes.models import FinancialFigure

    data = make_csv(
        HEADERS_2013,
        [["Synthetic new programme", "HO", "", "Amber", "", "", "5", "6", "20", "50"]],
    )

    result = import_files(
        [("HO.csv", data)], data_date=__import__("datetime").date(2026, 3, 31)
    )

    assert result.ok, [str(p) for p in result.problems]
    figures = FinancialFigure.objects.filter(programme__name="Synthetic new programme")
    assert figures.exists()
    assert set(figures.values_list("price_basis", flat=True)) == {"real"}


@pytest.mark.django_db
def test_a_superuser_merges_a_duplicate_in_the_admin_and_others_cannot(
    admin_client, demo_data
):
    from django.test import Client

    from accounts.services import create_user_with_role
    from programmes.models import Department

    keep = Programme.objects.get(slug="smarter-working")
    duplicate = Programme.objects.create(
        slug="smarter-working-again",
        name="Smarter Working again",
        department=keep.department,
    )
    url = f"/admin/programmes/programme/{keep.pk}/merge/"
    editor = create_user_with_role(
        username="ho-editor",
        role="programme-admin",
        password="a-long-test-password-1",
        departments=list(Department.objects.filter(abbreviation="HO")),
    )
    client = Client()
    client.force_login(editor)

    refused = client.post(url, {"absorb": duplicate.slug, "reason": "dup"})
    page = admin_client.get(url)
    response = admin_client.post(url, {"absorb": duplicate.slug, "reason": "Same"})

    assert refused.status_code == 403
    assert page.status_code == 200
    assert response.status_code == 302
    assert not Programme.objects.filter(slug="smarter-working-again").exists()
    assert keep.names.filter(name="Smarter Working again").exists()
