"""The request detail's rules that need no screen: a duration as a hostess reads it, the
fields of an edit event, how the acknowledgement is most likely given."""

from __future__ import annotations

from datetime import timedelta

from allo_tui.domain.records import Channel, ContactPreference

ACK_PREFERENCES = {
    ContactPreference.PHONE: "phone",
    ContactPreference.LETTER: "letter",
    ContactPreference.EMAIL: "email",
}
"""The caller's contact preference as the acknowledgement's default "how"."""
ACK_BY_CHANNEL = {Channel.EMAIL: "email", Channel.LETTER: "letter"}
"""Without a preference (anonymous, or "none"), a request that came by mail is answered so."""


def format_span(delta: timedelta) -> str:
    """A duration as a hostess reads it: "2 j 4 h", "3 h 05", "12 min"."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} j {hours} h" if hours else f"{days} j"
    if hours:
        return f"{hours} h {minutes:02d}"
    return f"{minutes} min"


def field_changes(old: str, new: str) -> list[str]:
    """An edit's "Label : before · Label : after" values as one "Label : before → after" line
    per field; values in another shape are shown as they are."""
    before = dict(part.split(" : ", 1) for part in old.split(" · ") if " : " in part)
    after = dict(part.split(" : ", 1) for part in new.split(" · ") if " : " in part)
    if not after or set(before) != set(after):
        return [text for text in (old, new) if text]
    return [f"{label} : {before[label]} → {value}" for label, value in after.items()]


def acknowledgement_how(preference: ContactPreference, channel: Channel) -> str:
    """How the acknowledgement is most likely given: the caller's contact preference, else the
    way the request came (courriel, courrier), else the phone."""
    if preference in ACK_PREFERENCES:
        return ACK_PREFERENCES[preference]
    return ACK_BY_CHANNEL.get(channel, "phone")
