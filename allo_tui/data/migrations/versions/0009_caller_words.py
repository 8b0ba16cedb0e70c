"""PostgreSQL: the words of each caller's name and address, one row each, for the lookup.

A trigram index finds "% dup%" but rechecks every row holding a common trigram: at a million
callers a short or common word ("gros", "le") cost tens of milliseconds. `caller_words` holds
each folded word (`search_names` and `search_address` split at blanks), kept by a trigger in
the writing transaction; a word typed is then a range of a B-tree (`word LIKE 'gros%'`), and
the planner can also walk the callers in id order checking their words (index on caller_id,
word) when the word is common. SQLite keeps its FTS5 index: nothing changes there.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WORDS = (
    "SELECT DISTINCT {row}.id, word FROM regexp_split_to_table("
    "btrim(coalesce({row}.search_names, '') || ' ' || coalesce({row}.search_address, '')),"
    " '\\s+') AS word WHERE word <> ''"
)

PG_UPGRADE = [
    """CREATE TABLE caller_words (
        caller_id integer NOT NULL REFERENCES callers (id) ON DELETE CASCADE,
        word text NOT NULL,
        PRIMARY KEY (caller_id, word)
    )""",
    "CREATE INDEX ix_caller_words_word ON caller_words (word text_pattern_ops, caller_id)",
    f"""CREATE FUNCTION allo_caller_words() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            DELETE FROM caller_words WHERE caller_id = NEW.id;
        END IF;
        INSERT INTO caller_words (caller_id, word) {_WORDS.format(row="NEW")};
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER callers_words_insert AFTER INSERT ON callers
        FOR EACH ROW EXECUTE FUNCTION allo_caller_words()""",
    """CREATE TRIGGER callers_words_update AFTER UPDATE OF search_names, search_address
        ON callers FOR EACH ROW EXECUTE FUNCTION allo_caller_words()""",
    f"INSERT INTO caller_words (caller_id, word) {_WORDS.format(row='c')}".replace(
        "regexp_split_to_table(", "callers AS c, regexp_split_to_table(", 1
    ),
    "ANALYZE caller_words",
]

PG_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS callers_words_update ON callers",
    "DROP TRIGGER IF EXISTS callers_words_insert ON callers",
    "DROP FUNCTION IF EXISTS allo_caller_words()",
    "DROP TABLE IF EXISTS caller_words",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for statement in PG_UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for statement in PG_DOWNGRADE:
        op.execute(statement)
