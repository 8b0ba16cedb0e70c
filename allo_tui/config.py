"""Settings read from the command line, the environment and the config files.

The database is, in order: `--db`, else `ALLO_DB`, else `database` in the user config file,
else in the site config file, else `allo.sqlite3` in the user data dir. The demo database
ignores all of that (DESIGN §6).
"""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from allo_tui import paths


class ConfigError(Exception):
    """A config file that cannot be read; `str()` is one line for the user."""


@dataclass(frozen=True)
class DatabaseChoice:
    """Where the database is and why (shown by `allo db path`)."""

    path: Path
    source: str  # "--db", "ALLO_DB", "user config", "site config", "default", "demo"
    shared: bool = False  # a site database for several OS users (0660 / 2770)


@dataclass(frozen=True)
class FileConfig:
    database: str | None = None
    shared: bool = False
    operator: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)


def read_config_file(path: Path) -> FileConfig:
    """Read one TOML config file; a missing file is an empty config."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return FileConfig()
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"fichier de configuration illisible {path} : {error}") from None
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict):
        raise ConfigError(f'{path} : [keymap] doit être une table id = "touche"')
    database = data.get("database")
    return FileConfig(
        database=str(database) if database else None,
        shared=bool(data.get("shared", False)),
        operator=data.get("operator"),
        keymap={str(k): str(v) for k, v in keymap.items()},
    )


def resolve_database(cli_db: str | None, *, demo: bool = False) -> DatabaseChoice:
    """Apply the DESIGN §6 order to find the database."""
    if demo:
        if cli_db:
            return DatabaseChoice(_as_path(cli_db), "--db")
        return DatabaseChoice(paths.demo_database(), "demo")
    if cli_db:
        return DatabaseChoice(_as_path(cli_db), "--db")
    env = os.environ.get("ALLO_DB")
    if env:
        return DatabaseChoice(_as_path(env), "ALLO_DB")
    for source, file in (
        ("user config", paths.user_config_file()),
        ("site config", paths.site_config_file()),
    ):
        config = read_config_file(file)
        if config.database:
            return DatabaseChoice(_as_path(config.database), source, shared=config.shared)
    return DatabaseChoice(paths.default_database(), "default")


def keymap() -> dict[str, str]:
    """Key remapping by binding id: user config over site config."""
    merged: dict[str, str] = {}
    for file in (paths.site_config_file(), paths.user_config_file()):
        merged.update(read_config_file(file).keymap)
    return merged


def resolve_operator_login(cli_operator: str | None) -> str:
    """`--operator`, else `ALLO_OPERATOR`, else the config file, else the OS login."""
    if cli_operator:
        return cli_operator
    env = os.environ.get("ALLO_OPERATOR")
    if env:
        return env
    for file in (paths.user_config_file(), paths.site_config_file()):
        configured = read_config_file(file).operator
        if configured:
            return configured
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in this environment
        return "operateur"


def _as_path(value: str) -> Path:
    if "://" in value:
        if value.startswith("sqlite:///"):
            return Path(value.removeprefix("sqlite:///")).expanduser()
        raise ConfigError(
            f"base {value!r} : seul SQLite est pris en charge pour l'instant (chemin de fichier)"
        )
    return Path(value).expanduser()
