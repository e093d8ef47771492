"""Reading settings from the environment (every settings module uses these)."""

import os


def env(name: str, default: str = "") -> str:
    """Read an environment variable; unset or blank (`NAME=` in an .env file) is `default`."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = env(name)
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list of non-empty items."""
    return [item.strip() for item in env(name, default).split(",") if item.strip()]
