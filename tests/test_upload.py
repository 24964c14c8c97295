"""The admin upload page and undoing an import."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.services import create_user_with_role
from programmes.importing import UndoRefused, import_files, undo_import
from programmes.models import Department, FinancialFigure, ImportedFile, Programme

from .factories import DepartmentFactory
from .test_importing import HEADERS_2021, _one_row, make_csv


@pytest.fixture
def synthetic(db):
    return DepartmentFactory(
        name="Synthetic Office", abbreviation="SYN", slug="synthetic-office"
    )


def _admin_for(client, *departments):
    user = create_user_with_role(
        username="uploader",
        role="programme-admin",
        password="a-long-test-password-1",
        departments=departments,
    )
    client.force_login(user)
    return user


def _upload(client, name, data, **fields):
    return client.post(
        "/admin/programmes/importedfile/upload/",
        {"files": SimpleUploadedFile(name, data, content_type="text/csv"), **fields},
    )


@pytest.mark.django_db
def test_programme_admin_checks_then_imports_their_departments_file(client, synthetic):
    _admin_for(client, synthetic)
    data = make_csv(HEADERS_2021, [_one_row()])

    checked = _upload(client, "SYN_March_2021.csv", data, dry_run="on")
    assert "Dry run: nothing was written" in checked.content.decode()
    assert not Programme.objects.exists()

    imported = _upload(client, "SYN_March_2021.csv", data)
    assert "financial figures: 3 created" in imported.content.decode()
    assert Programme.objects.get().department == synthetic
    assert ImportedFile.objects.get().imported_by.username == "uploader"


@pytest.mark.django_db
def test_programme_admin_cannot_import_another_departments_rows(client, synthetic):
    other = DepartmentFactory(abbreviation="OTH")
    _admin_for(client, other)

    response = _upload(
        client, "SYN_March_2021.csv", make_csv(HEADERS_2021, [_one_row()])
    )

    page = response.content.decode()
    assert "is not one of the departments you may edit" in page
    assert "nothing was written" in page
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_upload_problems_name_row_column_and_value(client, synthetic):
    _admin_for(client, synthetic)

    response = _upload(
        client,
        "SYN_March_2021.csv",
        make_csv(HEADERS_2021, [_one_row(**{HEADERS_2021[10]: "lots"})]),
    )

    assert (
        "SYN_March_2021.csv, row 2, column &#x27;Financial Year Baseline"
        in response.content.decode()
    )


@pytest.mark.django_db
def test_civil_servant_cannot_reach_the_upload_page(client, synthetic):
    user = create_user_with_role(
        username="cs", role="civil-servant", password="a-long-test-password-1"
    )
    client.force_login(user)

    response = client.get("/admin/programmes/importedfile/upload/")

    assert response.status_code == 302  # the admin sends non-staff to its sign-in


@pytest.mark.django_db
def test_undo_reverses_an_import_whole(synthetic):
    first = make_csv(HEADERS_2021, [_one_row(**{HEADERS_2021[14]: "100"})])
    headers = [h.replace("2020/21", "2021/22") for h in HEADERS_2021]
    second = make_csv(headers, [_one_row(**{HEADERS_2021[14]: "150"})])
    import_files([("SYN_March_2021.csv", first)])
    import_files([("SYN_March_2022.csv", second)])
    later = ImportedFile.objects.get(data_date=datetime.date(2022, 3, 31))

    undo_import(later)

    current = FinancialFigure.objects.get(period="whole_life", is_current=True)
    assert current.amount_gbp == Decimal("100000000.00")
    assert not FinancialFigure.objects.filter(
        data_date=datetime.date(2022, 3, 31)
    ).exists()
    later.refresh_from_db()
    assert later.undone_at is not None
    assert not later.provenance.exists()


@pytest.mark.django_db
def test_undo_is_refused_when_a_later_import_changed_the_same_rows(synthetic):
    first = make_csv(HEADERS_2021, [_one_row(**{HEADERS_2021[14]: "100"})])
    headers = [h.replace("2020/21", "2021/22") for h in HEADERS_2021]
    second = make_csv(headers, [_one_row(**{HEADERS_2021[14]: "150"})])
    import_files([("SYN_March_2021.csv", first)])
    import_files([("SYN_March_2022.csv", second)])
    earlier = ImportedFile.objects.get(data_date=datetime.date(2021, 3, 31))

    with pytest.raises(UndoRefused, match="changed after this import"):
        undo_import(earlier)

    assert FinancialFigure.objects.filter(data_date=datetime.date(2021, 3, 31)).exists()
    assert Department.objects.filter(abbreviation="SYN").exists()
