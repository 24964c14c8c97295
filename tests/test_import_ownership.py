"""Nobody's import changes what is not theirs: rows are matched to programmes by
GMPP ID across all departments, so the department a row names must be the
programme's own, and a move between departments needs a superuser's explicit
consent. Data dates are never in the future or outside what can be stored."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.services import create_user_with_role
from programmes.importing import import_files
from programmes.models import FinancialFigure, Programme

from .factories import DepartmentFactory
from .test_importing import HEADERS_2021, _one_row, make_csv

UPLOAD = "/admin/programmes/importedfile/upload/"
WHOLE_LIFE = HEADERS_2021[14]


@pytest.fixture
def departments(db):
    own = DepartmentFactory(name="Synthetic Office", abbreviation="SYN", slug="syn")
    other = DepartmentFactory(name="Other Office", abbreviation="OTH", slug="oth")
    import_files(
        [
            (
                "OTH_March_2021.csv",
                make_csv(
                    HEADERS_2021,
                    [
                        _one_row(
                            **{
                                HEADERS_2021[0]: "OTH_7",
                                HEADERS_2021[1]: "Theirs",
                                HEADERS_2021[2]: "OTH",
                                WHOLE_LIFE: "100",
                            }
                        )
                    ],
                ),
            )
        ]
    )
    return own, other


def _claiming_theirs(year=2022, department="SYN"):
    """A file of `department` naming OTH's programme by its GMPP ID, a year later."""
    headers = [h.replace("2020/21", f"{year - 1}/{year % 100}") for h in HEADERS_2021]
    row = _one_row(
        **{
            HEADERS_2021[0]: "OTH_7",
            HEADERS_2021[1]: "Theirs",
            HEADERS_2021[2]: department,
            WHOLE_LIFE: "999",
        }
    )
    return f"SYN_March_{year}.csv", make_csv(headers, [row])


def _theirs():
    programme = Programme.objects.select_related("department").get(gmpp_id="OTH_7")
    amounts = sorted(
        FinancialFigure.objects.filter(programme=programme).values_list(
            "amount_gbp", flat=True
        )
    )
    return programme.department.abbreviation, amounts


def _login(client, *departments, role="programme-admin"):
    user = create_user_with_role(
        username="uploader",
        role=role,
        password="a-long-test-password-1",
        departments=departments,
    )
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_admin_of_one_department_cannot_overwrite_or_take_anothers_programme(
    client, departments
):
    own, _ = departments
    _login(client, own)
    before = _theirs()
    name, data = _claiming_theirs()

    response = client.post(
        UPLOAD, {"files": SimpleUploadedFile(name, data, content_type="text/csv")}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "SYN_March_2022.csv, row 2, column &#x27;GMPP ID Number&#x27;" in page
    assert "a programme of OTH, which you may not edit" in page
    assert "nothing was written" in page
    assert _theirs() == before
    assert before[0] == "OTH"


@pytest.mark.django_db
def test_admin_of_both_departments_still_cannot_move_a_programme(departments):
    own, other = departments
    before = _theirs()
    name, data = _claiming_theirs()

    result = import_files([(name, data)], allowed_departments={own, other})

    assert not result.ok
    assert "only a superuser can move a programme" in str(result.problems[0])
    assert _theirs() == before


@pytest.mark.django_db
def test_superuser_import_reports_a_move_unless_it_is_allowed(departments):
    name, data = _claiming_theirs()
    before = _theirs()

    refused = import_files([(name, data)])

    assert "this row would move it to SYN" in str(refused.problems[0])
    assert "--allow-move" in str(refused.problems[0])
    assert _theirs() == before

    moved = import_files([(name, data)], allow_move=True)

    assert moved.ok
    department, amounts = _theirs()
    assert department == "SYN"
    assert Decimal("999000000.00") in amounts


@pytest.mark.django_db
def test_command_refuses_a_move_without_allow_move_and_makes_it_with(
    tmp_path, departments
):
    name, data = _claiming_theirs()
    path = tmp_path / name
    path.write_bytes(data)
    errors = io.StringIO()

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_gmpp", str(path), stdout=io.StringIO(), stderr=errors)

    assert "SYN_March_2022.csv, row 2, column 'GMPP ID Number'" in errors.getvalue()
    assert _theirs()[0] == "OTH"

    call_command("import_gmpp", str(path), "--allow-move", stdout=io.StringIO())

    assert _theirs()[0] == "SYN"


@pytest.mark.django_db
def test_an_older_release_naming_another_department_is_refused_too(departments):
    own, _ = departments
    name, data = _claiming_theirs(year=2020)

    result = import_files(
        [(name, data)],
        allowed_departments={own},
        data_date=datetime.date(2020, 3, 31),
    )

    assert not result.ok
    assert "which you may not edit" in str(result.problems[0])
    assert _theirs()[1] == [Decimal("1000000.00")] * 2 + [Decimal("100000000.00")]


@pytest.mark.django_db
def test_two_files_naming_one_new_id_for_two_departments_is_a_move(departments):
    first = make_csv(
        HEADERS_2021, [_one_row(**{HEADERS_2021[0]: "NEW_1", HEADERS_2021[2]: "SYN"})]
    )
    headers = [h.replace("2020/21", "2021/22") for h in HEADERS_2021]
    second = make_csv(
        headers, [_one_row(**{HEADERS_2021[0]: "NEW_1", HEADERS_2021[2]: "OTH"})]
    )

    result = import_files([("X_March_2022.csv", second), ("X_March_2021.csv", first)])

    assert not result.ok
    assert str(result.problems[0]).startswith("X_March_2022.csv, row 2")
    assert not Programme.objects.filter(gmpp_id="NEW_1").exists()


@pytest.mark.django_db
def test_allow_move_box_is_shown_to_superusers_only_and_ignored_from_others(
    client, admin_client, departments
):
    own, other = departments
    assert 'name="allow_move"' in admin_client.get(UPLOAD).content.decode()
    _login(client, own, other)
    assert 'name="allow_move"' not in client.get(UPLOAD).content.decode()
    name, data = _claiming_theirs()

    response = client.post(
        UPLOAD,
        {
            "files": SimpleUploadedFile(name, data, content_type="text/csv"),
            "allow_move": "on",
        },
    )

    assert "only a superuser can move a programme" in response.content.decode()
    assert _theirs()[0] == "OTH"


@pytest.mark.django_db
def test_superuser_moves_a_programme_with_the_box_ticked(admin_client, departments):
    name, data = _claiming_theirs()

    response = admin_client.post(
        UPLOAD,
        {
            "files": SimpleUploadedFile(name, data, content_type="text/csv"),
            "allow_move": "on",
        },
    )

    assert "Imported" in response.content.decode()
    assert _theirs()[0] == "SYN"


@pytest.mark.django_db
def test_a_data_date_in_the_future_is_refused(departments):
    next_year = timezone.localdate().year + 1
    headers = [
        h.replace("2020/21", f"{next_year - 1}/{next_year % 100}") for h in HEADERS_2021
    ]

    result = import_files(
        [(f"SYN_March_{next_year}.csv", make_csv(headers, [_one_row()]))]
    )

    assert not result.ok
    assert "is in the future" in str(result.problems[0])
    assert not Programme.objects.filter(gmpp_id="SYN_1").exists()


@pytest.mark.django_db
def test_a_data_date_outside_what_can_be_stored_gets_a_message(
    admin_client, tmp_path, departments
):
    data = make_csv(HEADERS_2021, [_one_row()])
    path = tmp_path / "SYN.csv"
    path.write_bytes(data)

    early = import_files([("SYN.csv", data)], data_date=datetime.date(1, 1, 1))
    with pytest.raises(CommandError, match="is not a date written YYYY-MM-DD"):
        call_command("import_gmpp", str(path), "--data-date", "10000-01-01")
    response = admin_client.post(
        UPLOAD,
        {
            "files": SimpleUploadedFile("SYN.csv", data, content_type="text/csv"),
            "data_date": "10000-01-01",
        },
    )

    assert "is before 2000; no GMPP release is that old" in str(early.problems[0])
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()
    assert not Programme.objects.filter(gmpp_id="SYN_1").exists()


@pytest.mark.django_db
def test_implausible_start_and_end_dates_are_named(departments):
    row = _one_row(**{HEADERS_2021[8]: "31/12/9999", HEADERS_2021[7]: "01/01/0001"})

    result = import_files([("SYN_March_2021.csv", make_csv(HEADERS_2021, [row]))])

    messages = [str(p) for p in result.problems]
    assert any("row 2" in m and "the year 1)" in m for m in messages)
    assert any("row 2" in m and "the year 9999)" in m for m in messages)
