"""The benchmark harness runs end to end at a tiny scale and writes every row of its table.

Times are not asserted (they belong to `python -m bench`); only that each figure was measured.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # bench/ is a folder of the repository, not an installed package
    sys.path.insert(0, str(REPO))

from bench import report  # noqa: E402
from bench.rows import FIGURES, POSTGRESQL_FIGURES  # noqa: E402
from bench.run import parse_arguments  # noqa: E402


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("bench")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--scale",
            "tiny",
            "--cache-dir",
            str(folder / "cache"),
            "--results-dir",
            str(folder / "results"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads((folder / "results" / "tiny.json").read_text())


def test_every_row_is_measured(tiny_results: dict) -> None:
    rows = {row["key"]: row for row in tiny_results["rows"]}
    assert list(rows) == [figure.key for figure in FIGURES]
    unmeasured = {key: row["note"] for key, row in rows.items() if row["value"] is None}
    assert unmeasured == {}


def test_rows_with_a_floor_have_it(tiny_results: dict) -> None:
    for row in tiny_results["rows"]:
        figure = next(f for f in FIGURES if f.key == row["key"])
        if figure.floor_label:
            assert row["floor"] is not None and row["floor"] > 0, row["key"]
            assert row["ratio"] is not None, row["key"]


def test_no_writer_lost_a_row(tiny_results: dict) -> None:
    rows = {row["key"]: row for row in tiny_results["rows"]}
    assert rows["writers.2.lost"]["value"] == 0
    assert rows["writers.4.lost"]["value"] == 0


def test_readme_section_is_generated_from_the_json(tiny_results: dict, tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# title\n\n{report.BEGIN}\nold\n{report.END}\n\n## after\n")
    results = {**tiny_results, "scale": "small"}
    assert report.rewrite_readme(readme, [results]) is True
    text = readme.read_text()
    assert "old" not in text
    assert text.startswith("# title\n") and text.endswith("## after\n")
    for row in tiny_results["rows"]:
        assert row["figure"] in text
    assert report.rewrite_readme(readme, [results]) is False


# -- --backend postgresql ----------------------------------------------------------------------


def test_the_backend_option_parses() -> None:
    assert parse_arguments([]).backend == "sqlite"
    arguments = parse_arguments(
        ["--backend", "postgresql", "--postgres-url", "postgresql://u@h/db"]
    )
    assert arguments.backend == "postgresql"
    assert arguments.postgres_url == "postgresql://u@h/db"
    with pytest.raises(SystemExit):
        parse_arguments(["--backend", "oracle"])


@pytest.fixture(scope="module")
def tiny_postgresql_results(tmp_path_factory) -> dict:
    from backends import enabled_backends, server_url

    if "postgresql" not in enabled_backends():
        pytest.skip("ALLO_TEST_BACKENDS leaves PostgreSQL out")
    folder = tmp_path_factory.mktemp("bench-postgresql")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--scale",
            "tiny",
            "--backend",
            "postgresql",
            "--postgres-url",
            server_url(),
            "--cache-dir",
            str(folder / "cache"),
            "--results-dir",
            str(folder / "results"),
            "--strict",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads((folder / "results" / "tiny-postgresql.json").read_text())


def test_a_tiny_postgresql_run_measures_every_database_figure(
    tiny_postgresql_results: dict,
) -> None:
    rows = {row["key"]: row for row in tiny_postgresql_results["rows"]}
    assert tiny_postgresql_results["backend"] == "postgresql"
    assert list(rows) == [figure.key for figure in POSTGRESQL_FIGURES]
    skipped = {key for key, row in rows.items() if "not run on PostgreSQL" in row["note"]}
    assert skipped == {
        "startup",
        "keystroke.p95",
        "paste.description",
        "paste.one_line",
        "board.render.p95",
        "demo.rate",
        "demo.seconds",
    }
    for key, row in rows.items():
        if key in skipped:
            continue
        assert row["value"] is not None, (key, row["note"])
        if row["floor_label"]:
            assert row["floor"] > 0, key
    for count in (2, 4, 8):
        assert rows[f"writers.{count}.errors"]["value"] == 0
        assert rows[f"writers.{count}.lost"]["value"] == 0
    assert rows["lookup.p99"]["floor_label"] == "same SQL, raw psycopg"


def test_the_readme_shows_postgresql_beside_sqlite(
    tiny_results: dict, tiny_postgresql_results: dict, tmp_path: Path
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"{report.BEGIN}\n{report.END}\n")
    sqlite = {**tiny_results, "scale": "small"}
    postgresql = {**tiny_postgresql_results, "scale": "small"}
    assert report.rewrite_readme(readme, [sqlite, postgresql]) is True
    text = readme.read_text()
    assert "### Small scale on PostgreSQL" in text
    assert "| figure | PostgreSQL | SQLite (above) |" in text
    assert "8 writer processes, lost rows" in text
    assert "City-scale PostgreSQL figures are not measured yet." in text


def test_a_run_of_some_groups_keeps_the_other_figures_of_the_last_run_and_says_so(
    tmp_path: Path,
) -> None:
    from bench.run import NOT_RUN, kept_from_previous

    def row(key: str, value, note: str = "") -> dict:
        return {
            "key": key,
            "figure": key,
            "unit": "ms",
            "value": value,
            "target": "—",
            "floor": None,
            "floor_label": "",
            "ratio": None,
            "met": None,
            "samples": 1,
            "note": note,
            "extra": {},
        }

    def results(started_at: str, commit: str, rows: list[dict]) -> dict:
        return {
            "scale": "city",
            "description": "a big city",
            "backend": "postgresql",
            "started_at": started_at,
            "run_seconds": 1.0,
            "machine": {"cpu": "cpu", "cores": 2, "memory": "1 GB", "system": "Linux"},
            "software": {"python": "3", "sqlite": "3", "textual": "8", "commit": commit},
            "rows": rows,
        }

    full = results(
        "2026-12-04T21:20:53+00:00", "d4355e0", [row("lookup.p99", 47.3), row("save.p99", 4.6)]
    )
    lookup = results(
        "2026-12-05T18:00:00+00:00",
        "abc1234",
        [row("lookup.p99", 6.1), row("save.p99", None, NOT_RUN)],
    )

    merged = kept_from_previous(lookup, full, ["lookup"])
    rows = {r["key"]: r for r in merged["rows"]}
    assert rows["lookup.p99"]["value"] == 6.1 and "run" not in rows["lookup.p99"]
    assert rows["save.p99"]["value"] == 4.6
    assert rows["save.p99"]["run"] == "run of 2026-12-04 21:20:53 UTC, commit d4355e0"

    save = results(
        "2026-12-05T18:30:00+00:00",
        "abc1234",
        [row("lookup.p99", None, NOT_RUN), row("save.p99", 4.9)],
    )
    again = {r["key"]: r for r in kept_from_previous(save, merged, ["save"])["rows"]}
    assert again["lookup.p99"]["run"] == "run of 2026-12-05 18:00:00 UTC, commit abc1234"
    assert again["save.p99"]["value"] == 4.9 and "run" not in again["save.p99"]

    readme = tmp_path / "README.md"
    readme.write_text(f"{report.BEGIN}\n{report.END}\n")
    report.rewrite_readme(readme, [merged])
    text = readme.read_text()
    assert "| save.p99 † |" in text
    assert "† kept from the run of 2026-12-04 21:20:53 UTC, commit d4355e0." in text
