"""PostgreSQL: the short prefixes of each caller's words, one row each, for the lookup.

At a million callers a short or common word ("me", "le", "gros") is the start of thousands of
entries of `caller_words` (migration 0009): reading them all, or walking the callers in id
order probing their words, cost tens of milliseconds. `caller_prefixes` holds, for each
caller, every distinct prefix of 2 to PREFIX_MAX letters of the words of `search_names` and
`search_address` (the words of `caller_words`); its B-tree on (prefix, caller_id) answers
"the first callers by id having a word starting with me" as one range of the index. Longer
words stay with `caller_words` (few callers share a 5-letter start; a common one walks this
table's range of its first PREFIX_MAX letters).

Kept by triggers in the writing transaction, like `caller_words`: on insert, on a change of
the search columns (the old prefixes deleted by their key, the new ones inserted), on delete
(there is no foreign key: its cascade would need a second index on caller_id), and on
TRUNCATE. SQLite keeps its FTS5 prefix index: nothing changes there.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 17:35:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PREFIX_MAX = 4
"""The longest prefix held (`allo_tui.data.backend.postgresql.search.PREFIX_MAX`)."""

PG_UPGRADE = [
    # The distinct prefixes of 2..PREFIX_MAX letters of the words of a caller's search columns
    # (split as `caller_words` splits them).
    f"""CREATE FUNCTION allo_caller_prefixes_of(names text, address text) RETURNS SETOF text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT DISTINCT left(word, n) FROM regexp_split_to_table(
            btrim(coalesce(names, '') || ' ' || coalesce(address, '')), '\\s+') AS word,
            generate_series(2, {PREFIX_MAX}) AS n
        WHERE length(word) >= n
    $$""",
    # Filled before its key is built (one sort instead of a million index insertions).
    """CREATE TABLE caller_prefixes (
        prefix text NOT NULL,
        caller_id integer NOT NULL
    )""",
    "SET LOCAL maintenance_work_mem = '256MB'",
    """INSERT INTO caller_prefixes (prefix, caller_id)
        SELECT p.prefix, c.id FROM callers AS c,
            allo_caller_prefixes_of(c.search_names, c.search_address) AS p(prefix)""",
    "ALTER TABLE caller_prefixes ADD PRIMARY KEY (prefix, caller_id)",
    """CREATE FUNCTION allo_caller_prefixes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            TRUNCATE caller_prefixes;
            RETURN NULL;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            DELETE FROM caller_prefixes WHERE caller_id = OLD.id AND prefix IN (
                SELECT allo_caller_prefixes_of(OLD.search_names, OLD.search_address));
        END IF;
        IF TG_OP <> 'DELETE' THEN
            INSERT INTO caller_prefixes (prefix, caller_id)
                SELECT p, NEW.id FROM allo_caller_prefixes_of(NEW.search_names, NEW.search_address) AS p
                ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER callers_prefixes_insert AFTER INSERT ON callers
        FOR EACH ROW EXECUTE FUNCTION allo_caller_prefixes()""",
    """CREATE TRIGGER callers_prefixes_update AFTER UPDATE OF id, search_names, search_address
        ON callers FOR EACH ROW
        WHEN (OLD.id IS DISTINCT FROM NEW.id
            OR OLD.search_names IS DISTINCT FROM NEW.search_names
            OR OLD.search_address IS DISTINCT FROM NEW.search_address)
        EXECUTE FUNCTION allo_caller_prefixes()""",
    """CREATE TRIGGER callers_prefixes_delete AFTER DELETE ON callers
        FOR EACH ROW EXECUTE FUNCTION allo_caller_prefixes()""",
    """CREATE TRIGGER callers_prefixes_truncate AFTER TRUNCATE ON callers
        FOR EACH STATEMENT EXECUTE FUNCTION allo_caller_prefixes()""",
    "ANALYZE caller_prefixes",
]

PG_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS callers_prefixes_truncate ON callers",
    "DROP TRIGGER IF EXISTS callers_prefixes_delete ON callers",
    "DROP TRIGGER IF EXISTS callers_prefixes_update ON callers",
    "DROP TRIGGER IF EXISTS callers_prefixes_insert ON callers",
    "DROP FUNCTION IF EXISTS allo_caller_prefixes()",
    "DROP TABLE IF EXISTS caller_prefixes",
    "DROP FUNCTION IF EXISTS allo_caller_prefixes_of(text, text)",
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
