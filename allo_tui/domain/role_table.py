"""The role x action table as the README shows it, generated from the workflow's actions and
the screens' access rules (a test keeps the README equal to it)."""

from __future__ import annotations

from allo_tui.domain.access import SCREEN_ACCESS, Reach
from allo_tui.domain.bulk import BULK_ACTIONS, may_bulk
from allo_tui.domain.records import OPEN_STATUSES, Role, Status
from allo_tui.domain.workflow import ACTIVE_STATUSES, TRANSITIONS, Action, permitted_statuses

_ALL_STATUSES = frozenset(Status)
_STATUS_ORDER = tuple(Status)


def _statuses_text(statuses: frozenset[Status]) -> str:
    if not statuses:
        return "—"
    if statuses == _ALL_STATUSES:
        return "any status"
    if statuses == OPEN_STATUSES:
        return "open"
    if statuses == ACTIVE_STATUSES:
        return "open*"
    return ", ".join(status.value for status in _STATUS_ORDER if status in statuses)


_TABLE_ROLES = (Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN, Role.SERVICE)


def role_table_rows() -> list[tuple[str, tuple[str, ...]]]:
    """The role x action table as text: (screen or action, one cell per role of
    `_TABLE_ROLES`). An action's cell lists the statuses it may start from."""
    rows: list[tuple[str, tuple[str, ...]]] = []
    for rule in SCREEN_ACCESS.values():
        key = f"{rule.key} " if rule.key else ""
        cells = []
        for role in _TABLE_ROLES:
            reach = rule.reach.get(role)
            cells.append("—" if reach is None else "yes" if reach is Reach.ALL else "own services")
        rows.append((f"screen: {key}{rule.label}", tuple(cells)))
    for action in Action:
        cells = []
        for role in _TABLE_ROLES:
            statuses = permitted_statuses(action, role)
            text = _statuses_text(statuses)
            if action is Action.WAIT and role is Role.OPERATOR and statuses:
                text += " (for the citizen only)"
            if role is Role.SERVICE and statuses:
                text += " (own services)"
            cells.append(text)
        rows.append((f"{action.value} ({TRANSITIONS[action].label})", tuple(cells)))
    # Space marks requests in the history or on the board, Ctrl+B acts on them all; each one
    # is then allowed as its action's row says, else skipped (`allo_tui.domain.bulk`).
    bulk_actions = ", ".join(action.value for action in BULK_ACTIONS)
    rows.append(
        (
            f"bulk: {bulk_actions} on marked requests (Actions groupées)",
            tuple("F4, F5" if may_bulk(role) and role.is_ranked else "—" for role in _TABLE_ROLES),
        )
    )
    return rows


def role_table_markdown() -> str:
    """The role x action table in Markdown, as the README shows it."""
    lines = [
        "| screen or action | " + " | ".join(role.value for role in _TABLE_ROLES) + " |",
        "|---|" + "---|" * len(_TABLE_ROLES),
    ]
    for what, cells in role_table_rows():
        lines.append(f"| {what} | " + " | ".join(cells) + " |")
    lines += ["", WAITING_NOTE]
    return "\n".join(lines) + "\n"


WAITING_NOTE = (
    "\\* = open but waiting. On a waiting request every action but a note, an acknowledgement"
    " and `resume` first resumes the status it had, and is allowed when it is allowed from"
    " that status."
)
