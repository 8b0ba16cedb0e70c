"""The French labels of the domain's values, one source for every screen and command.

Each screen keeps its own sentences in its `*_texts` module; the names of statuses, urgency
levels, channels, kinds of request and timeline events are shared, and live here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from allo_tui.domain.records import CallOutcome, Channel, EventKind, Kind, Status

STATUS_LABELS: Mapping[Status, str] = MappingProxyType(
    {
        Status.NEW: "Nouvelle",
        Status.ACKNOWLEDGED: "Accusée",
        Status.ASSIGNED: "Affectée",
        Status.IN_PROGRESS: "En cours",
        Status.PLANNED: "Programmée",
        Status.WAITING: "En attente",
        Status.TRANSFERRED: "Transmise",
        Status.DONE: "Terminée",
        Status.CLOSED: "Clôturée",
        Status.REJECTED: "Sans suite",
        Status.DUPLICATE: "Doublon",
        Status.CANCELLED: "Annulée",
    }
)
"""French label of every status."""

URGENCY_LABELS: Mapping[int, str] = MappingProxyType(
    {1: "Immédiate", 2: "Urgente", 3: "Normale", 4: "Sans intervention"}
)
"""French label of every urgency level."""

CHANNEL_LABELS: Mapping[Channel, str] = MappingProxyType(
    {
        Channel.PHONE: "téléphone",
        Channel.COUNTER: "accueil",
        Channel.EMAIL: "courriel",
        Channel.LETTER: "courrier",
        Channel.MOBILE_TEAM: "équipe mobile",
        Channel.WEB: "internet",
    }
)
"""How a request reached the town hall, as said within a sentence ("par téléphone")."""

KIND_LABELS: Mapping[Kind, str] = MappingProxyType(
    {
        Kind.INTERVENTION: "Demande d'intervention",
        Kind.COMPLAINT: "Doléance",
        Kind.REMARK: "Remarque",
        Kind.INFORMATION: "Information",
    }
)
"""French label of every kind of request."""

EVENT_LABELS: Mapping[EventKind, str] = MappingProxyType(
    {
        EventKind.CREATED: "Création",
        EventKind.STATUS: "Statut",
        EventKind.NOTE: "Note",
        EventKind.ASSIGNMENT: "Affectation",
        EventKind.ACKNOWLEDGEMENT: "Accusé de réception",
        EventKind.MERGE: "Doublon",
        EventKind.REPORTED_AGAIN: "Signalée à nouveau",
        EventKind.EDIT: "Modification",
    }
)
"""French label of every kind of timeline event."""

ACKNOWLEDGEMENT_LABELS: Mapping[str, str] = MappingProxyType(
    {"phone": "téléphone", "letter": "courrier", "email": "courriel"}
)
"""How an acknowledgement was given."""

CALL_OUTCOME_LABELS: Mapping[str, str] = MappingProxyType(
    {
        CallOutcome.REQUEST_CREATED: "Demande enregistrée",
        CallOutcome.FOLLOW_UP: "Rappel sur une demande",
        CallOutcome.INFORMATION: "Information donnée",
        CallOutcome.TRANSFERRED: "Transféré",
        CallOutcome.WRONG_NUMBER: "Faux numéro",
        CallOutcome.HUNG_UP: "Raccroché",
        CallOutcome.ORIENTED: "Orienté ailleurs",
    }
)
"""How a call ended (exports, the review)."""


def capitalised(label: str) -> str:
    """A label as it starts a line or a choice ("téléphone" -> "Téléphone")."""
    return label[:1].upper() + label[1:]
