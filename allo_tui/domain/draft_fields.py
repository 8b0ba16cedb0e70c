"""The new-request form as a draft: the fields `DraftKeeper` writes and a restored draft puts back.

A draft row holds JSON (`RequestDraft.to_fields`); reading one back (`RequestDraft.from_fields`)
accepts what an older or damaged draft holds: a value of the wrong type is read as the form's
default, never raised on (a draft must not stop the console that restores it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from allo_tui.domain.records import Channel, Kind

DRAFT_VERSION = 1
"""The shape of the fields (written in every draft)."""
DEFAULT_URGENCY = 3
"""The form's urgency before a category sets it."""


@dataclass(frozen=True)
class RequestDraft:
    """What the new-request form holds, as typed (the ids are what the boxes stand for)."""

    phone: str = ""
    name: str = ""
    caller_id: int | None = None
    """The caller the call is linked to (chosen, or restored before its record is read)."""
    anonymous: bool = False
    force_new: bool = False
    """Ctrl+N: a new caller even on a known number."""
    category_id: int | None = None
    category_text: str = ""
    street_number: str = ""
    street: str = ""
    landmark: str = ""
    urgency: int = DEFAULT_URGENCY
    service_id: int | None = None
    service_text: str = ""
    description: str = ""
    channel: str = Channel.PHONE.value
    kind: str = Kind.INTERVENTION.value
    call_started_at: datetime | None = None
    call_start_unreadable: bool = False
    """Read back only: the draft said when the call started, in a form that cannot be read."""

    def holds_input(self) -> bool:
        """True when something was typed or chosen (worth a draft and a question)."""
        if self.caller_id is not None:
            return True
        texts = (
            self.phone,
            self.name,
            self.category_text,
            self.street,
            self.street_number,
            self.landmark,
            self.description,
        )
        return any(text.strip() for text in texts)

    def to_fields(self) -> dict[str, Any]:
        """The draft row's content, JSON-safe."""
        started = self.call_started_at
        return {
            "version": DRAFT_VERSION,
            "phone": self.phone,
            "name": self.name,
            "caller_id": self.caller_id,
            "anonymous": self.anonymous,
            "force_new": self.force_new,
            "category_id": self.category_id,
            "category_text": self.category_text,
            "street_number": self.street_number,
            "street": self.street,
            "landmark": self.landmark,
            "urgency": self.urgency,
            "service_id": self.service_id,
            "service_text": self.service_text,
            "description": self.description,
            "channel": self.channel,
            "kind": self.kind,
            "call_started_at": started.isoformat() if started else None,
        }

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> RequestDraft:
        """A draft row's content read back (see the module's docstring for bad values)."""

        def text(key: str) -> str:
            return str(fields.get(key) or "")

        def identifier(key: str) -> int | None:
            value = fields.get(key)
            return value if isinstance(value, int) else None

        started, unreadable = None, False
        raw_started = fields.get("call_started_at")
        if isinstance(raw_started, str):
            try:
                started = datetime.fromisoformat(raw_started)
            except ValueError:
                unreadable = True
        urgency = fields.get("urgency")
        channel = fields.get("channel")
        kind = fields.get("kind")
        return cls(
            phone=text("phone"),
            name=text("name"),
            caller_id=identifier("caller_id"),
            anonymous=bool(fields.get("anonymous")),
            force_new=bool(fields.get("force_new")),
            category_id=identifier("category_id"),
            category_text=text("category_text"),
            street_number=text("street_number"),
            street=text("street"),
            landmark=text("landmark"),
            urgency=urgency if urgency in (1, 2, 3, 4) else DEFAULT_URGENCY,
            service_id=identifier("service_id"),
            service_text=text("service_text"),
            description=text("description"),
            channel=channel if _member_of(Channel, channel) else Channel.PHONE.value,
            kind=kind if _member_of(Kind, kind) else Kind.INTERVENTION.value,
            call_started_at=started,
            call_start_unreadable=unreadable,
        )


def _member_of(enum: type[Channel] | type[Kind], value: Any) -> bool:
    return isinstance(value, str) and value in {member.value for member in enum}
