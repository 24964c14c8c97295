"""Every URL (the admin aside), as every role, with junk in every parameter the
service reads: nothing answers 5xx. A small register, made once for the module."""

import copy

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch
from django.utils import translation

from .factories import (
    AssessmentFactory,
    DepartmentFactory,
    FigureFactory,
    ImpactFactory,
    MilestoneFactory,
    ProgrammeFactory,
)

# Reads what pages say, never the context they were rendered with.
pytestmark = pytest.mark.usefixtures("plain_templates")

PARAMETERS = [
    "sort",
    "page",
    "per_page",
    "as_at",
    "department",
    "financial_year",
    "rating",
    "category",
    "status",
    "q",
    "programme",
    "user",
    "field",
    "date_from",
    "date_to",
    "_export",
    "download",
    "format",
    "next",
]
# Each parameter alone gets the short list; all of them at once get every value.
JUNK = ["a\x00b", "9" * 40, "-1", "ünïcødé ✓ 😀", "z" * 3000]
MORE_JUNK = [
    *JUNK,
    "x",
    "0",
    "1e308",
    "'; --",
    "9999-12-31",
    "0001-01-01",
    "2021-02-30",
    "-name",
    "__class__",
]
ROLES = ["anonymous", "civil-servant", "auditor", "programme-admin"]


def _named_urls(resolver=None, namespace="", prefix_admin=False):
    """(name with its namespace, keyword argument names) for every named URL."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_urls(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", tuple(entry.pattern.regex.groupindex)


def _urls():
    """Each URL name with its arguments filled by a real slug and by junk."""
    seen = set()
    for name, kwargs in _named_urls():
        if (name, kwargs) in seen:
            continue
        seen.add((name, kwargs))
        values = ["real", "no-such-thing", "1", "9" * 30, "-1", "%00"]
        if not kwargs:
            yield name, {}
            continue
        for value in values:
            yield name, {k: ("json" if k == "format" else value) for k in kwargs}


URLS = sorted({(name, tuple(sorted(kw.items()))) for name, kw in _urls()})


@pytest.fixture(scope="module")
def register(django_db_setup, django_db_blocker):
    from accounts.services import create_user_with_role

    with django_db_blocker.unblock(), transaction.atomic():
        programme = ProgrammeFactory(slug="real")
        department = programme.department
        department.slug = "real"
        department.save()
        DepartmentFactory()
        for kind in ("baseline", "forecast", "actual"):
            FigureFactory(programme=programme, kind=kind)
        FigureFactory(programme=programme, period="whole_life", financial_year=None)
        AssessmentFactory(programme=programme)
        MilestoneFactory(programme=programme)
        impact = ImpactFactory(programme=programme)
        impact.disruption.slug = "real"
        impact.disruption.save()
        users = {
            role: create_user_with_role(
                username=role,
                role=role,
                password="a-long-test-password-1",
                departments=[department] if role == "programme-admin" else (),
            )
            for role in ROLES[1:]
        }
        yield users
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def schema_built_once():
    """The OpenAPI description built once per user, version and language. Junk
    cannot reach drf-spectacular's generator: it works from a mock request of the
    bare path that copies only the user, auth and non-cookie headers
    (plumbing.build_mock_request), so every request with junk still goes through
    the schema view, its permissions, content negotiation and renderer, and the
    first request of each role still builds the description (16 s a walk saved)."""
    from programmes.api import SchemaView

    generator_class = SchemaView.generator_class
    build = generator_class.get_schema
    built = {}

    def get_schema(self, request=None, public=False):
        headers = sorted(
            (k, v)
            for k, v in (request.META.items() if request else ())
            if k.startswith("HTTP_") and k != "HTTP_COOKIE"
        )
        key = (
            getattr(getattr(request, "user", None), "pk", None),
            getattr(request, "auth", None),
            getattr(request, "version", None),
            self.api_version,
            translation.get_language(),
            public,
            tuple(headers),
        )
        if key not in built:
            built[key] = build(self, request=request, public=public)
        return copy.deepcopy(built[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(generator_class, "get_schema", get_schema)
        yield


def _url(name, kwargs):
    kwargs = {k: ("real" if v == "real" else v) for k, v in kwargs}
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None  # junk the URL's converter refuses never reaches a view


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=lambda v: str(v))
def test_no_url_answers_5xx_to_junk(
    client, db, register, schema_built_once, role, name, kwargs
):
    url = _url(name, kwargs)
    if url is None:
        pytest.skip("the converter refuses this value")
    if role != "anonymous":
        client.force_login(register[role])
    client.raise_request_exception = False  # collect every failure, not the first
    queries = [{}, *({p: junk for p in PARAMETERS} for junk in MORE_JUNK)]
    # Each parameter alone as the auditor, whose role reaches every page and export;
    # junk in the URL itself needs no more than the one request.
    if role == "auditor" and all(v == "real" for _, v in kwargs):
        queries += [{p: junk} for p in PARAMETERS for junk in JUNK]

    failures = [
        (query, response.status_code)
        for query in queries
        if (response := client.get(url, query)).status_code >= 500
    ]

    assert not failures, failures[:3]
