"""`allo db copy`: a whole database moved between any two backends (SQLite file, PostgreSQL).

The source is read in one consistent snapshot (one read transaction: it may be live), table
by table in the order of their foreign keys, in batches; the destination is written in one
transaction, so a copy that fails leaves it as it was. Values are carried in the stored forms
(timestamps as UTC text, booleans as booleans) and each row's search columns are written
anew by the destination's backend (each engine indexes its own way). Afterwards the
destination's id sequences are moved past the copied ids, and every table's row count and
checksum are compared between the two databases.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from allo_tui.data.backend import Backend, open_backend
from allo_tui.data.errors import DatabaseFileError

BATCH = 5_000
"""Rows read and written per statement."""
APPEND_ONLY = ("events", "audit")
"""Tables whose triggers refuse DELETE."""
OWN_ROWS = ("operators", "callers", "requests", "calls", "drafts")
"""Tables the migrations never fill: a destination holding rows there is not empty."""


@dataclass(frozen=True)
class TableCopy:
    """What was copied of one table, and its checksum (the same on both sides)."""

    name: str
    rows: int
    checksum: str


Progress = Callable[[str, int, int], None]
"""Told (table, rows done in it, its total) as batches are written."""


WRITTEN_BY_TRIGGERS = ("change_counters", "review_dirty")
"""Tables the destination's triggers write to as rows arrive: copied last, the source's rows
replacing them (the review's figures and the days to count again describe the same rows)."""


def _tables():
    """The tables in the order of their foreign keys; those written by triggers last."""
    from allo_tui.data.models import Base

    tables = list(Base.metadata.sorted_tables)
    return [t for t in tables if t.name not in WRITTEN_BY_TRIGGERS] + [
        t for t in tables if t.name in WRITTEN_BY_TRIGGERS
    ]


def _label(target: Path | str) -> str:
    from allo_tui.data.backend.urls import redacted

    return redacted(target) if isinstance(target, str) else str(target)


def _stored_time(value):
    """A timestamp in the stored text form, whatever the driver gave."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, str) and len(value) == 19:
        return value + ".000000"
    return value


class _Shape:
    """How the rows of one table are read, converted and written."""

    def __init__(self, table, destination: Backend) -> None:
        from sqlalchemy import Boolean, DateTime, Integer

        self.name = table.name
        self.columns = [column.name for column in table.columns]
        self.key = [column.name for column in table.primary_key.columns]
        key = table.columns[self.key[0]]
        self.serial = (
            key.name
            if isinstance(key.type, Integer)
            and len(self.key) == 1
            and self.name != "reference_counters"
            else None
        )
        self.times = {i for i, c in enumerate(table.columns) if isinstance(c.type, DateTime)} | {
            i for i, c in enumerate(table.columns) if type(c.type).__name__ == "UTCDateTime"
        }
        self.booleans = {i for i, c in enumerate(table.columns) if isinstance(c.type, Boolean)}
        self.destination = destination

    def batches(self, connection) -> Iterable[list[tuple]]:
        """The table's rows in key order, BATCH at a time (keyset: flat memory)."""
        # A key of several columns (operator_services) is compared as a row value.
        key = ", ".join(self.key)
        after = f"({key}) > ({', '.join('?' * len(self.key))})" if len(self.key) > 1 else ""
        positions = [self.columns.index(column) for column in self.key]
        select = f"SELECT {', '.join(self.columns)} FROM {self.name}"
        last: tuple | None = None
        while True:
            if last is None:
                sql, params = f"{select} ORDER BY {key} LIMIT ?", (BATCH,)
            else:
                sql = f"{select} WHERE {after or f'{key} > ?'} ORDER BY {key} LIMIT ?"
                params = (*last, BATCH)
            rows = connection.execute(sql, params).fetchall()
            if not rows:
                return
            yield rows
            if len(rows) < BATCH:
                return
            last = tuple(rows[-1][position] for position in positions)

    def insert(self) -> str:
        marks = ", ".join("?" * len(self.columns))
        return f"INSERT INTO {self.name} ({', '.join(self.columns)}) VALUES ({marks})"

    def normal(self, row: tuple) -> tuple:
        """The row in stored forms: the same on both engines (checksums compare these)."""
        values = list(row)
        for i in self.times:
            values[i] = _stored_time(values[i])
        for i in self.booleans:
            values[i] = None if values[i] is None else bool(values[i])
        return tuple(values)

    def written(self, row: tuple) -> tuple:
        """The row as the destination stores it: its search columns written anew."""
        values = dict(zip(self.columns, self.normal(row), strict=True))
        if self.name == "callers":
            names, address = self.destination.caller_search_texts(
                *(
                    values[c]
                    for c in (
                        "surname",
                        "given_name",
                        "street_number",
                        "street",
                        "address_extra",
                        "postcode",
                        "city",
                    )
                )
            )
            values["search_names"], values["search_address"] = names, address
        elif self.name == "requests":
            description, location = self.destination.request_search_texts(
                *(values[c] for c in ("description", "street_number", "street", "landmark"))
            )
            values["search_description"], values["search_location"] = description, location
        return tuple(values[c] for c in self.columns)

    def checked(self, row: tuple) -> tuple:
        """The row without its search columns (each engine fills them its own way)."""
        skip = {"search_names", "search_address", "search_description", "search_location"}
        return tuple(
            v for c, v in zip(self.columns, self.normal(row), strict=True) if c not in skip
        )


def _digest(rows: Iterable[tuple]) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    for row in rows:
        digest.update(repr(row).encode())
        count += 1
    return count, digest.hexdigest()


def copy_database(
    source: Path | str,
    destination: Path | str,
    *,
    replace: bool = False,
    progress: Progress | None = None,
) -> list[TableCopy]:
    """Copy every row of `source` into `destination` (created or migrated to the same schema
    first); a destination holding its own rows is refused unless `replace`. Returns what was
    copied, table by table, once the counts and checksums of both sides agree."""
    from allo_tui.data.schema import HEAD_REVISION, prepare_database

    if _label(source) == _label(destination):
        raise DatabaseFileError("la source et la destination sont la même base")
    prepare_database(source, create=False, read_only=True)
    if isinstance(destination, Path) and destination.exists() and replace:
        _remove_file(destination)
    prepare_database(destination, create=True, initialise_empty=True)
    source_backend, destination_backend = open_backend(source), open_backend(destination)
    try:
        return _copy(source_backend, destination_backend, replace, progress, HEAD_REVISION)
    finally:
        source_backend.close()
        destination_backend.close()


def _remove_file(path: Path) -> None:
    for name in (str(path), f"{path}-wal", f"{path}-shm", f"{path}-journal"):
        try:
            Path(name).unlink()
        except FileNotFoundError:
            pass


def _copy(source: Backend, destination: Backend, replace, progress, revision) -> list[TableCopy]:
    shapes = [_Shape(table, destination) for table in _tables()]
    copied: list[TableCopy] = []
    with source.read() as reader, destination.write() as writer:
        held = [
            name
            for name in OWN_ROWS
            if writer.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        ]
        if held and not replace:
            raise DatabaseFileError(
                f"{destination.label} n'est pas vide (tables {', '.join(held)}) :"
                " --replace pour la remplacer"
            )
        _clear_append_only(writer, destination)
        for shape in reversed(shapes):
            if shape.name not in APPEND_ONLY:
                writer.execute(f"DELETE FROM {shape.name}")
        for shape in shapes:
            if shape.name in WRITTEN_BY_TRIGGERS:
                writer.execute(f"DELETE FROM {shape.name}")
            total = reader.execute(f"SELECT count(*) FROM {shape.name}").fetchone()[0]
            done = 0
            digest = hashlib.sha256()
            for rows in shape.batches(reader):
                writer.executemany(shape.insert(), [shape.written(row) for row in rows])
                for row in rows:
                    digest.update(repr(shape.checked(row)).encode())
                done += len(rows)
                if progress is not None:
                    progress(shape.name, done, total)
            if progress is not None and done == 0:
                progress(shape.name, 0, 0)
            copied.append(TableCopy(shape.name, done, digest.hexdigest()))
        _move_sequences(writer, destination, shapes)
    _compare(destination, shapes, copied)
    return copied


def _clear_append_only(writer, destination: Backend) -> None:
    """Events and the audit are append-only (a trigger refuses DELETE): a replaced
    destination's rows go with TRUNCATE on PostgreSQL; a replaced SQLite file was created
    anew."""
    for table in APPEND_ONLY:
        if writer.execute(f"SELECT count(*) FROM {table}").fetchone()[0]:
            if destination.path is not None:
                raise DatabaseFileError(f"{destination.label} : la table {table} ne s'efface pas")
            writer.execute(f"TRUNCATE {table}")


def _move_sequences(writer, destination: Backend, shapes: list[_Shape]) -> None:
    """PostgreSQL: each id sequence past the copied ids (SQLite follows max(rowid) itself)."""
    if destination.path is not None:
        return
    for shape in shapes:
        if shape.serial is None:
            continue
        writer.execute(
            f"SELECT setval(pg_get_serial_sequence('{shape.name}', '{shape.serial}'),"
            f" coalesce((SELECT max({shape.serial}) FROM {shape.name}), 0) + 1, false)"
        )


def _compare(destination: Backend, shapes: list[_Shape], copied: list[TableCopy]) -> None:
    """Read the destination back: every table's count and checksum must match the source's."""
    with destination.read() as reader:
        for shape, expected in zip(shapes, copied, strict=True):
            count, checksum = _digest(
                shape.checked(row) for rows in shape.batches(reader) for row in rows
            )
            if (count, checksum) != (expected.rows, expected.checksum):
                raise DatabaseFileError(
                    f"copie incohérente pour la table {shape.name} : {expected.rows} lignes lues,"
                    f" {count} relues dans la destination (sommes de contrôle différentes)"
                )
