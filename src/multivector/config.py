"""Loading the user-editable data files (rules, gazetteers, vectors, cue lists).

Every file ships in `multivector/data/`; a user passes a file of their own to replace or
extend one. Parsed files are cached, since extraction calls for them per article.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ConfigError


def data_path(name: str) -> Path:
    """Path of a file bundled in `multivector/data`."""
    return Path(str(resources.files("multivector") / "data" / name))


@functools.lru_cache(maxsize=64)
def load_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML data file, turning every failure into a ConfigError that names the file."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{p}: configuration file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{p}: not valid TOML ({exc}); fix the file or remove the option"
        ) from None


def load_data(name: str, override: str | Path | None = None) -> dict[str, Any]:
    """A bundled data file, or the user's replacement when one is given."""
    return load_toml(str(override) if override is not None else str(data_path(name)))
