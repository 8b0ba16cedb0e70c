"""The benchmark harness: `python -m bench --scale small|city`.

It builds (or reuses, from `bench/cache/`) a demo database at the chosen scale, measures what a
hostess and a supervisor feel — start-up, caller lookup, keystroke to rendered table, saving a
request, history windows, the live board, idle cost, concurrent consoles, demo generation — and
prints one table where every figure sits beside its target and the physical floor measured in
the same run (the same SQL through the stdlib `sqlite3` module, or a minimal Textual app).
Results go to `bench/results/<scale>.json`; `python -m bench.report` rewrites the README's
Performance section from them.

`--backend postgresql` measures the database figures on a PostgreSQL copy of the same dataset
(floors: the same SQL through a plain psycopg connection; see `bench/postgres.py`), into
`bench/results/<scale>-postgresql.json`.

This package is kept free of heavy imports so that `python -m bench.minimal_app` (the start-up
floor) pays for nothing it would not pay anyway.
"""
