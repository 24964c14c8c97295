"""No page hands the browser a control with thousands of choices: at more
programmes than any control may list, every form control of the main pages and
the admin lists at most a few hundred options (pickers of programmes, sources and
departments search as you type), and no admin filter lists every programme."""

import contextlib
import re

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from programmes.models import Department, Programme

from .factories import make_portfolio

# Reads what pages say, never the context they were rendered with.
pytestmark = pytest.mark.usefixtures("plain_templates")

MOST = 300  # options in one control, or links in one admin filter
PROGRAMMES = MOST + 50
SELECT = re.compile(r'<select[^>]*name="([^"]*)"[^>]*>(.*?)</select>', re.S)
FILTER_LINK = re.compile(r'<li[^>]*>\s*<a href="\?')


def _urls():
    programme = Programme.objects.order_by("pk").first()
    department = Department.objects.order_by("pk").first()
    urls = [
        "/",
        "/departments/",
        f"/departments/{department.slug}/",
        "/programmes/",
        f"/programmes/{programme.slug}/",
        "/disruptions/",
        "/releases/",
        "/releases/compare/",
        "/reports/budget/",
        "/reports/changes/",
        "/reports/exports/",
    ]
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{info}_changelist"))
        with contextlib.suppress(NoReverseMatch):  # an admin without an add page
            urls.append(reverse(f"{info}_add"))
        first = model.objects.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"{info}_change", args=[first.pk]))
    return urls


@pytest.mark.django_db
def test_no_control_lists_more_than_a_few_hundred_choices(admin_client):
    make_portfolio(PROGRAMMES)
    crowded = []
    for url in _urls():
        response = admin_client.get(url)
        assert response.status_code in (200, 403), url
        html = response.content.decode()
        for name, body in SELECT.findall(html):
            options = body.count("<option")
            if options > MOST:
                crowded.append((url, name, options))
        links = len(FILTER_LINK.findall(html))
        if links > MOST:
            crowded.append((url, "admin filter", links))
    assert Programme.objects.count() > MOST
    assert crowded == []
