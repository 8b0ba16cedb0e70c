"""PostgreSQL: the short prefixes of each caller's words and the suffixes of each number's
digits, one row each, for the lookup.

At a million callers a short or common word ("me", "le", "gros") is the start of thousands of
entries of `caller_words` (migration 0009): reading them all, or walking the callers in id
order probing their words, cost tens of milliseconds. `caller_prefixes` holds, for each
caller, every distinct prefix of 2 to PREFIX_MAX letters of the words of `search_names` and
`search_address` (the words of `caller_words`); its B-tree on (prefix, caller_id) answers
"the first callers by id having a word starting with me" as one range of the index. Longer
words stay with `caller_words` (few distinct words share a 5-letter start). A street number
typed with a word ("12 rue du temple") is a rare pair among thousands of callers holding
either: the table also holds the number and each other word of the caller ("12 temple"), whose
key answers "12 temp%" with the few pairs it holds, each one range again.

Phone digits typed ("5196", "03860672") were found by the trigram index of
`caller_phones.search_digits`, which reads long lists for the trigrams most numbers share
("038", "386"), or by walking the numbers in id order when the planner guessed them common.
`phone_suffixes` holds every suffix of 3 digits or more of each digit form of a number: the
numbers holding "5196" are the range "5196…" of its key.

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
NUMBER_DIGITS = 4
"""A street number has this many digits at most (`allo_tui.domain.search.STREET_NUMBER_DIGITS`)."""

PG_UPGRADE = [
    # The distinct prefixes of 2..PREFIX_MAX letters of the words of a caller's search columns
    # (split as `caller_words` splits them); and, for each street number (a word of 1 to
    # NUMBER_DIGITS digits), the number, a blank and each other word but numbers ("12 temple"
    # for "12 rue du temple").
    f"""CREATE FUNCTION allo_caller_prefixes_of(names text, address text) RETURNS SETOF text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        WITH words AS (
            SELECT DISTINCT word FROM regexp_split_to_table(
                btrim(coalesce(names, '') || ' ' || coalesce(address, '')), '\\s+') AS word
            WHERE word <> ''
        )
        SELECT left(word, n) FROM words, generate_series(2, {PREFIX_MAX}) AS n
        WHERE length(word) >= n
        UNION
        SELECT number.word || ' ' || other.word FROM words AS number, words AS other
        WHERE number.word ~ '^[0-9]{{1,{NUMBER_DIGITS}}}$' AND length(other.word) >= 2
            AND other.word !~ '^[0-9]+$'
    $$""",
    # Filled before its key is built (one sort instead of a million index insertions).
    # Compared byte by byte (collation "C"): its key then also answers LIKE '12 temp%'.
    """CREATE TABLE caller_prefixes (
        prefix text COLLATE "C" NOT NULL,
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
    # Every suffix of 3 digits or more of each form of a number's `search_digits`: digits a
    # number holds are the start of one of its suffixes.
    """CREATE FUNCTION allo_phone_suffixes_of(digits text) RETURNS SETOF text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT DISTINCT substr(form, n)
        FROM regexp_split_to_table(btrim(coalesce(digits, '')), '\\s+') AS form,
            generate_series(1, length(form) - 2) AS n
        WHERE form <> ''
    $$""",
    """CREATE TABLE phone_suffixes (
        suffix text COLLATE "C" NOT NULL,
        phone_id integer NOT NULL
    )""",
    """INSERT INTO phone_suffixes (suffix, phone_id)
        SELECT s.suffix, p.id FROM caller_phones AS p,
            allo_phone_suffixes_of(p.search_digits) AS s(suffix)""",
    "ALTER TABLE phone_suffixes ADD PRIMARY KEY (suffix, phone_id)",
    """CREATE FUNCTION allo_phone_suffixes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            TRUNCATE phone_suffixes;
            RETURN NULL;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            DELETE FROM phone_suffixes WHERE phone_id = OLD.id AND suffix IN (
                SELECT allo_phone_suffixes_of(OLD.search_digits));
        END IF;
        IF TG_OP <> 'DELETE' THEN
            INSERT INTO phone_suffixes (suffix, phone_id)
                SELECT s, NEW.id FROM allo_phone_suffixes_of(NEW.search_digits) AS s
                ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER phones_suffixes_insert AFTER INSERT ON caller_phones
        FOR EACH ROW EXECUTE FUNCTION allo_phone_suffixes()""",
    """CREATE TRIGGER phones_suffixes_update AFTER UPDATE OF id, search_digits
        ON caller_phones FOR EACH ROW
        WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.search_digits IS DISTINCT FROM NEW.search_digits)
        EXECUTE FUNCTION allo_phone_suffixes()""",
    """CREATE TRIGGER phones_suffixes_delete AFTER DELETE ON caller_phones
        FOR EACH ROW EXECUTE FUNCTION allo_phone_suffixes()""",
    """CREATE TRIGGER phones_suffixes_truncate AFTER TRUNCATE ON caller_phones
        FOR EACH STATEMENT EXECUTE FUNCTION allo_phone_suffixes()""",
    "ANALYZE phone_suffixes",
]

PG_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS phones_suffixes_truncate ON caller_phones",
    "DROP TRIGGER IF EXISTS phones_suffixes_delete ON caller_phones",
    "DROP TRIGGER IF EXISTS phones_suffixes_update ON caller_phones",
    "DROP TRIGGER IF EXISTS phones_suffixes_insert ON caller_phones",
    "DROP FUNCTION IF EXISTS allo_phone_suffixes()",
    "DROP TABLE IF EXISTS phone_suffixes",
    "DROP FUNCTION IF EXISTS allo_phone_suffixes_of(text)",
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
