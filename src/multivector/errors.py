"""One exception family for multivector.

    MultivectorError
    ├── InputError          a file or record cannot be read; the run skips it and goes on
    ├── ConfigError         a gazetteer, vector definition or rule file is wrong
    ├── StoreError          the database cannot be opened, migrated or written
    └── PipelineError       extraction steps are wired wrongly (a contract is not met)

Every message says what went wrong and, where it can, how to fix it.
"""

from __future__ import annotations


class MultivectorError(Exception):
    """Base class: catch this to handle any error the library raises on purpose."""


class InputError(MultivectorError):
    """A file (or a line of it) cannot be turned into an article.

    `source` names the file, `line` the 1-based line for line-oriented formats, `reason`
    is the short human explanation. `str()` gives the one-line message the CLI prints.
    """

    def __init__(self, source: str, reason: str, *, line: int | None = None) -> None:
        self.source = source
        self.reason = reason
        self.line = line
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: skipped: {reason}")


class ConfigError(MultivectorError):
    """A configuration data file is missing or malformed."""


class StoreError(MultivectorError):
    """The store cannot be opened or written."""


class PipelineError(MultivectorError):
    """A pipeline was assembled with a step whose requirements are not provided."""
