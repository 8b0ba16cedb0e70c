"""The rows of the table: what each figure is, its unit and its target (from issue 7).

Only the targets live here; every value and floor is measured at run time.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Target:
    """A promise: `value < limit`, `value >= limit`, `value == 0` or `ratio <= limit`."""

    kind: str  # "below" | "at_least" | "zero" | "ratio_at_most"
    limit: float = 0.0
    unit: str = ""

    @property
    def text(self) -> str:
        if self.kind == "below":
            return f"< {_number(self.limit)} {self.unit}".strip()
        if self.kind == "at_least":
            return f"≥ {_number(self.limit)} {self.unit}".strip()
        if self.kind == "zero":
            return "0"
        if self.kind == "ratio_at_most":
            return f"≤ {_number(self.limit)}× floor"
        raise ValueError(self.kind)

    def met(self, value: float | None, ratio: float | None) -> bool | None:
        if self.kind == "ratio_at_most":
            return None if ratio is None or math.isnan(ratio) else ratio <= self.limit
        if value is None or math.isnan(value):
            return None
        if self.kind == "below":
            return value < self.limit
        if self.kind == "at_least":
            return value >= self.limit
        if self.kind == "zero":
            return value == 0
        raise ValueError(self.kind)


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:g}"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    target: Target | None = None
    floor_label: str = ""


HISTORY_FILTERS = (
    ("none", "no filter"),
    ("text", "text"),
    ("status", "status"),
    ("urgency", "urgency"),
    ("category", "category"),
    ("service", "service"),
    ("street", "street"),
    ("dates", "date range"),
    ("late", "late only"),
    ("caller", "one caller"),
)
WRITER_COUNTS = (2, 4)
POSTGRESQL_WRITER_COUNTS = (2, 4, 8)

RAW_SQL = "same SQL, stdlib sqlite3"
MINIMAL_APP = "minimal Textual app"
MINIMAL_REPAINT = "minimal Textual app, full-screen repaint"


def _figures(writer_counts: tuple[int, ...] = WRITER_COUNTS) -> list[Figure]:
    figures = [
        Figure(
            "startup",
            "start-up to first usable screen, median",
            "s",
            Target("ratio_at_most", 1.25),
            MINIMAL_APP,
        ),
        Figure("lookup.p50", "caller lookup, Store p50", "ms", None, RAW_SQL),
        Figure("lookup.p99", "caller lookup, Store p99", "ms", Target("below", 10, "ms"), RAW_SQL),
        Figure(
            "keystroke.p95",
            "lookup, keystroke to rendered table p95",
            "ms",
            Target("below", 100, "ms"),
            MINIMAL_APP,
        ),
        Figure(
            "paste.description",
            "1 MB paste into the description, to form usable (median)",
            "ms",
            Target("below", 1000, "ms"),
        ),
        Figure(
            "paste.one_line",
            "1 MB paste into a one-line box, to form usable (median)",
            "ms",
            Target("below", 1000, "ms"),
        ),
        Figure("save.p50", "save a request p50", "ms", None, "raw single-row insert"),
        Figure(
            "save.p99",
            "save a request p99",
            "ms",
            Target("below", 20, "ms"),
            "raw single-row insert",
        ),
    ]
    for key, label in HISTORY_FILTERS:
        figures.append(
            Figure(
                f"history.{key}.p99",
                f"history first window p99, {label}",
                "ms",
                Target("below", 50, "ms"),
                RAW_SQL,
            )
        )
    figures += [
        Figure(
            "detail.p99",
            "request detail with 50 events p99",
            "ms",
            Target("below", 20, "ms"),
            RAW_SQL,
        ),
        Figure("board.query.p99", "board query p99", "ms", Target("below", 20, "ms"), RAW_SQL),
        Figure(
            "board.visible.p95",
            "board change-to-visible, other process p95",
            "ms",
            Target("below", 1000, "ms"),
        ),
        Figure(
            "board.render.p95",
            "board render after change p95",
            "ms",
            Target("below", 300, "ms"),
            MINIMAL_REPAINT,
        ),
        Figure(
            "board.idle_cpu",
            "`allo board` idle CPU",
            "% core",
            Target("below", 2, "% core"),
            MINIMAL_APP,
        ),
        Figure(
            "board.idle_rss",
            "`allo board` idle RSS",
            "MB",
            Target("below", 150, "MB"),
            MINIMAL_APP,
        ),
    ]
    for count in writer_counts:
        figures += [
            Figure(f"writers.{count}.rate", f"{count} writer processes, requests/s", "/s"),
            Figure(
                f"writers.{count}.errors", f"{count} writer processes, errors", "", Target("zero")
            ),
            Figure(
                f"writers.{count}.lost", f"{count} writer processes, lost rows", "", Target("zero")
            ),
        ]
    figures += [
        Figure(
            "demo.rate",
            "demo generation, callers + requests per second",
            "/s",
            # 1M callers + 5M requests in under 5 minutes.
            Target("at_least", 20_000, "/s"),
        ),
        Figure("demo.seconds", "demo generation, whole build", "s", Target("below", 300, "s")),
        Figure("export.csv.rate", "export requests CSV, rows per second", "/s"),
        Figure(
            "export.csv.peak_rss",
            "export requests CSV, peak memory",
            "MB",
            # Flat memory: batches, whatever the number of requests.
            Target("below", 150, "MB"),
        ),
        Figure("review.rebuild", "review: every day's figures counted and kept", "s"),
        Figure(
            "review.year",
            "review: year view as F8 opens it (this year and the last)",
            "ms",
            Target("below", 2000, "ms"),
            RAW_SQL,
        ),
        Figure("review.report", "`allo report --year`, HTML and CSV files", "ms", None, RAW_SQL),
    ]
    return figures


FIGURES: tuple[Figure, ...] = tuple(_figures())
POSTGRESQL_FIGURES: tuple[Figure, ...] = tuple(_figures(POSTGRESQL_WRITER_COUNTS))
"""The figures of `--backend postgresql`: the same, with 8 writer processes too."""
BY_KEY = {figure.key: figure for figure in POSTGRESQL_FIGURES + FIGURES}


@dataclass
class Row:
    """One measured line of the table."""

    key: str
    figure: str
    unit: str
    value: float | None
    target: str = "—"
    floor: float | None = None
    floor_label: str = ""
    ratio: float | None = None
    met: bool | None = None
    samples: int = 0
    note: str = ""
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        data = asdict(self)
        for name in ("value", "floor", "ratio"):
            if isinstance(data[name], float) and math.isnan(data[name]):
                data[name] = None
        return data


def make_row(
    key: str,
    value: float | None,
    *,
    floor: float | None = None,
    samples: int = 0,
    note: str = "",
    target: Target | None | str = "default",
    label: str | None = None,
    extra: dict | None = None,
) -> Row:
    """A row for figure `key`: the ratio to the floor and met/missed are worked out here."""
    figure = BY_KEY[key]
    if target == "default":
        target = figure.target
    ratio = None
    if value is not None and floor is not None and floor > 0 and not math.isnan(value):
        ratio = value / floor
    return Row(
        key=key,
        figure=label or figure.label,
        unit=figure.unit,
        value=value,
        target=target.text if isinstance(target, Target) else "—",
        floor=floor,
        floor_label=figure.floor_label if floor is not None else "",
        ratio=ratio,
        met=target.met(value, ratio) if isinstance(target, Target) else None,
        samples=samples,
        note=note,
        extra=extra or {},
    )


def missing_row(key: str, reason: str) -> Row:
    """A row that could not be measured in this run (the table says why)."""
    figure = BY_KEY[key]
    return Row(
        key=key,
        figure=figure.label,
        unit=figure.unit,
        value=None,
        target=figure.target.text if figure.target else "—",
        met=False if figure.target else None,
        note=f"not measured: {reason}",
    )
