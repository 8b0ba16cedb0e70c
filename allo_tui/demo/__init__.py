"""Demo data: a plausible history of the citizen line, from Auxerre-sized to city-sized.

`build_demo(path)` fills a freshly migrated database with operators, callers and their phone
numbers, requests with their whole history of events, and every call handled (with or without a
request). The default is one year of Auxerre: about 6,000 calls, 4,500 requests and 3,000
callers. `callers=1_000_000, requests=5_000_000` builds five years of a large city.

How it stays fast at that scale: Python only computes small lookup tables (the working days,
names, streets, texts, and a few thousand *life-cycle templates* of a request: which events
happen, how long after the call, with which status); SQLite expands them set-based with
`INSERT ... SELECT`, every random choice being a deterministic hash of a row number. The rows
are therefore the same for a given seed and `now`, whichever process computes them, which lets
the work be split in two processes on a 2-core machine:

- this process writes the requests and their events into the target file, then its indexes;
- a second process computes the callers, their phone numbers and the calls, and the three
  full-text indexes, in a scratch file (the text indexed is produced by the INSERT of the
  migration's own triggers, read from `sqlite_master`); the rows and the FTS5 shadow tables are
  then copied into the target.

The indexes and triggers are dropped for the load and recreated from the very SQL read in
`sqlite_master`, so the schema stays identical to the migrated one. Everything is written in one
transaction: an interrupted build leaves the database as it was.

The modules, in the order of a build:

- `build`: `build_demo`, the one transaction on the target; `target`: what the target holds
  before; `schema`: the SQL the load drops and recreates; `progress`: the progress bar;
- `plan`, with `lookups`, `lifecycles` and `operators`: everything computed in Python;
  `sample_text`: the French text (data only); `constants`: figures shared by every step;
- `hashes`: random choices as hashes of row numbers; `statements`: the base of the runner
  (layers, lookup tables, calls); `callers` and `requests`: the INSERT ... SELECT of each
  table; `runner`: all the steps, and the search indexes;
- `side_process`: the second process and its scratch file.

Nothing here imports Textual (checked by `lint-imports`). Names with a leading underscore are
private to the package; this module exports what the CLI and the benchmark use.
"""

from allo_tui.demo.build import DemoSummary, build_demo
from allo_tui.demo.constants import DEMO_SETTING

__all__ = ["DEMO_SETTING", "DemoSummary", "build_demo"]
