"""Production settings, response headers, and deletion that needs a deliberate
confirmation."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.models import ProtectedError

from programmes.models import ChangeLogEntry, FinancialFigure, Programme

# Reads what pages say, never the context they were rendered with.
pytestmark = pytest.mark.usefixtures("plain_templates")

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, env_extra=None, drop=()):
    # The test run's own DJANGO_ALLOW_ASYNC_UNSAFE (for Playwright) is no deployment's.
    drop = (*drop, "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "transform_tracker.settings.production",
            **(env_extra or {}),
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": "sqlite:////tmp/unused.sqlite3",
        },
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DATABASE_URL"])
def test_production_refuses_to_start_without_secret_or_database(missing):
    present = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "sqlite:////tmp/unused.sqlite3",
    }
    present.pop(missing)

    result = _manage("check", env_extra=present, drop=(missing,))

    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr


@pytest.mark.django_db
def test_responses_carry_the_policies(client):
    response = client.get("/sign-in/")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert (
        "style-src 'self' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        in policy
    )
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_pages_have_no_inline_scripts_or_styles(admin_client, demo_data):
    import re

    for url in ["/", "/programmes/hmcts-reform/", "/reports/budget/", "/sign-in/"]:
        page = admin_client.get(url).content.decode()
        inline_scripts = re.findall(
            r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", page
        )
        assert inline_scripts == [], url
        assert "<style" not in page, url
        assert " style=" not in page, url


@pytest.mark.django_db
def test_a_programme_with_figures_cannot_be_deleted_by_accident(demo_data):
    programme = Programme.objects.get(slug="hmcts-reform")

    with pytest.raises(ProtectedError):
        programme.delete()

    assert FinancialFigure.objects.filter(programme=programme).exists()


@pytest.mark.django_db
def test_deleting_everything_needs_the_name_and_a_reason_and_keeps_history(
    admin_client, demo_data
):
    programme = Programme.objects.get(slug="smarter-working")
    url = f"/admin/programmes/programme/{programme.pk}/delete-everything/"
    figures = list(
        FinancialFigure.objects.filter(programme=programme).values_list("pk", flat=True)
    )

    wrong = admin_client.post(url, {"confirm_name": "Smarter", "reason": "duplicate"})
    assert "does not match" in wrong.content.decode()
    assert Programme.objects.filter(pk=programme.pk).exists()

    done = admin_client.post(
        url, {"confirm_name": programme.name, "reason": "entered twice"}
    )

    assert done.status_code == 302
    assert not Programme.objects.filter(pk=programme.pk).exists()
    deleted = FinancialFigure.history.filter(id__in=figures, history_type="-")
    assert deleted.count() == len(figures)
    assert all(
        r.history_change_reason == "Programme deleted: entered twice" for r in deleted
    )
    assert ChangeLogEntry.objects.filter(
        programme_id=programme.pk, action="-", object_repr=programme.name
    ).exists()


@pytest.mark.django_db
def test_programme_admins_cannot_delete_everything(client, demo_data):
    from accounts.services import create_user_with_role

    user = create_user_with_role(
        username="pa",
        role="programme-admin",
        password="a-long-test-password-1",
        departments=list(
            Programme.objects.get(
                slug="hmcts-reform"
            ).department.__class__.objects.filter(abbreviation="MOJ")
        ),
    )
    client.force_login(user)
    programme = Programme.objects.get(slug="hmcts-reform")

    response = client.post(
        f"/admin/programmes/programme/{programme.pk}/delete-everything/",
        {"confirm_name": programme.name, "reason": "x"},
    )

    assert response.status_code == 403
    assert Programme.objects.filter(pk=programme.pk).exists()
