"""One set of length limits (allo_tui.domain.limits) for the form, the CLI and the Store.

A gateway sending a 100 kB `--name` used to get it stored in full while the form capped the
same field at 120: every way in now refuses what the form cannot hold.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from allo_tui.cli import main
from allo_tui.domain import limits
from allo_tui.domain.errors import ValidationError
from allo_tui.domain.records import NewCaller, NewRequest

HUGE = "x" * 100_000


def count(db: Path, table: str) -> int:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        connection.close()


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("ALLO_DB", raising=False)
    monkeypatch.setenv("ALLO_OPERATOR", "passerelle")
    db = tmp_path / "allo.sqlite3"
    assert CliRunner().invoke(main, ["--db", str(db), "db", "init"]).exit_code == 0
    return db


@pytest.mark.parametrize(
    ("option", "limit"),
    [
        ("--name", 120),
        ("--street", 200),
        ("--landmark", 200),
        ("--number", 12),
        ("--phone", 40),
        ("--description", 4000),
        ("--category", 120),
    ],
)
def test_request_add_refuses_an_oversized_option_in_one_line(cli_db: Path, option, limit):
    arguments = {"--category": "voirie", "--description": "Nid de poule", option: HUGE}
    command = ["--db", str(cli_db), "request", "add"]
    for name, value in arguments.items():
        command += [name, value]

    result = CliRunner().invoke(main, command)

    assert result.exit_code == 2
    assert result.stdout == ""
    shown_limit = f"{limit:,}".replace(",", "\u202f")  # 4 000
    assert result.stderr.splitlines() == [
        f"allo: {option} : 100\u202f000 caractères, {shown_limit} au plus"
    ]
    assert limits.LIMITS[_field(option)] == limit
    assert count(cli_db, "requests") == 0
    assert count(cli_db, "callers") == 0


def _field(option: str) -> str:
    return {"--number": "street_number"}.get(option, option.removeprefix("--"))


def test_request_add_accepts_values_at_the_limit(cli_db: Path):
    result = CliRunner().invoke(
        main,
        ["--db", str(cli_db), "request", "add", "--category", "voirie"]
        + ["--description", "d" * 4000, "--name", "N" * 120, "--street", "s" * 200]
        + ["--landmark", "l" * 200, "--number", "1" * 12, "--phone", "0" * 40],
    )

    assert result.exit_code == 0, result.stderr
    assert count(cli_db, "requests") == 1


@pytest.mark.parametrize(
    "field",
    ["surname", "given_name", "email", "street", "address_extra", "postcode", "city", "notes"],
)
def test_the_store_refuses_a_new_caller_field_beyond_its_limit(store, operator, db_path, field):
    too_long = "é" * (limits.LIMITS[field] + 1)
    category = store.find_category("VOIRIE")

    with pytest.raises(ValidationError) as refused:
        store.create_request(
            operator,
            NewRequest(
                category_id=category.id,
                description="x",
                new_caller=NewCaller(**{field: too_long}),
            ),
        )
    with pytest.raises(ValidationError):
        store.create_caller(operator, NewCaller(**{field: too_long}))

    assert refused.value.field == field
    assert refused.value.message.startswith(f"{limits.LABELS[field]} : ")
    assert count(db_path, "requests") == 0
    assert count(db_path, "callers") == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("street_number", "1" * 13),
        ("street", "s" * 201),
        ("landmark", "l" * 201),
        ("description", "d" * 4001),
    ],
)
def test_the_store_refuses_a_request_field_beyond_its_limit(store, operator, db_path, field, value):
    category = store.find_category("VOIRIE")
    fields = {"description": "x", field: value}

    with pytest.raises(ValidationError) as refused:
        store.create_request(operator, NewRequest(category_id=category.id, **fields))

    assert refused.value.field == field
    assert count(db_path, "requests") == 0


def test_the_store_refuses_an_edited_caller_with_an_oversized_field_or_number(
    store, operator, db_path
):
    caller = store.create_caller(operator, NewCaller(surname="Dupont"))

    with pytest.raises(ValidationError) as name:
        store.update_caller(operator, caller.id, caller.version, surname="D" * 121)
    with pytest.raises(ValidationError) as phone:
        store.update_caller(operator, caller.id, caller.version, phones=["0" * 41])

    assert (name.value.field, phone.value.field) == ("surname", "phone")
    assert store.get_caller(caller.id).surname == "Dupont"


def test_a_value_stored_before_the_limits_does_not_block_editing_the_rest(store, operator, db_path):
    caller = store.create_caller(operator, NewCaller(surname="Dupont", phones=("03 86 12 34 56",)))
    connection = sqlite3.connect(db_path)
    try:
        connection.execute("UPDATE callers SET street_number = ?", ("1" * 16,))
        connection.commit()
    finally:
        connection.close()
    caller = store.get_caller(caller.id)

    saved = store.update_caller(
        operator,
        caller.id,
        caller.version,
        phones=["03 86 12 34 56"],
        surname="Dupond",
        street_number=caller.street_number,
    )

    assert (saved.surname, saved.street_number) == ("Dupond", "1" * 16)
