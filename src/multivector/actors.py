"""Actor mentions: states, blocs, organisations, metonyms and demonyms, resolved to codes.

Work in progress: the step is registered first so that later steps can require it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .pipeline import Resources, step
from .records import Article, Mention


@step("mentions", provides="mentions")
def mentions_step(
    article: Article, records: Mapping[str, tuple[Any, ...]], resources: Resources
) -> tuple[Mention, ...]:
    """Actor mentions of one article (placeholder until the gazetteer lands)."""
    return ()
