"""Words per second of each extraction step, beside spaCy's blank tokenizer.

    python bench/extract.py [--articles 2000] [--repeat 3]

Runs, in one process and on the same text (the generated news of bench/pipeline.py, plus the
seed articles in ../shared when present): spaCy's blank English tokenizer, the tokenizer +
sentencizer, then each extraction step alone (the records of the steps it needs computed
beforehand, outside the timing), and mentions + persons + quotes together. Prints words/s of
each and its ratio to the tokenizer + sentencizer (issue target for quote extraction: >= 0.5).
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
    full = build_pipeline()
    done = [full(a) for a in articles]  # every step's records, for the steps that need them
    for step in full.steps:

        def run_step(step=step) -> None:
            for article, extraction in zip(articles, done, strict=True):
                records = {name: getattr(extraction, name) for name in step.requires}
                step.func(article, records, full.resources)

        rows.append((f"{step.name} alone", best_of(args.repeat, run_step)))
    chained = build_pipeline(["mentions", "persons", "quotes"])
    rows.append(
        (
            "mentions + persons + quotes",
            best_of(args.repeat, lambda: [chained(a) for a in articles]),
        )
    )
    rows.append(("whole pipeline", best_of(args.repeat, lambda: [full(a) for a in articles])))

    floor = rows[1][1]
    print(f"{len(corpus)} articles, {n_words:,} words, best of {args.repeat}")
    print(f"{'':32} {'words/s':>12} {'vs tokenizer+sentencizer':>26}")
    for label, seconds in rows:
        print(f"{label:32} {n_words / seconds:12,.0f} {floor / seconds:25.2f}x")


if __name__ == "__main__":
    main()
