"""Passwords of served logins (`allo serve`): rules, a slow salted hash, and the verdict of a
login attempt.

The hash is the standard library's scrypt with a random salt; its parameters are stored in
the hash string (`scrypt$n$r$p$salt$hash`, base64), so they can be raised later: a hash made
with weaker ones is remade at the next good login (`needs_rehash`). Comparison is constant-time
(`hmac.compare_digest`). A password is never logged, printed or kept in an error message.
"""

from __future__ import annotations

import base64
import os
import unicodedata
from datetime import datetime, timedelta
from enum import StrEnum

import msgspec

from allo_tui.domain.errors import AlloError, UnknownOperatorError, ValidationError

SCHEME = "scrypt"
N, R, P = 2**15, 8, 1
"""scrypt's cost (CPU/memory), block size and parallelism: ~32 MiB and ~0.1 s per hash."""
SALT_BYTES = 16
KEY_BYTES = 32
MAX_MEMORY = 256 * 1024 * 1024

MIN_LENGTH = 8
MAX_LENGTH = 256
MAX_FAILURES = 5
"""Failures in a row that lock a login."""
LOCK_DURATION = timedelta(minutes=15)

TEXTS = {
    "too_short": "Mot de passe trop court : au moins {minimum} caractères.",
    "too_long": "Mot de passe trop long : au plus {maximum} caractères.",
    "blank": "Mot de passe fait de blancs seulement : choisissez-en un autre.",
    "control": "Le mot de passe contient un caractère de contrôle (touche non imprimable).",
    "is_login": "Le mot de passe ne peut pas être l'identifiant.",
    "wrong": "Identifiant ou mot de passe incorrect.",
    "disabled": "Cet identifiant est désactivé : voyez un administrateur.",
    "locked": (
        "Trop d'essais manqués : identifiant bloqué jusqu'à {until} (heure de Paris) ;"
        " un administrateur peut le débloquer."
    ),
}


class DisabledOperatorError(UnknownOperatorError):
    """A login an admin disabled: refused everywhere (console, commands, `allo serve`)."""

    def __init__(self, login: str) -> None:
        AlloError.__init__(
            self,
            f"identifiant désactivé : {login!r} ; un administrateur peut le réactiver avec"
            f" « allo operator enable {login} »",
        )
        self.login = login


class LastAdminError(ValidationError):
    """Disabling the last active admin would leave nobody to administer the site."""

    def __init__(self, login: str) -> None:
        super().__init__(
            "login",
            f"{login!r} est le dernier administrateur actif : ajoutez-en un autre avant de le"
            " désactiver",
        )


def normalised(password: str) -> str:
    """The password as hashed: Unicode NFC (a browser and a terminal may compose an accent
    differently)."""
    return unicodedata.normalize("NFC", password)


def check_password_rules(password: str, login: str = "") -> None:
    """Raise ValidationError (field "password") when `password` is not acceptable."""
    password = normalised(password)
    if any(unicodedata.category(ch) == "Cc" for ch in password):
        raise ValidationError("password", TEXTS["control"])
    if not password.strip():
        raise ValidationError("password", TEXTS["blank"])
    if len(password) < MIN_LENGTH:
        raise ValidationError("password", TEXTS["too_short"].format(minimum=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        raise ValidationError("password", TEXTS["too_long"].format(maximum=MAX_LENGTH))
    if login and password.casefold() == login.strip().casefold():
        raise ValidationError("password", TEXTS["is_login"])


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    import hashlib  # OpenSSL loads with the first password checked, not with every console

    return hashlib.scrypt(
        normalised(password).encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=MAX_MEMORY,
        dklen=length,
    )


def hash_password(password: str, salt: bytes | None = None) -> str:
    """A new salted hash of `password`, with the current parameters written in it. The salt
    is random; only the demo gives its own (its passwords are public and its data repeatable)."""
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    key = _scrypt(password, salt, N, R, P, KEY_BYTES)
    return f"{SCHEME}${N}${R}${P}${_b64(salt)}${_b64(key)}"


def _parse(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        return None
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, key = base64.b64decode(parts[4], validate=True), base64.b64decode(parts[5])
    except ValueError:
        return None
    if n < 2 or n & (n - 1) or r < 1 or p < 1 or not key:
        return None
    return n, r, p, salt, key


_DUMMY = f"{SCHEME}${N}${R}${P}${_b64(bytes(SALT_BYTES))}${_b64(bytes(KEY_BYTES))}"
"""A hash nothing matches: checked for an unknown login, so it takes as long as a known one."""


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches the hash `stored`; False for "" (no password set) or a
    hash that cannot be read. Takes a hash's time in every case."""
    if not stored or _parse(stored) is None:
        waste_time(password)
        return False
    return _parse_and_check(password, stored)


def _parse_and_check(password: str, stored: str) -> bool:
    parsed = _parse(stored)
    if parsed is None:
        return False
    n, r, p, salt, key = parsed
    try:
        candidate = _scrypt(password, salt, n, r, p, len(key))
    except (ValueError, MemoryError):
        return False
    import hmac

    return hmac.compare_digest(candidate, key)


def waste_time(password: str) -> None:
    """Spend a hash's time (an unknown login answers as slowly as a known one)."""
    _parse_and_check(password, _DUMMY)


def needs_rehash(stored: str) -> bool:
    """True when `stored` was made with weaker parameters than today's."""
    parsed = _parse(stored)
    if parsed is None:
        return True
    n, r, p, _salt, key = parsed
    return n < N or r < R or p < P or len(key) < KEY_BYTES


class Refusal(StrEnum):
    """Why a login was refused."""

    WRONG = "wrong"
    """Unknown login, wrong password or none set: one message for all three."""
    DISABLED = "disabled"
    LOCKED = "locked"


class LoginRefused(msgspec.Struct, frozen=True):
    """A refused login: why, the French message for the user, and the end of a lockout."""

    reason: Refusal
    message: str
    locked_until: datetime | None = None


def refusal(
    reason: Refusal, locked_until: datetime | None = None, local_time: str = ""
) -> LoginRefused:
    """The refusal for `reason`; a lockout names its end (`local_time`, Paris time)."""
    text = TEXTS[reason.value]
    if reason is Refusal.LOCKED:
        text = text.format(until=local_time)
    return LoginRefused(reason, text, locked_until)
