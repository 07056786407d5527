"""`analyze` keeps no per-article state: its peak Python memory does not grow with the corpus."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from multivector import api
from multivector.pipeline import build_pipeline
from scale_corpus import article_text


def _jsonl(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(json.dumps({"id": f"n{i}", "text": article_text(i) + f"Item {i}.\n"}) + "\n")
    return path


def _peak(corpus: Path, db: Path) -> int:
    pipeline = build_pipeline([])  # ingestion, engine and store only: what api.py owns
    tracemalloc.start()
    try:
        summary = api.analyze([corpus], db=db, pipeline=pipeline, batch_size=50)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.added == summary.read
    return peak


@pytest.mark.slow
def test_peak_memory_does_not_grow_with_the_corpus(tmp_path: Path) -> None:
    _peak(_jsonl(tmp_path / "warm.jsonl", 20), tmp_path / "warm.db")  # imports, caches
    small = _peak(_jsonl(tmp_path / "small.jsonl", 300), tmp_path / "small.db")
    large = _peak(_jsonl(tmp_path / "large.jsonl", 1500), tmp_path / "large.db")
    assert large < 1.2 * small + 200_000, (small, large)
