"""Words per second of actor, person and quote extraction, beside spaCy's blank tokenizer.

    python bench/extract.py [--articles 2000] [--repeat 3]

Runs, in one process and on the same text (the generated news of bench/pipeline.py, plus the
seed articles in ../shared when present): spaCy's blank English tokenizer, the tokenizer +
sentencizer, then the pipeline cut after mentions, after persons and after quotes. Prints
words/s of each and its ratio to the tokenizer + sentencizer (issue target for quotes: >= 0.5).
Best of --repeat runs, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pipeline import articles_of, texts, words

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"


def best_of(repeat: int, run: Callable[[], None]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import spacy

    from multivector.pipeline import build_pipeline

    corpus = texts(args.articles)
    if SEEDS.is_dir():
        corpus += [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    n_words = words(corpus)
    articles = articles_of(corpus)

    tokenizer = spacy.blank("en")
    sentencizer = spacy.blank("en")
    sentencizer.add_pipe("sentencizer")
    rows: list[tuple[str, float]] = [
        ("spaCy blank tokenizer", best_of(args.repeat, lambda: list(tokenizer.pipe(corpus)))),
        (
            "spaCy tokenizer + sentencizer",
            best_of(args.repeat, lambda: list(sentencizer.pipe(corpus))),
        ),
    ]
    for label, steps in [
        ("mentions", ["mentions"]),
        ("mentions + persons", ["mentions", "persons"]),
        ("mentions + persons + quotes", ["mentions", "persons", "quotes"]),
    ]:
        pipeline = build_pipeline(steps)
        pipeline(articles[0])  # resources load outside the timing
        rows.append((label, best_of(args.repeat, lambda p=pipeline: [p(a) for a in articles])))

    floor = rows[1][1]
    print(f"{len(corpus)} articles, {n_words:,} words, best of {args.repeat}")
    print(f"{'':32} {'words/s':>12} {'vs tokenizer+sentencizer':>26}")
    for label, seconds in rows:
        print(f"{label:32} {n_words / seconds:12,.0f} {floor / seconds:25.2f}x")


if __name__ == "__main__":
    main()
