"""Every file location of allo in one place, resolved when first asked (never at import)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "allo-tui"
DATABASE_NAME = "allo.sqlite3"
DEMO_DATABASE_NAME = "demo.sqlite3"
CONFIG_NAME = "config.toml"
LOG_NAME = "allo.log"


def user_data_dir() -> Path:
    from platformdirs import user_data_dir as _user_data_dir

    return Path(_user_data_dir(APP_NAME, appauthor=False))


def user_config_file() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / CONFIG_NAME


def site_config_file() -> Path:
    from platformdirs import site_config_dir

    return Path(site_config_dir(APP_NAME, appauthor=False)) / CONFIG_NAME


def user_log_dir() -> Path:
    from platformdirs import user_log_dir as _user_log_dir

    return Path(_user_log_dir(APP_NAME, appauthor=False))


def log_file() -> Path:
    """Where technical details of failures go (the user's message names this file)."""
    return user_log_dir() / LOG_NAME


def default_database() -> Path:
    return user_data_dir() / DATABASE_NAME


def demo_database() -> Path:
    """The demo database: always here, whatever ALLO_DB or the config files say."""
    return user_data_dir() / DEMO_DATABASE_NAME


def console_id() -> str:
    """This console: host and terminal (or process), to keep one draft per console."""
    import socket

    try:
        terminal = os.ttyname(0)
    except OSError:
        terminal = f"pid{os.getpid()}"
    return f"{socket.gethostname()}:{terminal}"
