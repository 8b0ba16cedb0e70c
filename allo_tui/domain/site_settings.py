"""The registry of the site settings an administrator may change (`allo settings`, F9); the
acknowledgement delay is `ack_working_days` inside `calendar`.

Each known key has a French label, a type, a default and a validation; `parse` turns the text
an administrator typed into the stored text (JSON) or raises `ValidationError`. Other parts
add their keys here with `register(...)` (one `SettingSpec` each).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from allo_tui.domain import calendar_text
from allo_tui.domain.calendar import SiteCalendar
from allo_tui.domain.errors import ValidationError


@dataclass(frozen=True, slots=True)
class SettingSpec:
    """One known setting: `kind` is "text", "int" or "json"; `check` refuses a bad value."""

    key: str
    label: str
    kind: str
    default: Any
    check: Callable[[Any], str | None] | None = None
    part: str | None = None
    """A part of the `calendar` setting (its field in `SiteCalendar.to_dict`), typed and read
    as plain French text through `from_text` and `to_text` (`calendar_text`)."""
    from_text: Callable[[str], Any] | None = None
    to_text: Callable[[Any], str] | None = None
    listed: bool = True
    """False: not in the lists (F9, `allo settings list`), still read and set by its key."""
    hint: str = ""
    """How to type it (an example), shown where it is typed."""

    def parse(self, typed: str) -> str:
        """The stored text (JSON) of a typed value; `ValidationError` when it is refused."""
        value: Any
        if self.kind == "int":
            try:
                value = int(typed.strip())
            except ValueError:
                raise ValidationError(self.key, f"{self.label} : nombre entier attendu") from None
        elif self.kind == "json":
            try:
                value = json.loads(typed)
            except ValueError as error:
                raise ValidationError(self.key, f"{self.label} : JSON invalide ({error})") from None
        else:
            value = typed.strip()
        problem = self.check(value) if self.check else None
        if problem:
            raise ValidationError(self.key, f"{self.label} : {problem}")
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    def shown(self, stored: str | None) -> str:
        """The value as an administrator reads it (the default when never set). For a part of
        the calendar, `stored` is the stored calendar."""
        if self.part is not None and self.to_text is not None:
            return self.to_text(self.part_of(stored))
        value = self.default if stored is None else _loads(stored)
        if self.kind == "json":
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        return str(value)

    def part_of(self, stored_calendar: str | None) -> Any:
        """This part's value in the stored calendar (the default calendar's when absent)."""
        return calendar_dict(stored_calendar)[self.part]

    def parse_part(self, typed: str) -> Any:
        """The JSON-ready value of a typed calendar part; `ValidationError` when refused."""
        assert self.from_text is not None
        try:
            return self.from_text(typed)
        except ValueError as error:
            raise ValidationError(self.key, f"{self.label} : {error}") from None


def calendar_dict(stored: str | None) -> dict[str, Any]:
    """The stored calendar over the default one: every field present."""
    merged = SiteCalendar().to_dict()
    value = _loads(stored) if stored else {}
    if isinstance(value, dict):
        merged.update(value)
    return merged


def _loads(stored: str) -> Any:
    try:
        return json.loads(stored)
    except ValueError:
        return stored


def _positive(value: Any) -> str | None:
    return None if isinstance(value, int) and value > 0 else "doit être supérieur à zéro"


def _not_empty(value: Any) -> str | None:
    return None if value else "ne peut pas être vide"


def _calendar(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "objet JSON attendu"
    try:
        SiteCalendar.from_dict(value)
    except (ValueError, TypeError, KeyError) as error:
        return f"calendrier refusé ({error})"
    return None


SETTINGS: dict[str, SettingSpec] = {}


def register(spec: SettingSpec) -> SettingSpec:
    """Add one known setting to the registry (its key must be new)."""
    if spec.key in SETTINGS:
        raise ValueError(f"setting {spec.key!r} registered twice")
    SETTINGS[spec.key] = spec
    return spec


def spec_of(key: str) -> SettingSpec:
    """The spec of a known key; `ValidationError` for an unknown one."""
    try:
        return SETTINGS[key]
    except KeyError:
        known = ", ".join(sorted(SETTINGS))
        raise ValidationError("key", f"réglage inconnu : {key} (connus : {known})") from None


register(SettingSpec("town_name", "Nom de la commune", "text", "", _not_empty))
register(SettingSpec("letterhead", "En-tête des courriers", "text", ""))
register(SettingSpec("reply_signature", "Signature des réponses", "text", "Le service Allô Mairie"))
register(SettingSpec("reply_to", "Adresse de réponse des courriels (Reply-To)", "text", ""))
register(
    SettingSpec(
        "calendar",
        "Horaires, fermetures et délais cibles par urgence",
        "json",
        SiteCalendar().to_dict(),
        _calendar,
        listed=False,  # shown and changed part by part below; whole (JSON) for scripts
    )
)


def _ack_days(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise ValueError("nombre de jours ouvrés attendu") from None
    if not 0 <= value <= 30:
        raise ValueError("0 à 30 jours ouvrés")
    return value


for _key, _label, _hint, _from_text, _to_text in (
    (
        "opening_hours",
        "Horaires d'ouverture",
        "ex. lun-ven 08:30-12:00 13:30-18:00 ; sam 09:00-12:00",
        calendar_text.parse_opening_hours,
        calendar_text.format_opening_hours,
    ),
    (
        "closure_days",
        "Jours de fermeture",
        "JJ/MM/AAAA, séparés par des virgules",
        calendar_text.parse_closure_days,
        calendar_text.format_closure_days,
    ),
    (
        "urgency_targets",
        "Délais cibles par urgence",
        "ex. 1 : 1 h ; 2 : 1 j ; 3 : 10 j ; 4 : aucun (min, h, j)",
        calendar_text.parse_targets,
        calendar_text.format_targets,
    ),
    ("ack_working_days", "Délai d'accusé de réception (jours ouvrés)", "0 à 30", _ack_days, str),
):
    register(
        SettingSpec(
            _key,
            _label,
            "calendar_part",
            SiteCalendar().to_dict()[_key],
            part=_key,
            from_text=_from_text,
            to_text=_to_text,
            hint=_hint,
        )
    )
register(SettingSpec("yearly_volume", "Appels attendus par an (bilan)", "int", 4000, _positive))
register(SettingSpec("retention_years", "Durée de conservation (années)", "int", 3, _positive))
