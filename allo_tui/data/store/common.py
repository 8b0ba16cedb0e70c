"""What the Store's areas share: backend-neutral constants (the plain SQL inserts are in
`writes`, the row shapes in `allo_tui.data.rows`)."""

from __future__ import annotations

from allo_tui.domain.records import HistoryFilter

IDEMPOTENCY_KEY_LIMIT = 200
"""The longest idempotency key a client may send with a new request."""
NO_FILTER = HistoryFilter()
"""The history with no filter."""
CALLER_FIELDS = (
    "surname",
    "given_name",
    "email",
    "street_number",
    "street",
    "address_extra",
    "postcode",
    "city",
    "neighbourhood",
    "notes",
    "contact_preference",
)
"""The caller fields `update_caller` may change."""
