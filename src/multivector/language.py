"""A small, offline language guess from function words (data in `data/languages.toml`)."""

from __future__ import annotations

import functools
import re
from collections import Counter

from .config import load_data

_WORD = re.compile(r"\w+", re.UNICODE)


@functools.lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, tuple[str, ...]], float]:
    data = load_data("languages.toml")
    index: dict[str, list[str]] = {}
    for lang, words in data["words"].items():
        for word in words:
            index.setdefault(word, []).append(lang)
    return {w: tuple(langs) for w, langs in index.items()}, float(data.get("min_share", 0.08))


def detect_language(text: str, *, sample: int = 20_000) -> str | None:
    """ISO 639-1 code of the text's language, or None when the evidence is too thin."""
    index, min_share = _lexicon()
    tokens = _WORD.findall(text[:sample].casefold())
    if not tokens:
        return None
    votes: Counter[str] = Counter()
    for token, n in Counter(tokens).items():  # count in C, then look up each distinct word once
        for lang in index.get(token, ()):
            votes[lang] += n
    if not votes:
        return None
    lang, count = max(votes.items(), key=lambda kv: (kv[1], kv[0]))
    return lang if count / len(tokens) >= min_share else None
