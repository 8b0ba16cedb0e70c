"""The base of the generating statements: one connection, its lookup tables, common table
expressions in layers, and every call as a function of its number.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from allo_tui.demo.constants import _CHUNK, _WORK
from allo_tui.demo.hashes import _BLOCK, _S, _VARIANTS, _before, _digits, _h
from allo_tui.demo.plan import _Plan
from allo_tui.demo.progress import _Progress

_LOOKUP_DDL = {
    "demo_days": "d INTEGER PRIMARY KEY, midnight INT, utc_offset INT, first_k INT, n INT,"
    " p1 INT, l1 INT, p2 INT, l2 INT, p3 INT, cap INT, year INT, ack_due TEXT, first_rid INT,"
    " clock INT, open_h INT",
    "demo_week": "h INTEGER PRIMARY KEY, open INT, before INT",
    "demo_workhour": "n INTEGER PRIMARY KEY, h INT",
    "demo_services": "id INTEGER PRIMARY KEY, name TEXT, mobile INT",
    "demo_cat_bucket": "b INTEGER PRIMARY KEY, cat INT",
    "demo_cats": "id INTEGER PRIMARY KEY, code TEXT, service INT, urgency INT, n_desc INT,"
    " n_ans INT, autre INT",
    "demo_descs": "cat INT, i INT, text TEXT, PRIMARY KEY (cat, i)",
    "demo_answers": "cat INT, i INT, text TEXT, PRIMARY KEY (cat, i)",
    "demo_showcase": "rid INTEGER PRIMARY KEY, cat INT, urgency INT",
    "demo_targets": "u INTEGER PRIMARY KEY, seconds INT",
    "demo_streets": "i INTEGER PRIMARY KEY, name TEXT, nb TEXT",
    "demo_words": "kind TEXT, i INT, text TEXT, PRIMARY KEY (kind, i)",
    "demo_names": "kind TEXT, i INT, name TEXT, slug TEXT, PRIMARY KEY (kind, i)",
    "demo_surname_bucket": "b INTEGER PRIMARY KEY, i INT",
    "demo_showcase_callers": "id INTEGER PRIMARY KEY, surname TEXT, given TEXT, slug_s TEXT,"
    " slug_g TEXT",
    "demo_hostesses": "i INTEGER PRIMARY KEY, op INT, console TEXT",
    "demo_supervisors": "i INTEGER PRIMARY KEY, op INT",
    "demo_leads": "service INT, i INT, op INT, PRIMARY KEY (service, i)",
    "demo_lead_counts": "service INTEGER PRIMARY KEY, n INT",
    "demo_prefixes": "kind TEXT, i INT, p TEXT, PRIMARY KEY (kind, i)",
    "demo_steps": "tpl INT, seq INT, off INT, kind TEXT, old TEXT, new TEXT, note TEXT,"
    " role TEXT, snap INT, PRIMARY KEY (tpl, seq)",
    "demo_prefix": "tpl INT, L INT, status TEXT, ack_off INT, ack_snap INT, answered INT,"
    " dup INT, close_off INT, close_snap INT, last_off INT, last_role TEXT, last_snap INT,"
    " PRIMARY KEY (tpl, L)",
    "demo_tpl": "tpl INTEGER PRIMARY KEY, n INT, span INT",
    "demo_rank": "m INT, v INT, slot INT, rank INT, PRIMARY KEY (m, v, slot)",
}


class _Statements:
    """What every generating statement needs: the connection, the plan, the progress, the
    layers of common table expressions, the lookup tables and the calls."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        plan: _Plan,
        bar: _Progress | None,
        advance: Callable[[int], None] | None = None,
    ) -> None:
        self.connection = connection
        self.plan = plan
        self._ctes: list[str] = []
        self.advance = advance or (bar.advance if bar is not None else (lambda _amount: None))
        counts = plan.counts
        self.R, self.T, self.C = plan.n_requests, plan.n_calls, plan.n_callers
        self.E = plan.n_before
        self.Cc = self.C - self.E
        self.nv, self.nl = counts["voies"], counts["lieux"]
        self.n_landline, self.n_mobile = counts["landline"], counts["mobile"]

    def execute(self, sql: str, parameters: tuple = ()) -> sqlite3.Cursor:
        return self.connection.execute(sql, parameters)

    def _tick(self, kind: str, rows: float) -> None:
        self.advance(round(_WORK[kind] * rows))

    def _layer(self, select: str) -> str:
        """Name of a common table expression for `select`, computed once per row (a
        co-routine: LIMIT/OFFSET keep it from being flattened, which would evaluate its
        expressions again wherever they are used). Layers are chained by name rather than
        nested, which SQLite's parser would not take that deep; `_with` emits them."""
        name = f"demo_l{len(self._ctes)}"
        self._ctes.append(f"{name} AS ({select} LIMIT -1 OFFSET 0)")
        return name

    def _with(self, statement: str) -> str:
        """`statement` preceded by the layers it uses (and forget them)."""
        sql = f"WITH {', '.join(self._ctes)} {statement}" if self._ctes else statement
        self._ctes = []
        return sql

    # -- lookups ------------------------------------------------------------------------------

    def load_lookups(self) -> None:
        c = self.connection
        for name, columns in _LOOKUP_DDL.items():
            rowid = "" if "INTEGER PRIMARY KEY" in columns.split(",")[0] else " WITHOUT ROWID"
            c.execute(f"CREATE TEMP TABLE {name} ({columns}){rowid}")
            rows = self.plan.tables.get(name, [])
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                c.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
        c.execute("CREATE INDEX demo_days_first_k ON demo_days (first_k)")
        size = max([row[4] for row in self.plan.tables["demo_days"]] + [self.E, _CHUNK])
        c.execute("CREATE TEMP TABLE demo_nums (j INTEGER PRIMARY KEY)")
        c.execute(
            "INSERT INTO demo_nums WITH RECURSIVE s(j) AS"
            " (SELECT 0 UNION ALL SELECT j + 1 FROM s WHERE j + 1 < ?) SELECT j FROM s",
            (size,),
        )
        self._tick("lookups", 1)

    # -- calls: everything about call k is a function of k ----------------------------------

    def _day_chunks(self):
        """Ranges of days with about _CHUNK calls each, and their number of calls."""
        days = self.plan.tables["demo_days"]
        start, total = 0, 0
        for index, row in enumerate(days):
            total += row[4]
            if total >= _CHUNK or index == len(days) - 1:
                yield days[start][0], row[0], total
                start, total = index + 1, 0

    def _caller_case(self, isreq: str = "isreq") -> str:
        """Who made call k, from its columns c0, c1 (callers before and after the call), ka,
        kb (hashes) and isreq: a new caller, an earlier one (the first ones more often: they
        had time to call again), or nobody (anonymous, or not recorded)."""
        E = self.E
        roll, known = _digits("ka", 1, 100), _digits("ka", 100, 1000)
        is_known = (
            f"CASE WHEN {isreq} THEN {known} >= {self.plan.counts['anonymous']}"
            f" WHEN {roll} < 55 THEN {known} < 700 WHEN {roll} < 80 THEN {known} < 600"
            f" WHEN {roll} < 90 THEN {known} < 50 ELSE {known} < 300 END"
        )
        pick = "(kb % 46340) / 46340.0 * (kb / 46340 % 46340) / 46340.0"
        return (
            f"CASE WHEN c1 > c0 THEN {E} + c1 WHEN ({is_known}) AND {E} + c0 > 0"
            f" THEN 1 + CAST(({E} + c0) * {pick} AS INTEGER) ELSE 0 END"
        )

    def _call_hashes(self, k: str) -> str:
        C, T = self.Cc, self.T
        return (
            f"{_before(k, C, T, _S.CALLER_NOISE)} AS c0,"
            f" {_before(f'{k} + 1', C, T, _S.CALLER_NOISE)} AS c1,"
            f" {_h(k, _S.CALL_A)} AS ka, {_h(k, _S.CALL_B)} AS kb"
        )

    @staticmethod
    def _second(k: str) -> str:
        """Seconds after local midnight of call k of day dd: the calls of a day are spread
        over its opening seconds, with a little jitter."""
        pos = (
            f"CAST((({k} - dd.first_k) + ({k} * 40503 % 65536) / 65536.0) * dd.cap / dd.n"
            " AS INTEGER)"
        )
        return (
            f"CASE WHEN {pos} < dd.l1 THEN dd.p1 + {pos} WHEN {pos} < dd.l1 + dd.l2"
            f" THEN dd.p2 + {pos} - dd.l1 ELSE dd.p3 + {pos} - dd.l1 - dd.l2 END"
        )

    def _call_layers(self, days: str) -> str:
        """The calls of the days in a range (two parameters): call number k, time t, the
        request it made (call_rid, 0 for none: exactly R request calls among the T calls, on
        the slots of each block's pattern), a caller's first call (first) and who called."""
        k = "(dd.first_k + n.j)"
        base, m, variant = self._block(f"({k} / {_BLOCK})")
        hashed = self._layer(
            f"SELECT {k} AS k, dd.midnight + {self._second(k)} AS t,"
            f" (SELECT rank FROM demo_rank WHERE m = {m} AND v = {variant}"
            f" AND slot = {k} % {_BLOCK}) AS rank, {base} AS base, {self._call_hashes(k)}"
            f" FROM demo_days dd JOIN demo_nums n ON n.j < dd.n WHERE dd.d BETWEEN {days}"
        )
        return self._layer(
            f"SELECT k, t, c1 > c0 AS first, {self._caller_case('rank IS NOT NULL')} AS caller,"
            f" coalesce(base + rank + 1, 0) AS call_rid, ka FROM {hashed}"
        )

    def _block(self, b: str) -> tuple[str, str, str]:
        """SQL of `_RequestCalls.block`: requests before block b, in it, its variant."""
        R, T = self.R, max(1, self.T)
        base = f"({_BLOCK} * {b} * {R} / {T})"
        m = f"(min({_BLOCK} * {b} + {_BLOCK}, {T}) * {R} / {T} - {base})"
        variant = (
            f"(CASE WHEN {_BLOCK} * {b} + {_BLOCK} > {T} THEN 0"
            f" ELSE 1 + {_h(b, _S.BLOCK)} % {_VARIANTS - 1} END)"
        )
        return base, m, variant

    def _request_call(self, r: str) -> str:
        """SQL: the call k that made request r (the inverse of the blocks' patterns)."""
        R, T = self.R, max(1, self.T)
        b = f"(({r}) * {T} + {_BLOCK * R} - 1) / {_BLOCK * R} - 1"
        base, m, variant = self._block(f"({b})")
        return (
            f"({_BLOCK} * ({b}) + (SELECT slot FROM demo_rank WHERE m = {m} AND v = {variant}"
            f" AND rank = ({r}) - {base} - 1))"
        )

    def _caller_of(self, k: str) -> str:
        """The caller of call `k`, a request call (for the original of a duplicate)."""
        return (
            f"(SELECT {self._caller_case('1')} FROM (SELECT {self._call_hashes('kk')}"
            f" FROM (SELECT {k} AS kk) LIMIT -1 OFFSET 0))"
        )


def _ranges(low: int, high: int, size: int):
    """Inclusive (a, b) ranges covering low..high."""
    while low <= high:
        yield low, min(high, low + size - 1)
        low += size
