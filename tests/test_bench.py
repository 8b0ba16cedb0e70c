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
from bench.rows import FIGURES  # noqa: E402


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
