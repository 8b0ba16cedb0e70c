"""The figures and table names every step of the demo build shares."""

from __future__ import annotations

DEMO_SETTING = "demo"
"""Settings key that marks a demo database (JSON value `true`)."""

AUXERRE_CALLERS = 3_000
AUXERRE_REQUESTS = 4_500
REQUESTS_PER_YEAR = 1_000_000
"""Above this many requests the history spans several years (references stay per year)."""

_DAY = 86_400
_RECENT = 14 * _DAY  # requests younger than this may be kept open for the board
_POOL = 96  # life-cycle templates per (urgency, acknowledgement, variant)
_CHUNK = 250_000  # rows per statement, for the progress bar
_SEARCH_TABLES = ("caller_search", "phone_search", "request_search")
_SEARCH_SOURCES = {
    "caller_search": "callers",
    "phone_search": "caller_phones",
    "request_search": "requests",
}
_SHADOWS = ("data", "idx", "docsize")  # what holds a contentless FTS5 index
_SIDE_TABLES = ("callers", "caller_phones", "calls")  # computed by the second process
# Relative cost of one row of each step (about 10 µs of a slow core), for the progress bar.
_WORK = {
    "lookups": 1,
    "stage": 3,
    "text": 1.2,
    "requests": 3.5,
    "events": 4,
    "callers": 3,
    "phones": 2,
    "calls": 2,
    "caller_search": 2.5,
    "phone_search": 1,
    "request_search": 6,
    "index": 0.5,
    "copy": 0.3,
}
