"""Importing published GMPP files: every file read and checked first, then all of
them written in one transaction, oldest data date first. Nothing is half-written:
a problem anywhere means nothing is written at all."""

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from . import gmpp, gmpp_files
from .gmpp_files import MAX_PROBLEMS, MAX_ROWS
from .models import (
    Department,
    ImportedFile,
    Narrative,
    Programme,
    Provenance,
    import_reason,
)
from .names import normalise
from .services import (
    ChangeCount,
    GmppRecord,
    apply_gmpp_record,
    derive_statuses,
    gmpp_release_source,
    name_candidates,
    nearest_names,
    programmes_named,
    upsert,
)

CATEGORIES = {
    gmpp.normalise_header(label): value
    for value, label in Programme.Category.choices
    if value
}
NARRATIVE_TOPICS = {
    "description": Narrative.Topic.DESCRIPTION,
    "rating_commentary": Narrative.Topic.RATING,
    "schedule_narrative": Narrative.Topic.SCHEDULE,
    "variance_narrative": Narrative.Topic.VARIANCE,
    "whole_life_narrative": Narrative.Topic.WHOLE_LIFE,
    "benefits_narrative": Narrative.Topic.BENEFITS,
}
MONEY_FIELDS = ("fy_baseline", "fy_forecast", "whole_life_cost", "benefits")
# No GMPP release is older; the first were published in 2012.
EARLIEST_DATA_DATE = datetime.date(2000, 1, 1)
# Start and end dates outside these are typing slips ("31/12/9999", "01/01/0001").
PLAUSIBLE_YEARS = range(1900, 2201)
TEXT_LIMITS = {"name": 300, "gmpp_id": 40}  # the model's max_length


class Listing(list):
    """Messages: the first `limit` kept, the rest only counted (`more`), so a file
    of a million bad rows takes no more memory than one of two hundred."""

    def __init__(self, limit=MAX_PROBLEMS):
        super().__init__()
        self.limit = limit
        self.more = 0

    def append(self, item):
        if len(self) < self.limit:
            super().append(item)
        else:
            self.more += 1

    def extend(self, items):
        for item in items:
            self.append(item)
        self.more += getattr(items, "more", 0)

    @property
    def total(self):
        return len(self) + self.more


@dataclass
class Problem:
    file: str
    row: int | None
    column: str
    value: str
    reason: str

    def __str__(self):
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        value = f": {self.value!r}" if self.value != "" else ""
        return f"{where}{value}: {self.reason}"


@dataclass
class ParsedRow:
    number: int
    values: dict
    columns: dict  # field -> header as published
    department_name: str
    link: str | None = None  # the slug an operator linked this row's name to


@dataclass
class ParsedFile:
    name: str
    data: bytes
    sha256: str = ""
    encoding: str = ""
    data_date: datetime.date | None = None
    rows: list = field(default_factory=list)
    rows_read: int = 0
    problems: list = field(default_factory=Listing)
    warnings: list = field(default_factory=Listing)
    columns: dict = field(default_factory=dict)
    real_prices: bool = False

    def money_totals(self):
        """The exact sum of each money column as read, in pounds, and how many rows
        gave a figure."""
        totals = {}
        for name in MONEY_FIELDS:
            amounts = [
                r.values[name].gbp
                for r in self.rows
                if r.values.get(name) and r.values[name].gbp is not None
            ]
            totals[name] = (sum(amounts, Decimal(0)), len(amounts))
        return totals


def parse_overrides(pairs):
    """--map "Header text=field" pairs -> {normalised header: field}."""
    overrides = {}
    for pair in pairs or ():
        header, sep, name = pair.rpartition("=")
        name = name.strip()
        if not sep or name not in gmpp.FIELDS:
            raise ValueError(
                f"--map {pair!r}: write it as 'Header text=field', the field one of "
                + ", ".join(sorted(gmpp.FIELDS))
            )
        overrides[gmpp.normalise_header(header)] = name
    return overrides


def parse_file(name, data, *, data_date=None, overrides=None, max_rows=MAX_ROWS):
    """Read and check one file; never writes. Problems name the file, row, column
    and value; warnings say what was kept but is worth a look. The file is read as
    a stream within the limits of gmpp_files; only the rows' mapped cells are kept."""
    parsed = ParsedFile(name=name, data=data, sha256=hashlib.sha256(data).hexdigest())
    try:
        rows = gmpp_files.table_rows(name, data, max_rows=max_rows)
        if not gmpp_files.is_xlsx(name, data):
            parsed.encoding = gmpp_files.csv_encoding(data)[1]
        head = list(islice(rows, gmpp_files.HEADER_SEARCH_ROWS))
        position = gmpp_files.header_position(head)
        if position is None:
            parsed.problems.append(
                Problem(
                    name,
                    None,
                    "",
                    "",
                    "has no header row naming the project name and the department or "
                    "GMPP ID",
                )
            )
            return parsed
        header_number, header_cells = head[position]
        parsed.rows_read = position + 1
        parsed.real_prices = _says_real_terms(header_cells)
        _read_rows(
            parsed,
            header_number,
            header_cells,
            chain(head[position + 1 :], rows),
            data_date,
            overrides,
        )
    except gmpp.CellError as error:
        # Refused whole: first in the list, so the reason is never cut off.
        parsed.rows = []
        parsed.problems.insert(
            0, Problem(name, None, "", "", f"cannot be read: {error}")
        )
    return parsed


REAL_TERMS = re.compile(
    r"real terms|real prices|constant prices|\d{4}-\d{2} prices", re.I
)
# NISTA's 2025-26 release (data at 31 March 2026) was the first in real terms.
FIRST_REAL_TERMS_RELEASE = datetime.date(2026, 3, 31)


def _says_real_terms(header_cells):
    return any(REAL_TERMS.search(str(cell or "")) for cell in header_cells)


def _read_rows(parsed, header_number, header_cells, rows, data_date, overrides):
    name = parsed.name
    headers = [gmpp.cell_text(h) for h in header_cells]
    overrides = overrides or {}
    by_index = {}
    for index, header in enumerate(headers):
        meaning = overrides.get(gmpp.normalise_header(header)) or gmpp.header_meaning(
            header
        )
        if meaning is None:
            if header.strip():
                parsed.warnings.append(
                    f"{name}: column {header!r} was not recognised and is ignored "
                    "(name it with --map 'Header=field')"
                )
            continue
        if meaning in parsed.columns:
            parsed.warnings.append(
                f"{name}: column {header!r} also looks like {gmpp.FIELDS[meaning]!r}; "
                f"the first, {parsed.columns[meaning]!r}, is used"
            )
            continue
        parsed.columns[meaning] = header
        by_index[index] = meaning
    for required in gmpp.REQUIRED:
        if required not in parsed.columns:
            parsed.problems.append(
                Problem(
                    name,
                    header_number,
                    gmpp.FIELDS[required],
                    "",
                    "this column is missing",
                )
            )
    parsed.data_date = _data_date(parsed, headers, data_date)
    _check_data_date(parsed)
    if parsed.problems:
        return
    seen_ids = {}
    for number, row in rows:
        parsed.rows_read += 1
        cells = {
            meaning: row[i] if i < len(row) else None for i, meaning in by_index.items()
        }
        if all(gmpp.cell_text(v).strip() == "" for v in cells.values()):
            continue
        parsed_row = _parse_row(parsed, number, cells)
        if parsed_row is None:
            continue
        gmpp_id = parsed_row.values["gmpp_id"]
        if gmpp_id:
            if gmpp_id in seen_ids:
                parsed.problems.append(
                    Problem(
                        name,
                        number,
                        parsed.columns["gmpp_id"],
                        gmpp_id,
                        f"appears again (first in row {seen_ids[gmpp_id]})",
                    )
                )
            seen_ids[gmpp_id] = number
        if not parsed.problems:
            # Once a file has a problem nothing of it is written: keep no rows.
            parsed.rows.append(parsed_row)
    if parsed.problems:
        parsed.rows = []
    elif not parsed.rows:
        parsed.problems.append(Problem(name, None, "", "", "has no project rows"))


def _data_date(parsed, headers, given):
    if given is not None:
        return given
    from_name = gmpp.data_date_from_name(parsed.name)
    from_headers = gmpp.data_date_from_headers(headers)
    if from_name and from_headers and from_name != from_headers:
        parsed.problems.append(
            Problem(
                parsed.name,
                None,
                "",
                "",
                f"its name says the data are as at {from_name:%d %B %Y} but its headers say "
                f"{from_headers:%d %B %Y}; say which with --data-date",
            )
        )
        return None
    found = from_name or from_headers
    if found is None:
        parsed.problems.append(
            Problem(
                parsed.name,
                None,
                "",
                "",
                "its data date cannot be told from its name or headers; give it with "
                "--data-date YYYY-MM-DD",
            )
        )
    return found


def _check_data_date(parsed):
    when = parsed.data_date
    if when is None:
        return
    today = timezone.localdate()
    if when > today:
        reason = f"its data date, {when:%d %B %Y}, is in the future"
    elif when < EARLIEST_DATA_DATE:
        reason = (
            f"its data date, {when.isoformat()}, is before "
            f"{EARLIEST_DATA_DATE:%Y}; no GMPP release is that old"
        )
    else:
        return
    parsed.problems.append(Problem(parsed.name, None, "", "", reason))


def _parse_row(parsed, number, cells):
    values, problems = {}, []

    def column(name):
        return parsed.columns.get(name, gmpp.FIELDS[name])

    def read(name, parser):
        raw = cells.get(name)
        try:
            return parser(raw)
        except gmpp.CellError as error:
            problems.append(
                Problem(
                    parsed.name, number, column(name), gmpp.cell_text(raw), str(error)
                )
            )
            return None

    text = {name: gmpp.clean(gmpp.cell_text(raw)) for name, raw in cells.items()}
    filled = [value for value in text.values() if value]
    totals_row = {text.get("name", "").lower(), text.get("gmpp_id", "").lower()} & {
        "total",
        "totals",
        "grand total",
    }
    if len(filled) <= 1 or totals_row:
        # A note or a totals line under the table, not a project.
        parsed.warnings.append(
            f"{parsed.name}, row {number}: {(filled or [''])[0][:60]!r} is not a project "
            "row (a note or a total); skipped"
        )
        return None
    values["name"] = text.get("name", "")
    values["gmpp_id"] = text.get("gmpp_id", "")
    for name, limit in TEXT_LIMITS.items():
        if len(values[name]) > limit:
            problems.append(
                Problem(
                    parsed.name,
                    number,
                    column(name),
                    values[name][:60] + "…",
                    f"is {len(values[name]):,} characters long; at most {limit} are kept",
                )
            )
    department = text.get("department", "")
    if not values["name"]:
        problems.append(
            Problem(
                parsed.name, number, column("name"), "", "the project name is empty"
            )
        )
    if not department:
        problems.append(
            Problem(
                parsed.name, number, column("department"), "", "the department is empty"
            )
        )
    for name in MONEY_FIELDS:
        values[name] = read(name, lambda raw: gmpp.parse_millions(gmpp.cell_text(raw)))
    values["fy_variance"] = None
    if "fy_variance" in cells:
        try:
            values["fy_variance"] = gmpp.parse_percentage(
                gmpp.cell_text(cells["fy_variance"])
            )
        except gmpp.CellError as error:
            parsed.warnings.append(
                f"{Problem(parsed.name, number, column('fy_variance'), text['fy_variance'], str(error))}; the published variance is left out (ours is computed from the figures)"
            )
    for name in ("start_date", "end_date"):
        values[name] = read(
            name,
            lambda raw: gmpp.excel_date(raw) or gmpp.parse_date(gmpp.cell_text(raw)),
        )
    for name in ("start_date", "end_date"):
        if values[name] and values[name].year not in PLAUSIBLE_YEARS:
            problems.append(
                Problem(
                    parsed.name,
                    number,
                    column(name),
                    text.get(name, ""),
                    f"is not a plausible date (the year {values[name].year})",
                )
            )
            values[name] = None
    if (
        values["start_date"]
        and values["end_date"]
        and values["end_date"] < values["start_date"]
    ):
        problems.append(
            Problem(
                parsed.name,
                number,
                column("end_date"),
                text.get("end_date", ""),
                f"is before the start date {values['start_date']:%d %B %Y}",
            )
        )
    for name in ("ipa_rating", "sro_rating"):
        values[name] = None
        if parsed.data_date and name in cells:
            rating = gmpp.parse_rating(text[name], data_date=parsed.data_date)
            if (
                rating
                and rating[0] == gmpp.Rating.NOT_SET
                and gmpp.normalise_header(text[name]) not in {"not set", "notset"}
            ):
                parsed.warnings.append(
                    f"{parsed.name}, row {number}, column {column(name)!r}: {text[name][:80]!r} is not a rating; "
                    "kept as published with the rating Not set"
                )
            values[name] = rating
    category = text.get("category", "")
    values["category"] = CATEGORIES.get(gmpp.normalise_header(category), "")
    if category and not values["category"]:
        parsed.warnings.append(
            f"{parsed.name}, row {number}: category {category!r} is not one we know; left blank"
        )
    values["narratives"] = {
        NARRATIVE_TOPICS[name]: text[name]
        for name in NARRATIVE_TOPICS
        if text.get(name)
    }
    if problems:
        parsed.problems.extend(problems)
        return None
    return ParsedRow(
        number=number, values=values, columns=parsed.columns, department_name=department
    )


@dataclass
class ImportResult:
    files: list
    problems: list
    warnings: list
    counter: ChangeCount
    dry_run: bool
    written: bool = False

    @property
    def ok(self):
        return not self.problems


def _resolve_departments(files, problems, warnings, allowed, create):
    """Department names in the files -> Department rows, through the aliases."""
    resolved = {}
    for parsed in files:
        for row in parsed.rows:
            key = row.department_name.strip().lower()
            if key in resolved:
                continue
            matches = list(Department.objects.matching_name(row.department_name))
            if len(matches) > 1:
                problems.append(
                    Problem(
                        parsed.name,
                        row.number,
                        parsed.columns["department"],
                        row.department_name,
                        "names more than one department ("
                        + ", ".join(d.abbreviation for d in matches)
                        + "); add an alias to the right one",
                    )
                )
                resolved[key] = None
            elif matches:
                resolved[key] = matches[0]
            elif create:
                resolved[key] = "new"
                warnings.append(
                    f"Department {row.department_name!r} is new: it will be created; check its full name in the admin"
                )
            else:
                problems.append(
                    Problem(
                        parsed.name,
                        row.number,
                        parsed.columns["department"],
                        row.department_name,
                        "is not a known department or alias",
                    )
                )
                resolved[key] = None
            department = resolved[key]
            if allowed is not None and (
                department == "new" or (department and department not in allowed)
            ):
                problems.append(
                    Problem(
                        parsed.name,
                        row.number,
                        parsed.columns["department"],
                        row.department_name,
                        "is not one of the departments you may edit",
                    )
                )
    return resolved


def _department(resolved, name, counter, reason):
    department = resolved[name.strip().lower()]
    if department == "new":
        from .services import unique_slug

        abbreviation = name.strip()[:20]
        department = upsert(
            Department,
            lookup={"abbreviation": abbreviation},
            values={"name": name.strip(), "slug": unique_slug(Department, name, 80)},
            counter=counter,
            reason=reason,
        )
        resolved[name.strip().lower()] = department
    return department


def import_files(
    files,
    *,
    dry_run=False,
    user=None,
    data_date=None,
    overrides=None,
    allowed_departments=None,
    create_departments=True,
    allow_move=False,
    links=None,
):
    """files: [(name, bytes)]. Reads and checks all, then writes all in one
    transaction (none at all on any problem, or with dry_run).

    links: {published name: programme slug}, an operator's word that a name the
    importer could not match is that programme (--link "Name=slug").

    allowed_departments: None for a superuser (or the command line), else the
    departments the user may edit; a row may then touch only their programmes.
    allow_move: a superuser's explicit consent to rows that move a programme to
    another department; without it every such row is a problem."""
    problems = Listing()
    for message in gmpp_files.size_problems([(n, len(d)) for n, d in files]):
        problems.append(Problem("The import", None, "", "", message))
    counter = ChangeCount()
    result = ImportResult(
        files=[],
        problems=problems,
        warnings=Listing(),
        counter=counter,
        dry_run=dry_run,
    )
    if problems:
        return result
    rows_left = MAX_ROWS
    for name, data in files:
        parsed = parse_file(
            name,
            data,
            data_date=data_date,
            overrides=overrides,
            max_rows=max(rows_left, 0),
        )
        rows_left -= parsed.rows_read
        result.files.append(parsed)
        problems.extend(parsed.problems)
        result.warnings.extend(parsed.warnings)
    if problems:
        return result
    parsed_files = result.files
    resolved = _resolve_departments(
        parsed_files, problems, result.warnings, allowed_departments, create_departments
    )
    if problems:
        return result
    _check_owners(
        parsed_files,
        resolved,
        problems,
        allowed=allowed_departments,
        allow_move=allow_move,
    )
    _identify_by_name(
        parsed_files,
        resolved,
        problems,
        result.warnings,
        links=links or {},
        allowed=allowed_departments,
        allow_move=allow_move,
    )
    if problems:
        return result
    try:
        with transaction.atomic():
            for parsed in sorted(parsed_files, key=lambda f: f.data_date):
                try:
                    _write_file(parsed, resolved, counter, user)
                except NOT_STORABLE as error:
                    raise _NotStored(_stored_problem(parsed, None, error)) from error
            touched = {d for d in resolved.values() if isinstance(d, Department)}
            # The statuses the releases now give are part of this import (of its
            # newest file, whose release they follow): undoing it takes them back.
            newest = max(parsed_files, key=lambda f: f.data_date)
            derive_statuses(
                departments=touched,
                counter=counter,
                reason=f"{_reason(newest)}: status from the releases",
            )
            if dry_run:
                transaction.set_rollback(True)
            else:
                result.written = True
    except _NotStored as refused:
        # Checks above should catch everything; this is the net under them, so a
        # value the database refuses is a message, never a server error.
        problems.append(refused.problem)
        result.written = False
    return result


class _NotStored(Exception):
    def __init__(self, problem):
        super().__init__(str(problem))
        self.problem = problem


def _department_key(resolved, row):
    key = row.department_name.strip().lower()
    department = resolved[key]
    return ("new", key) if department == "new" else department


def _check_owners(files, resolved, problems, *, allowed, allow_move):
    """A row matched by GMPP ID to a programme of another department is refused
    for anyone but a superuser, and for a superuser unless allow_move says the
    move is meant. (A row without a matching ID is matched by name within its own
    department only, so it cannot reach another department's programme.)"""
    ids = sorted({r.values["gmpp_id"] for f in files for r in f.rows} - {""})
    owners = {}
    for start in range(0, len(ids), 500):
        for programme in Programme.objects.filter(
            gmpp_id__in=ids[start : start + 500]
        ).select_related("department"):
            owners[programme.gmpp_id] = (programme.department, programme.name)
    for parsed in sorted(files, key=lambda f: f.data_date):
        for row in parsed.rows:
            gmpp_id = row.values["gmpp_id"]
            if not gmpp_id:
                continue
            department = _department_key(resolved, row)
            # An ID new to the register belongs to the first row that names it.
            owner, name = owners.setdefault(gmpp_id, (department, row.values["name"]))
            if owner == department:
                continue
            owner_name = owner[1] if isinstance(owner, tuple) else owner.abbreviation
            here = f"is the GMPP ID of {name!r}, a programme of {owner_name}"
            if allowed is not None and owner not in allowed:
                reason = f"{here}, which you may not edit"
            elif allowed is not None:
                reason = (
                    f"{here}; this row would move it to {row.department_name}, and "
                    "only a superuser can move a programme between departments"
                )
            elif not allow_move:
                reason = (
                    f"{here}; this row would move it to {row.department_name}. If "
                    "that is meant, import again allowing moves (--allow-move, or "
                    "the upload page's box)"
                )
            else:
                continue
            problems.append(
                Problem(
                    parsed.name, row.number, parsed.columns["gmpp_id"], gmpp_id, reason
                )
            )


def parse_links(pairs):
    """["Published name=slug", ...] -> {normalised name: slug}, or ValueError."""
    links = {}
    for pair in pairs or ():
        name, sep, slug = pair.rpartition("=")
        if not sep or not name.strip() or not slug.strip():
            raise ValueError(
                f'{pair!r} is not a link: write it as "Published name=slug".'
            )
        links[normalise(name)] = slug.strip()
    return links


def _identify_by_name(
    files, resolved, problems, warnings, *, links, allowed, allow_move
):
    """Rows without a known GMPP ID: a linked name goes to its programme; else the
    programme published under that name (or an alias) in the department or its
    predecessors and successors; else the row makes a new programme, which is
    reported with the nearest existing names so that a near-duplicate is never
    made silently. A match in another department follows the same rule as IDs."""
    known_ids = set(
        Programme.objects.filter(
            gmpp_id__in={r.values["gmpp_id"] for f in files for r in f.rows} - {""}
        ).values_list("gmpp_id", flat=True)
    )
    slugs = {p.slug: p for p in Programme.objects.filter(slug__in=set(links.values()))}
    candidates = {}
    for parsed in files:
        column = parsed.columns.get("name", "Project Name")
        for row in parsed.rows:
            name = row.values["name"]

            def refuse(reason, row=row, name=name, parsed=parsed, column=column):
                problems.append(Problem(parsed.name, row.number, column, name, reason))

            if row.values["gmpp_id"] in known_ids:
                continue
            department = _department_key(resolved, row)
            linked = links.get(normalise(name))
            if linked is not None:
                programme = slugs.get(linked)
                if programme is None:
                    refuse(f"is linked to {linked!r}, which is no programme's slug")
                    continue
                row.link = linked
                matches = [programme]
            elif isinstance(department, Department):
                matches = list(
                    programmes_named(name, department).select_related("department")[:2]
                )
            else:
                matches = []
            if len(matches) == 1:
                owner = matches[0].department
                if owner == department or not isinstance(department, Department):
                    continue
                reason = (
                    f"is the name of {matches[0].name!r}, a programme of "
                    f"{owner.abbreviation}; this row would move it to "
                    f"{row.department_name}"
                )
                if allowed is not None:
                    refuse(
                        reason
                        + ", and only a superuser can move a programme between departments"
                    )
                elif not allow_move:
                    refuse(reason + ". If that is meant, import again allowing moves")
                continue
            if len(matches) > 1:
                refuse(
                    "matches more than one programme ("
                    + ", ".join(p.slug for p in matches)
                    + '); say which with --link "Name=slug"'
                )
                continue
            scope = department if isinstance(department, Department) else None
            if scope not in candidates:  # one read per department, not per row
                candidates[scope] = name_candidates(scope)
            nearest = nearest_names(name, candidates[scope])
            hint = (
                "; the nearest existing names are "
                + "; ".join(f"{n!r} ({slug})" for n, slug in nearest)
                + f'. If it is one of them, import again with --link "{name}=slug"'
                if nearest
                else ""
            )
            warnings.append(
                f"{parsed.name}, row {row.number}: {name!r} matches no programme "
                f"and will be created as a new one{hint}"
            )


# ValueError: what psycopg raises for a value it cannot send (a NUL).
NOT_STORABLE = (ValidationError, DatabaseError, ValueError)


def _stored_problem(parsed, row_number, error):
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        detail = "; ".join(
            f"{name}: {' '.join(messages)}"
            for name, messages in error.message_dict.items()
        )
    elif isinstance(error, ValidationError):
        detail = " ".join(error.messages)
    else:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
    return Problem(parsed.name, row_number, "", "", f"cannot be stored ({detail})")


def _reason(parsed):
    return import_reason(parsed.sha256, parsed.name)


def _write_file(parsed, resolved, counter, user):
    reason = _reason(parsed)
    departments = {
        _department(resolved, row.department_name, counter, reason)
        for row in parsed.rows
    }
    cross_government = len(departments) > 1
    any_department = sorted(departments, key=lambda d: d.abbreviation)[0]
    source = gmpp_release_source(
        department=any_department,
        data_date=parsed.data_date,
        file_name=parsed.name,
        cross_government=cross_government,
        counter=counter,
        reason=reason,
        overwrite=False,
    )
    imported, created = ImportedFile.objects.get_or_create(
        sha256=parsed.sha256,
        defaults={
            "name": parsed.name,
            "content": parsed.data,
            "size": len(parsed.data),
            "encoding": parsed.encoding,
            "data_date": parsed.data_date,
            "source": source,
            "imported_by": user,
        },
    )
    if not created and imported.undone_at is not None:
        imported.undone_at = None
        imported.save(update_fields=["undone_at"])
    counter.add("imported files", "created" if created else "unchanged")
    for row in parsed.rows:
        try:
            _write_row(parsed, row, resolved, source, imported, counter, reason)
        except NOT_STORABLE as error:
            raise _NotStored(_stored_problem(parsed, row.number, error)) from error


def _write_row(parsed, row, resolved, source, imported, counter, reason):
    values = row.values
    record = GmppRecord(
        name=values["name"],
        department=_department(resolved, row.department_name, counter, reason),
        data_date=parsed.data_date,
        gmpp_id=values["gmpp_id"],
        category=values["category"],
        ipa_rating=values["ipa_rating"],
        sro_rating=values["sro_rating"],
        start_date=values["start_date"],
        end_date=values["end_date"],
        fy_baseline=values["fy_baseline"],
        fy_forecast=values["fy_forecast"],
        fy_variance_pct=values["fy_variance"],
        whole_life_cost=values["whole_life_cost"],
        benefits=values["benefits"],
        real_prices=parsed.real_prices or parsed.data_date >= FIRST_REAL_TERMS_RELEASE,
    )
    programme, stored = apply_gmpp_record(
        record, source=source, counter=counter, reason=reason, slug=row.link
    )
    for topic, text in values["narratives"].items():
        stored[f"narrative:{topic}"] = upsert(
            Narrative,
            lookup={
                "programme": programme,
                "data_date": parsed.data_date,
                "topic": topic,
            },
            values={"text": text, "source": source},
            counter=counter,
            reason=reason,
        )
    for key, obj in stored.items():
        column = _column_for(key, row.columns)
        Provenance.objects.get_or_create(
            imported_file=imported,
            model_label=obj._meta.label,
            object_id=obj.pk,
            column=column,
            defaults={"row": row.number},
        )


def _column_for(key, columns):
    if key.startswith("narrative:"):
        topic = key.split(":", 1)[1]
        field_name = next(f for f, t in NARRATIVE_TOPICS.items() if t == topic)
        return columns.get(field_name, "")
    if key == "dates":
        return " / ".join(
            c for c in (columns.get("start_date"), columns.get("end_date")) if c
        )
    return columns.get(key, "")


class UndoRefused(Exception):
    pass


def _tracked_models():
    from .models import (
        DeliveryConfidenceAssessment,
        Department,
        FinancialFigure,
        ProgrammeName,
        ScheduleSnapshot,
    )

    return [
        Programme,
        ProgrammeName,
        FinancialFigure,
        DeliveryConfidenceAssessment,
        ScheduleSnapshot,
        Narrative,
        Department,
    ]


@transaction.atomic
def undo_import(imported_file, *, user=None):
    """Undo one import whole: rows it added are deleted, rows it changed get their
    earlier values back; the history records the undo. Refused if anything it
    touched has changed since."""
    if imported_file.undone_at is not None:
        raise UndoRefused(
            f"{imported_file.name} was already undone on {imported_file.undone_at:%d %B %Y}."
        )
    reason = imported_file.change_reason
    records = []
    for model in _tracked_models():
        mine = list(model.history.filter(history_change_reason__startswith=reason))
        touched = {r.id for r in mine}
        if not touched:
            continue
        first = min(r.history_date for r in mine)
        later = (
            model.history.filter(id__in=touched, history_date__gt=first)
            .exclude(history_change_reason__startswith=reason)
            .first()
        )
        if later is not None:
            raise UndoRefused(
                f"{model._meta.verbose_name} #{later.id} was changed after this import "
                f"({later.history_date:%d %B %Y %H:%M}, {later.history_change_reason or 'no reason'}); "
                "undo that first."
            )
        records.extend((model, r) for r in mine)
    undo_reason = f"Undo of {reason}"
    for model, record in sorted(
        records, key=lambda mr: mr[1].history_date, reverse=True
    ):
        current = model.objects.filter(pk=record.id).first()
        if record.history_type == "+" and current is not None:
            current._change_reason = undo_reason
            if user is not None:
                current._history_user = user
            try:
                current.delete()
            except Exception as error:  # ProtectedError: newer data rests on it
                raise UndoRefused(f"{current} cannot be deleted: {error}") from None
        elif record.history_type == "~" and current is not None:
            previous = record.prev_record
            for f in model._meta.concrete_fields:
                # The version is not in the history; saving moves it on.
                if not f.primary_key and f.name != "version":
                    setattr(current, f.attname, getattr(previous, f.attname))
            current._change_reason = undo_reason
            if user is not None:
                current._history_user = user
            current.save()
    imported_file.provenance.all().delete()
    imported_file.undone_at = timezone.now()
    imported_file.save(update_fields=["undone_at"])
    return len(records)
