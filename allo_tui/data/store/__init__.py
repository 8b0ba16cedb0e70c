"""The Store: the one object screens, commands and the benchmark talk to.

Every public method borrows a connection from the backend (`allo_tui.data.backend`), runs one
transaction of plain SQL and returns frozen records from `allo_tui.domain.records`; it is safe
from worker threads. Writes take the write lock before they read (reference allocation, version
checks), so concurrent consoles never lose a row. Rows become records in one place,
`allo_tui.data.rows`. SQLAlchemy is never imported here: it serves Alembic's migrations only.

Layout: `Store` is one class made of one part per area, each in its own module and each
building on `core.StoreCore` (backend, transactions, clock, calendar, role and staleness
checks). Method names are those callers have always used; a new method goes in the module of
its area:

- `requests`: creating a request, reading one, its events, duplicates and history pages;
- `request_changes`: workflow actions (`apply`, and `apply_in` inside a caller's transaction)
  and requalification (`requalify_in` inside a caller's transaction); `request_actions`: what
  each action changes, checked before writing; `bulk`: supervisors' bulk actions (`apply_bulk`,
  one transaction, a refused request skipped);
- `coded_lists`: the coded outcomes and rejection reasons;
- `callers`: caller search, phone look-ups, creation and edits;
- `board`: open interventions and counts, the wall board's snapshot, the new-request watch;
- `drafts`: form drafts, heartbeats, orphans and claims;
- `operators`: operators and the one at the console;
- `calls`: the call log;
- `catalogue`: categories, services, streets, the demo flag;
- `exports`: `allo export`'s reads in keyset batches, and the audit;
- `imports`: `allo import`'s writes (the street register);
- `personal_data`: callers' personal data (likely duplicates);
- `review`: the review's (bilan) figures for a period;
- `writes`: the plain SQL inserts and checks several areas share; `common`: shared constants.
"""

from __future__ import annotations

from allo_tui.data.rows import normalise_reference
from allo_tui.data.store.board import BoardStore
from allo_tui.data.store.bulk import BulkStore
from allo_tui.data.store.caller_merges import CallerMergeStore
from allo_tui.data.store.callers import CallerStore
from allo_tui.data.store.calls import CallStore
from allo_tui.data.store.catalogue import CatalogueStore
from allo_tui.data.store.coded_lists import CodedListStore
from allo_tui.data.store.drafts import DraftStore
from allo_tui.data.store.exports import ExportStore
from allo_tui.data.store.imports import ImportStore, RequestImportStore
from allo_tui.data.store.operators import OperatorStore
from allo_tui.data.store.personal_data import PersonalDataStore
from allo_tui.data.store.requests import RequestStore
from allo_tui.data.store.review import ReviewStore

__all__ = ["Store", "normalise_reference"]


class Store(
    CatalogueStore,
    CodedListStore,
    OperatorStore,
    CallerStore,
    CallerMergeStore,
    RequestStore,
    BulkStore,
    BoardStore,
    CallStore,
    DraftStore,
    ExportStore,
    ImportStore,
    RequestImportStore,
    PersonalDataStore,
    ReviewStore,
):
    """Façade over one database file. Cheap to create; the engine is made on first use.

    Every method lives in the module of its area (see the package docstring).
    """
