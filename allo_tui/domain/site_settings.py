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
        """The value as an administrator reads it (the default when never set)."""
        value = self.default if stored is None else _loads(stored)
        if self.kind == "json":
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        return str(value)


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
    )
)
register(SettingSpec("yearly_volume", "Volume annuel estimé (demandes)", "int", 5000, _positive))
register(SettingSpec("retention_years", "Durée de conservation (années)", "int", 3, _positive))
