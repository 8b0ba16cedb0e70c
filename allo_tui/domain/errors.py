"""Errors the Store and the domain raise; each carries a French message fit for the user."""

from __future__ import annotations

from datetime import datetime


class AlloError(Exception):
    """Base of every expected error: `str(error)` is shown to the user as it is."""


class ValidationError(AlloError):
    """Bad input for one field: the form shows `message` beside `field`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class SharedNumberError(ValidationError):
    """A new caller's number is held by several known callers: one must be chosen."""

    def __init__(self, number: str, holders: list[tuple[int, str]]) -> None:
        names = ", ".join(name for _id, name in holders)
        super().__init__(
            "caller",
            f"Le numéro {number} est celui de {len(holders)} demandeurs ({names}) :"
            " choisissez le demandeur, ou créez-en un nouveau.",
        )
        self.number = number
        self.caller_ids = tuple(caller_id for caller_id, _name in holders)
        self.names = tuple(name for _id, name in holders)


class NotFoundError(AlloError):
    """The row asked for does not exist (or no longer)."""


class UnknownOperatorError(AlloError):
    """A login that is not an operator of this database."""

    def __init__(self, login: str) -> None:
        super().__init__(
            f"opérateur inconnu : {login!r}. Un administrateur peut l'ajouter avec "
            f"« allo operator add {login} --role operator|supervisor|admin »"
        )
        self.login = login


class StaleWriteError(AlloError):
    """Someone else changed the row since it was read: the write is refused, nothing lost."""

    def __init__(self, what: str, who: str, when: datetime | None, local_time: str = "") -> None:
        at = f" à {local_time}" if local_time else ""
        super().__init__(
            f"{what} modifiée par {who}{at} depuis son ouverture ; rechargée, rien n'a été écrasé"
        )
        self.who = who
        self.when = when
        self.local_time = local_time
