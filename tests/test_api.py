import io
from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken
from accounts.services import create_user_with_role, issue_api_token
from programmes.models import FinancialFigure, Programme

from .factories import make_portfolio

# Reads what pages say, never the context they were rendered with.
pytestmark = pytest.mark.usefixtures("plain_templates")


@pytest.fixture
def reader(db):
    return create_user_with_role(
        username="script", role="civil-servant", password="a-long-test-password-1"
    )


@pytest.fixture
def token_client(client, reader):
    out = io.StringIO()
    call_command("api_token", "script", stdout=out)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {out.getvalue().strip()}"
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/",
        "/api/v1/departments/",
        "/api/v1/programmes/",
        "/api/v1/programmes/hmcts-reform/",
    ],
)
def test_anonymous_gets_401_json_not_a_redirect(client, url):
    response = client.get(url)

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


@pytest.mark.django_db
def test_a_wrong_token_is_refused(client):
    response = client.get(
        "/api/v1/programmes/", HTTP_AUTHORIZATION="Token not-a-real-token"
    )

    assert response.status_code == 401


@pytest.mark.django_db
def test_token_is_accepted_and_session_too(token_client, client, reader, demo_data):
    with_token = token_client.get("/api/v1/programmes/")
    client.defaults.pop("HTTP_AUTHORIZATION")
    client.force_login(reader)
    with_session = client.get("/api/v1/programmes/")

    assert with_token.status_code == 200
    assert with_session.status_code == 200
    assert with_token.json()["count"] == Programme.objects.count()


@pytest.mark.django_db
def test_a_user_without_a_role_is_forbidden(client, demo_data):
    from .factories import UserFactory

    user = UserFactory(username="nobody")
    key = issue_api_token(user=user)

    response = client.get("/api/v1/programmes/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "present", "absent"),
    [
        ("department=ministry-of-justice", "hmcts-reform", "universal-credit"),
        ("rating=green", "hmcts-reform", "smarter-working"),
        ("q=border", "digital-services-at-the-border", "hmcts-reform"),
        ("status=completed", "nhs-covid-19-app", "hmcts-reform"),
    ],
)
def test_filters_like_the_list_page(token_client, demo_data, query, present, absent):
    ids = [
        p["id"]
        for p in token_client.get(f"/api/v1/programmes/?{query}").json()["results"]
    ]

    assert present in ids
    assert absent not in ids


@pytest.mark.django_db
def test_bad_filter_value_is_a_400_naming_it(token_client, demo_data):
    response = token_client.get("/api/v1/programmes/?rating=purple")

    assert response.status_code == 400
    assert "purple" in response.json()["rating"][0]


@pytest.mark.django_db
def test_pagination(token_client, db):
    make_portfolio(120)
    total = Programme.objects.count()

    first = token_client.get("/api/v1/programmes/").json()
    second = token_client.get(first["next"]).json()

    assert first["count"] == total
    assert len(first["results"]) == 50
    assert len(second["results"]) == 50
    assert second["previous"]


@pytest.mark.django_db
def test_programme_detail_has_exact_money_as_strings(token_client, demo_data):
    body = token_client.get("/api/v1/programmes/hmcts-reform/").json()

    baseline = next(
        f
        for f in body["figures"]
        if f["kind"] == "baseline"
        and f["period"] == "year"
        and f["financial_year"] == "2020-21"
    )
    assert baseline["amount_gbp"] == "258160000.00"
    assert body["whole_life_cost_gbp"] == "1228610000.00"
    assert body["department"] == "ministry-of-justice"
    assert {a["rating"] for a in body["assessments"]} >= {"amber_red", "green"}
    assert body["disruption_impacts"][0]["disruption"] == "covid-19"
    assert (
        Decimal(baseline["amount_gbp"])
        == FinancialFigure.objects.get(
            programme__slug="hmcts-reform",
            kind="baseline",
            period="year",
            financial_year=2020,
        ).amount_gbp
    )
    by_id = token_client.get(
        f"/api/v1/programmes/{Programme.objects.get(slug='hmcts-reform').pk}/"
    ).json()
    assert by_id["id"] == "hmcts-reform"


@pytest.mark.django_db
def test_departments_have_aliases_and_successors(token_client, demo_data):
    departments = {
        d["slug"]: d for d in token_client.get("/api/v1/departments/").json()["results"]
    }

    assert "MoJ" in departments["ministry-of-justice"]["aliases"]
    beis = departments["department-for-business-energy-and-industrial-strategy"]
    assert set(beis["successors"]) == {
        "department-for-science-innovation-and-technology",
        "department-for-energy-security-and-net-zero",
        "department-for-business-and-trade",
    }


@pytest.mark.django_db
def test_schema_answers_anonymous_requests_401_in_json(client):
    response = client.get("/api/v1/schema/")

    assert response.status_code == 401
    assert "credentials were not provided" in response.json()["detail"]


@pytest.mark.django_db
def test_schema_is_openapi(auditor_client):
    response = auditor_client.get("/api/v1/schema/")

    schema = yaml.safe_load(response.content)
    assert response.status_code == 200
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/programmes/{slug}/" in schema["paths"]


@pytest.mark.django_db
def test_api_queries_do_not_grow_with_programmes(token_client, db):
    make_portfolio(5)
    token_client.get("/api/v1/programmes/")
    with CaptureQueriesContext(connection) as small:
        token_client.get("/api/v1/programmes/")
        token_client.get("/api/v1/departments/")
    make_portfolio(200)
    with CaptureQueriesContext(connection) as large:
        token_client.get("/api/v1/programmes/")
        token_client.get("/api/v1/departments/")

    assert len(large) == len(small)


@pytest.mark.django_db
def test_a_token_is_shown_once_when_made_and_only_its_hash_is_kept(client, reader):
    client.force_login(reader)

    made = client.post("/api-token/").content.decode()
    key = made.split('<code id="api-token">')[1].split("</code>")[0]
    later = client.get("/api-token/").content.decode()
    replaced = client.post("/api-token/").content.decode()

    assert len(key) == 40
    assert key not in later
    assert "Replace my token" in later
    assert ApiToken.objects.get(user=reader).key_sha256 != key
    assert key not in replaced


@pytest.mark.django_db
def test_replacing_a_token_stops_the_old_one(client, reader):
    old = issue_api_token(user=reader)
    new = issue_api_token(user=reader)

    refused = client.get("/api/v1/", HTTP_AUTHORIZATION=f"Token {old}")
    accepted = client.get("/api/v1/", HTTP_AUTHORIZATION=f"Token {new}")

    assert refused.status_code == 401
    assert accepted.status_code == 200


@pytest.mark.django_db
def test_a_token_stops_working_when_the_password_changes(client, reader):
    key = issue_api_token(user=reader)
    before = client.get("/api/v1/", HTTP_AUTHORIZATION=f"Token {key}")
    reader.set_password("another-long-password-2")
    reader.save()

    after = client.get("/api/v1/", HTTP_AUTHORIZATION=f"Token {key}")

    assert before.status_code == 200
    assert after.status_code == 401
    assert "password changed" in after.json()["detail"]
