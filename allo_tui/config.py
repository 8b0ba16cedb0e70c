"""Settings read from the command line, the environment and the config files.

The database is, in order: `--db`, else `ALLO_DB`, else `database` in the user config file,
else in the site config file, else `allo.sqlite3` in the user data dir. The demo database
ignores all of that (DESIGN §6).
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import msgspec

from allo_tui import paths


class ConfigError(Exception):
    """A config file that cannot be read; `str()` is one line for the user."""


class DatabaseChoice(msgspec.Struct, frozen=True):
    """Where the database is and why (shown by `allo db path`)."""

    path: Path | str  # a file, or a server's URL (`postgresql://…`, kept as typed)
    source: str  # "--db", "ALLO_DB", "user config", "site config", "default", "demo"
    shared: bool = False  # a site database for several OS users (0660 / 2770)

    @property
    def is_server(self) -> bool:
        """True for a database on a server (a URL), False for a file."""
        return isinstance(self.path, str)

    @property
    def label(self) -> str:
        """The database as messages show it (a URL without its password)."""
        from allo_tui.data.backend.urls import redacted

        return redacted(self.path) if isinstance(self.path, str) else str(self.path)


class FileConfig(msgspec.Struct, frozen=True):
    database: str | None = None
    shared: bool = False
    operator: str | None = None
    keymap: dict[str, str] = msgspec.field(default_factory=dict)
    smtp: dict[str, object] = msgspec.field(default_factory=dict)


class SmtpConfig(msgspec.Struct, frozen=True):
    """The `[smtp]` table of the config file: where `allo replies send` sends e-mail. The
    password is never in the database nor in the file itself: it is read from the environment
    variable `password_env` names, or from the file `password_file` names."""

    sender: str
    host: str = "localhost"
    port: int = 25
    starttls: bool = False
    ssl: bool = False
    login: str = ""
    password_env: str = ""
    password_file: str = ""
    timeout: float = 30.0

    def password(self) -> str:
        """The password, from the environment or its file ("" when none is configured)."""
        if self.password_env:
            value = os.environ.get(self.password_env)
            if value is None:
                raise ConfigError(f"[smtp] password_env : variable {self.password_env} absente")
            return value
        if self.password_file:
            try:
                return Path(self.password_file).expanduser().read_text(encoding="utf-8").strip()
            except OSError as error:
                raise ConfigError(f"[smtp] password_file illisible : {error}") from None
        return ""


def smtp_config() -> SmtpConfig | None:
    """The `[smtp]` table of the user's config file, else the site's; None when neither has
    one."""
    for file in (paths.user_config_file(), paths.site_config_file()):
        table = read_config_file(file).smtp
        if table:
            values = {("sender" if key == "from" else key): value for key, value in table.items()}
            try:
                return msgspec.convert(values, SmtpConfig, strict=False)
            except msgspec.ValidationError as error:
                raise ConfigError(f"{file} : [smtp] {error}") from None
    return None


def read_config_file(path: Path) -> FileConfig:
    """Read one TOML config file; a missing file is an empty config."""
    try:
        with open(path, "rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        return FileConfig()
    except OSError as error:
        raise ConfigError(f"fichier de configuration illisible {path} : {error}") from None
    import tomllib  # most consoles have no config file: not imported for them

    try:
        data = tomllib.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"fichier de configuration illisible {path} : {error}") from None
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict):
        raise ConfigError(f'{path} : [keymap] doit être une table id = "touche"')
    database = data.get("database")
    smtp = data.get("smtp", {})
    if not isinstance(smtp, dict):
        raise ConfigError(f"{path} : [smtp] doit être une table (host, port, from…)")
    return FileConfig(
        database=str(database) if database else None,
        shared=bool(data.get("shared", False)),
        operator=data.get("operator"),
        keymap={str(k): str(v) for k, v in keymap.items()},
        smtp=smtp,
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


# -- key map checks -------------------------------------------------------------------------

KEYMAP_TEXTS = {
    "unknown": '[keymap] "{id}" : identifiant de touche inconnu (F1 montre ceux de chaque écran)',
    "empty": '[keymap] "{id}" : aucune touche donnée',
    "typing": (
        '[keymap] "{id}" = "{key}" refusé : une touche de caractère servirait à cette action '
        "au lieu de s'écrire dans les champs"
    ),
    "clash": (
        '[keymap] "{id}" = "{key}" refusé : {key_shown} est déjà « {other} » ({other_id}) '
        "{where} ; choisissez une touche libre"
    ),
    "where_everywhere": "partout",
    "where_screen": "sur l'écran {screen}",
}


class BoundKey(msgspec.Struct, frozen=True):
    """One key binding as declared: its id (None: not remappable), key and description."""

    binding_id: str | None
    key: str
    description: str
    priority: bool = False


class KeyScope(msgspec.Struct, frozen=True):
    """The keys that work together: the app's (everywhere) or one screen's with its widgets."""

    name: str
    keys: tuple[BoundKey, ...]
    everywhere: bool = False


def check_keymap(
    mapping: dict[str, str], scopes: list[KeyScope]
) -> tuple[dict[str, str], list[str]]:
    """(the remaps to apply, one French line per remap refused).

    A remap is refused when its id is unknown, when it gives a printable character to a key
    acted on before the text boxes see it (a priority key), or when its key is already bound,
    after the whole key map, to another action where the remapped one works: an app key
    (everywhere) against every screen, a screen key against its screen and the app's keys.
    """

    def keys_in_force(bound: BoundKey) -> list[str]:
        if bound.binding_id is not None and bound.binding_id in mapping:
            return _split_keys(mapping[bound.binding_id])
        return [bound.key]

    accepted: dict[str, str] = {}
    refusals: list[str] = []
    for binding_id, value in mapping.items():
        homes = [s for s in scopes if any(k.binding_id == binding_id for k in s.keys)]
        if not homes:
            refusals.append(KEYMAP_TEXTS["unknown"].format(id=binding_id))
            continue
        new_keys = _split_keys(value)
        if not new_keys:
            refusals.append(KEYMAP_TEXTS["empty"].format(id=binding_id))
            continue
        priority = any(k.priority for s in homes for k in s.keys if k.binding_id == binding_id)
        everywhere = any(s.everywhere for s in homes)
        refusal = None
        for key in new_keys:
            if (priority or everywhere) and len(key) == 1 and key.isprintable():
                refusal = KEYMAP_TEXTS["typing"].format(id=binding_id, key=value)
                break
        if refusal is None:
            reach = scopes if everywhere else [*homes, *(s for s in scopes if s.everywhere)]
            refusal = _clash(binding_id, value, new_keys, reach, keys_in_force)
        if refusal is None:
            accepted[binding_id] = value
        else:
            refusals.append(refusal)
    return accepted, refusals


def _clash(binding_id, value, new_keys, reach, keys_in_force) -> str | None:
    for scope in reach:
        for other in scope.keys:
            if other.binding_id == binding_id:
                continue
            taken = set(keys_in_force(other)) & set(new_keys)
            if taken:
                where = (
                    KEYMAP_TEXTS["where_everywhere"]
                    if scope.everywhere
                    else KEYMAP_TEXTS["where_screen"].format(screen=scope.name)
                )
                return KEYMAP_TEXTS["clash"].format(
                    id=binding_id,
                    key=value,
                    key_shown=sorted(taken)[0].upper(),
                    other=other.description or other.key,
                    other_id=other.binding_id or "non modifiable",
                    where=where,
                )
    return None


def _split_keys(value: str) -> list[str]:
    return [key.strip() for key in value.split(",") if key.strip()]


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


def _as_path(value: str) -> Path | str:
    """A file path, or a PostgreSQL URL kept as typed (its password never shown)."""
    if "://" in value:
        from allo_tui.data.backend.urls import is_postgresql_url, redacted

        if value.startswith("sqlite:///"):
            return Path(value.removeprefix("sqlite:///")).expanduser()
        if is_postgresql_url(value):
            return value
        raise ConfigError(
            f"base {redacted(value)!r} : moteur non pris en charge (un chemin de fichier SQLite"
            " ou postgresql://utilisateur@serveur:5432/base)"
        )
    return Path(value).expanduser()
