"""Database URLs as the user types them, and as messages may show them (never a password).

Kept apart from the PostgreSQL backend so that recognising a URL never imports its driver.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


def is_postgresql_url(target: object) -> bool:
    """True for `postgresql://…` (and the `postgres://` spelling)."""
    text = str(target)
    return "://" in text and text.split("://", 1)[0].lower() in SCHEMES


def libpq_url(url: str) -> str:
    """The URL libpq takes (`postgresql://…`, whatever spelling was typed)."""
    scheme, rest = url.split("://", 1)
    return f"postgresql://{rest}"


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return urlunsplit(parts)
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    user = parts.username or ""
    port = f":{parts.port}" if parts.port else ""
    netloc = f"{user}:***@{host}{port}" if user else f"***@{host}{port}"
    return urlunsplit(parts._replace(netloc=netloc))


def database_name(url: str) -> str:
    """The database's name in the URL ("" when libpq would take the user's name)."""
    return urlsplit(libpq_url(url)).path.lstrip("/")


def with_database(url: str, name: str) -> str:
    """The same server and credentials, another database."""
    parts = urlsplit(libpq_url(url))
    return urlunsplit(parts._replace(path=f"/{name}"))
