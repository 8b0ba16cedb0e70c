"""The SQL the load drops and recreates, read from the migrated database itself."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from allo_tui.data.backend.sqlite.connect import is_fts_internal
from allo_tui.data.errors import DatabaseFileError
from allo_tui.demo.constants import _SEARCH_SOURCES, _SEARCH_TABLES, _SIDE_TABLES


@dataclass
class _Schema:
    """The SQL of what the load drops and recreates, and of what the scratch file needs."""

    indexes: list[tuple[str, str]]  # (table, CREATE INDEX ...)
    triggers: list[str]
    tables: dict[str, str]  # CREATE TABLE of the side tables
    search_tables: list[str]  # CREATE VIRTUAL TABLE of the FTS5 tables
    search_fills: dict[str, str]  # FTS table -> INSERT ... SELECT ... FROM {source} AS new

    def indexes_on(self, tables: tuple[str, ...], *, but: bool = False) -> list[str]:
        """The indexes of `tables` (`but`: of the others tables but the side tables)."""
        if but:
            skip = set(tables) | set(_SIDE_TABLES)
            return [sql for table, sql in self.indexes if table not in skip]
        return [sql for table, sql in self.indexes if table in tables]


_TRIGGER_INSERT = re.compile(
    r"INSERT\s+INTO\s+(\w+)\s*\(([^)]*)\)\s*VALUES\s*\((.*)\)\s*;\s*END\s*$",
    re.IGNORECASE | re.DOTALL,
)


def _read_schema(connection: sqlite3.Connection) -> _Schema:
    rows = connection.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
    ).fetchall()
    schema = _Schema([], [], {}, [], {})
    for kind, name, table, sql in rows:
        if kind == "index" and not is_fts_internal(table):
            schema.indexes.append((table, sql))
        elif kind == "trigger":
            schema.triggers.append(sql)
        elif kind == "table" and name in _SIDE_TABLES:
            schema.tables[name] = sql
        elif kind == "table" and name in _SEARCH_TABLES:
            schema.search_tables.append(sql)
    # The text each search index receives: the INSERT of the trigger that indexes a new row,
    # turned into INSERT ... SELECT over a source aliased `new`.
    for kind, _name, table, sql in rows:
        if kind != "trigger" or not re.search(r"\bAFTER\s+INSERT\b", sql, re.IGNORECASE):
            continue
        match = _TRIGGER_INSERT.search(sql)
        if match and match.group(1) in _SEARCH_TABLES and _SEARCH_SOURCES[match.group(1)] == table:
            target, columns, values = match.groups()
            schema.search_fills[target] = (
                f"INSERT INTO {target} ({columns}) SELECT {values} FROM {{source}} AS new"
            )
    missing = [t for t in _SEARCH_TABLES if t not in schema.search_fills]
    if missing or len(schema.tables) != len(_SIDE_TABLES) or len(schema.search_tables) != 3:
        raise DatabaseFileError(
            "schéma inattendu : tables ou déclencheurs de recherche absents"
            f" ({', '.join(missing) or 'tables'})"
        )
    return schema


def _drop(connection: sqlite3.Connection, schema: _Schema) -> None:
    """Drop the explicit indexes and every trigger for the load."""
    rows = connection.execute(
        "SELECT type, name, tbl_name FROM sqlite_master"
        " WHERE type IN ('index', 'trigger') AND sql IS NOT NULL"
    ).fetchall()
    for kind, name, table in rows:
        if kind == "index" and is_fts_internal(table):
            continue
        quoted = '"' + name.replace('"', '""') + '"'
        connection.execute(f"DROP {'INDEX' if kind == 'index' else 'TRIGGER'} {quoted}")
