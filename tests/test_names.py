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
