"""No file or request takes the importer down: huge declared dimensions, zip bombs,
too many rows, columns, files or bytes are refused with a message, quickly and in
bounded memory; NUL bytes and odd line ends never reach the database as a 500."""

import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from programmes import gmpp_files
from programmes.importing import import_files
from programmes.models import ImportedFile, Programme

from . import bombs
from .factories import DepartmentFactory
from .test_importing import HEADERS_2021, _one_row, make_csv

UPLOAD = "/admin/programmes/importedfile/upload/"
MB = 1024 * 1024


@pytest.fixture
def department(db):
    return DepartmentFactory(name="Synthetic Office", abbreviation="SYN", slug="syn")


def _refusal(result):
    assert not result.ok
    assert not Programme.objects.exists()
    return str(result.problems[0])


def _upload(client, *files, **extra):
    return client.post(
        UPLOAD,
        {
            "files": [
                SimpleUploadedFile(name, data, content_type="text/csv")
                for name, data in files
            ]
        },
        **extra,
    )


# XLSX: dimensions and zip bombs ---------------------------------------------------


@pytest.mark.django_db
def test_a_declared_whole_grid_dimension_is_ignored_and_the_cells_read(department):
    data = bombs.declared_dimension(
        [bombs.HEADERS, ["SYN_1", "Small", "SYN", "12"], ["SYN_2", "Other", "SYN", ""]]
    )
    started = time.monotonic()

    result = import_files([("SYN_March_2021.xlsx", data)])

    assert result.ok, [str(p) for p in result.problems]
    assert time.monotonic() - started < 5
    assert sorted(Programme.objects.values_list("name", flat=True)) == [
        "Other",
        "Small",
    ]


@pytest.mark.django_db
def test_cells_at_the_grids_two_corners_are_refused_by_columns_quickly(department):
    started = time.monotonic()

    message = _refusal(import_files([("SYN_March_2021.xlsx", bombs.two_far_cells())]))

    assert "row 1048576 has 16,384 columns; at most 200 are read" in message
    assert time.monotonic() - started < 10


@pytest.mark.django_db
def test_a_sheet_unpacking_past_the_limit_is_refused_before_it_is_parsed(department):
    # Unparseable past its header: only a refusal before parsing can name the size.
    data = bombs.inflating_sheet(60 * MB)

    message = _refusal(import_files([("SYN_March_2021.xlsx", data)]))

    assert len(data) < MB
    assert "it unpacks to 60 MB; a workbook can unpack to at most 50 MB" in message


@pytest.mark.django_db
def test_a_packed_far_beyond_any_real_sheet_is_refused_as_a_zip_bomb(department):
    message = _refusal(
        import_files([("SYN_March_2021.xlsx", bombs.inflating_sheet(30 * MB))])
    )

    assert "is packed" in message
    assert "refused as a zip bomb" in message


@pytest.mark.django_db
def test_a_part_longer_than_it_declares_is_not_read_past_its_declared_size(
    department,
):
    data = bytearray(
        bombs.declared_dimension([bombs.HEADERS, ["SYN_1", "Small", "SYN", "12"]])
    )
    # Shrink the sheet's declared size in the central directory: zipfile then
    # stops there and the CRC no longer matches, a damaged file, not a bomb.
    archive = zipfile.ZipFile(__import__("io").BytesIO(bytes(data)))
    sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    central = bytes(data).rfind(b"xl/worksheets/sheet1.xml")
    size_at = central - 46 + 24
    data[size_at : size_at + 4] = (sheet.file_size // 2).to_bytes(4, "little")

    message = _refusal(import_files([("SYN_March_2021.xlsx", bytes(data))]))

    assert "cannot be read" in message


def test_a_gigabyte_bomb_is_refused_by_a_process_that_stays_small(tmp_path):
    bomb = tmp_path / "SYN_March_2021.xlsx"
    bomb.write_bytes(bombs.inflating_sheet(1024 * MB))
    database = f"sqlite:///{tmp_path / 'unused.sqlite3'}"

    _, idle, _, _ = bombs.run_measured("check", database=database)
    code, peak, output, seconds = bombs.run_measured(
        "import_gmpp", str(bomb), database=database
    )

    assert bomb.stat().st_size < 3 * MB
    assert code != 0
    assert "unpacks to 1,024 MB" in output
    assert peak - idle < 100, (idle, peak)
    assert seconds < 30


# Rows, columns, problems -------------------------------------------------------------


@pytest.mark.django_db
def test_a_csv_of_many_bad_rows_lists_the_first_problems_and_counts_the_rest(
    department,
):
    data = bombs.many_rows_csv(300_000)

    result = import_files([("SYN_March_2021.csv", data)])

    assert not result.ok
    assert "it has more than 20,000 rows" in str(result.problems[0])
    assert len(result.problems) == gmpp_files.MAX_PROBLEMS
    assert result.problems.total == 1 + 19_999
    assert "row 2, column 'Whole Life Cost (£m)': 'lots'" in str(result.problems[1])
    assert not Programme.objects.exists()


def test_a_huge_csv_is_refused_in_bounded_memory(tmp_path):
    path = tmp_path / "SYN_March_2021.csv"
    path.write_bytes(bombs.many_rows_csv(500_000))
    database = f"sqlite:///{tmp_path / 'unused.sqlite3'}"

    _, idle, _, _ = bombs.run_measured("check", database=database)
    code, peak, output, _ = bombs.run_measured(
        "import_gmpp", str(path), database=database
    )

    assert code != 0
    assert "… and " in output
    assert "more than 20,000 rows" in output
    assert peak - idle < 150, (idle, peak)


@pytest.mark.django_db
def test_the_row_limit_is_for_all_files_of_an_import_together(department):
    good = bombs.many_rows_csv(15_000, bad=False)

    message = _refusal(
        import_files([("A_March_2021.csv", good), ("B_March_2021.csv", good)])
    )

    assert message.startswith("B_March_2021.csv: cannot be read: it has more than")


@pytest.mark.django_db
def test_too_many_columns_are_refused(department):
    headers = HEADERS_2021 + [f"Extra {n}" for n in range(300)]
    row = [*_one_row(), *["x"] * 300]

    message = _refusal(import_files([("SYN_March_2021.csv", make_csv(headers, [row]))]))

    assert "row 1 has 316 columns; at most 200 are read" in message


@pytest.mark.django_db
def test_text_longer_than_can_be_stored_is_named(department):
    row = _one_row(**{HEADERS_2021[0]: "X" * 41, HEADERS_2021[1]: "Y" * 301})

    result = import_files([("SYN_March_2021.csv", make_csv(HEADERS_2021, [row]))])

    messages = [str(p) for p in result.problems]
    assert any(
        "column 'GMPP ID Number'" in m and "41 characters" in m for m in messages
    )
    assert any("column 'Project Name'" in m and "301 characters" in m for m in messages)


# The upload request --------------------------------------------------------------------


@pytest.mark.django_db
def test_more_than_ten_files_in_one_upload_are_refused(admin_client, department):
    data = make_csv(HEADERS_2021, [_one_row()])

    response = _upload(
        admin_client, *[(f"SYN_March_2021_{n}.csv", data) for n in range(11)]
    )

    assert response.status_code == 413
    assert "More than 10 files were sent in one upload" in response.content.decode()
    assert not ImportedFile.objects.exists()


@pytest.mark.django_db
def test_an_upload_declaring_more_than_the_limit_is_refused_unread(admin_client):
    response = _upload(admin_client, ("SYN.csv", b"x"), CONTENT_LENGTH=str(500 * MB))

    assert response.status_code == 413
    assert "The upload is 500.0 MB; one import can be at most 50 MB" in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_a_file_over_twenty_megabytes_is_cut_off_as_it_arrives(admin_client):
    big = b"a," * (11 * MB)

    response = _upload(admin_client, ("SYN_March_2021.csv", big))

    assert response.status_code == 413
    assert "is larger than 20 MB" in response.content.decode()
    assert not ImportedFile.objects.exists()


# Bytes that must never be a server error -------------------------------------------


@pytest.mark.django_db
def test_a_nul_byte_is_named_and_nothing_is_written(admin_client, department):
    data = make_csv(HEADERS_2021, [_one_row(**{HEADERS_2021[1]: "Odd\x00name"})])

    response = _upload(
        admin_client,
        ("SYN_March_2021.csv", data),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "row 2, column 2 holds a NUL character" in page
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_a_utf16_csv_is_told_to_be_saved_as_utf8(department):
    data = make_csv(HEADERS_2021, [_one_row()]).decode().encode("utf-16-le")

    message = _refusal(import_files([("SYN_March_2021.csv", data)]))

    assert "save it as CSV UTF-8" in message


@pytest.mark.django_db
def test_carriage_return_line_ends_are_read(department):
    data = make_csv(HEADERS_2021, [_one_row()]).replace(b"\r\n", b"\r")

    result = import_files([("SYN_March_2021.csv", data)])

    assert result.ok, [str(p) for p in result.problems]
    assert Programme.objects.get().name == "Odd"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("SYN_March_2021.xlsx", b"PK\x03\x04 not really a zip"),
        ("SYN_March_2021.xlsx", bytes(range(256)) * 40),
        ("SYN_March_2021.csv", b"\xff\xfe\x00\x81\x8d"),
        ("SYN_March_2021.csv", b'"unterminated, quote\n' * 3),
        (
            "SYN_March_2021.csv",
            b"Project Name,Department\n" + b"x" * 200_000 + b",SYN\n",
        ),
        ("SYN_March_2021.xlsx", bombs.inflating_sheet(2 * MB)[:3000]),
    ],
)
def test_damaged_bytes_get_a_message_never_a_server_error(
    admin_client, department, name, data
):
    response = _upload(admin_client, (name, data))

    assert response.status_code == 200
    assert "nothing was written" in response.content.decode()
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_the_upload_still_checks_the_csrf_token(superuser, department):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    data = make_csv(HEADERS_2021, [_one_row()])

    response = _upload(client, ("SYN_March_2021.csv", data))

    assert response.status_code == 403
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_a_value_the_database_refuses_is_a_problem_and_nothing_is_written(db):
    # Only a superuser's import creates departments; a name past the field's 200
    # characters is caught by the net under the checks, not by a check.
    row = _one_row(**{HEADERS_2021[2]: "Z" * 250})

    result = import_files([("SYN_March_2021.csv", make_csv(HEADERS_2021, [row]))])

    assert not result.ok
    assert str(result.problems[0]).startswith(
        "SYN_March_2021.csv: cannot be stored (name:"
    )
    assert not Programme.objects.exists()
    assert not ImportedFile.objects.exists()


@pytest.mark.django_db
def test_a_row_the_database_refuses_is_named_by_row(department):
    row = _one_row(**{HEADERS_2021[5]: "Not yet rated: " + "words " * 100})

    result = import_files([("SYN_March_2021.csv", make_csv(HEADERS_2021, [row]))])

    assert not result.ok
    assert str(result.problems[0]).startswith(
        "SYN_March_2021.csv, row 2: cannot be stored (raw_text:"
    )
    assert not Programme.objects.exists()
