"""Peak memory and time of `import_gmpp` on hostile files, measured from outside
the process (the kernel's peak RSS of a waited-for child), against an idle
`manage.py check`. Builds the files in a temporary folder; writes nothing else.

    .venv/bin/python scripts/measure_import_memory.py
"""

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import bombs  # noqa: E402

MB = 1024 * 1024
CASES = [
    (
        "declared A1:XFD1048576, cells at two corners",
        "corners.xlsx",
        bombs.two_far_cells,
    ),
    (
        "zip bomb: sheet unpacks to 2 GB",
        "bomb_March_2021.xlsx",
        lambda: bombs.inflating_sheet(2048 * MB),
    ),
    (
        "sheet of 45 MB blank space (ratio 1000:1)",
        "ratio_March_2021.xlsx",
        lambda: bombs.inflating_sheet(45 * MB),
    ),
    (
        "20,000 rows x 60 columns, every cell filled, last money cell bad",
        "grid_March_2021.xlsx",
        lambda: bombs.full_grid_xlsx(20_000, 60, money="lots"),
    ),
    (
        "CSV of 500,000 bad rows (14 MB)",
        "rows_March_2021.csv",
        lambda: bombs.many_rows_csv(500_000),
    ),
]


def main():
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        database = f"sqlite:///{folder / 'unused.sqlite3'}"
        _, idle, _, seconds = bombs.run_measured("check", database=database)
        print(f"{'idle manage.py check':60} {idle:7.0f} MB peak  {seconds:5.1f} s")
        for label, name, make in CASES:
            path = folder / name
            path.write_bytes(make())
            code, peak, output, seconds = bombs.run_measured(
                "import_gmpp", "--dry-run", str(path), database=database
            )
            lines = [
                line for line in output.splitlines() if not line.startswith("Warning")
            ]
            said = lines[0][:110] if lines else ""
            print(
                f"{label:60} {peak:7.0f} MB peak (+{peak - idle:.0f})  {seconds:5.1f} s"
                f"  {path.stat().st_size / MB:6.2f} MB on disk  exit {code}\n    {said}"
            )


if __name__ == "__main__":
    main()
