"""Benchmark ingestion: articles/s, MB/s and peak memory on a generated corpus.

    python bench/ingest.py                    # 100,000 articles (and 10,000 for comparison)
    python bench/ingest.py --n 20000          # a smaller run
    python bench/ingest.py --store            # also the full `api.analyze` into SQLite
    python bench/ingest.py --layout jsonl     # only the JSONL shards

The corpus is generated into a temporary folder (removed afterwards, or kept with --keep DIR),
in two layouts holding the same articles: .txt files in folders of 1,000 and JSONL shards of
10,000 records. Articles are news-like English text from a small vocabulary and templates
(fictional events and people), varied by a seeded random generator: 3-12 paragraphs, some
with site chrome (outlet banner, section label, "Back to news").

Wall-clock rates depend on what else the machine runs; "per cpu-s" (articles per second of
the child's own CPU time) is the steadier figure on a shared machine.

Every measurement runs in a fresh child process (`spawn`), so its peak RSS (ru_maxrss) is its
own: the RSS after importing multivector is printed as the baseline, and the peak minus the
baseline is what reading the corpus cost. Peak Python heap (tracemalloc) is measured in a
second child, since tracing slows the reading down; --no-tracemalloc skips it. Memory must not
grow with the corpus: compare the 10k and 100k rows.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

FILES_PER_FOLDER = 1_000
RECORDS_PER_SHARD = 10_000

COUNTRIES = [
    ("Kazakhstan", "Astana"), ("Russia", "Moscow"), ("China", "Beijing"),
    ("the United States", "Washington"), ("Turkey", "Ankara"), ("Uzbekistan", "Tashkent"),
    ("Kyrgyzstan", "Bishkek"), ("Azerbaijan", "Baku"), ("Germany", "Berlin"),
    ("Japan", "Tokyo"), ("India", "New Delhi"), ("Iran", "Tehran"),
]  # fmt: skip
FIRST = ["Aigerim", "Marat", "Dilnoza", "Timur", "Olga", "Rustam", "Nurlan", "Saule", "Erik"]
LAST = ["Sadvakova", "Beisenov", "Karimova", "Alimov", "Petrenko", "Abenov", "Ospanova"]
ROLES = ["an analyst at", "a senior fellow at", "the director of", "a researcher at"]
INSTITUTES = ["the Steppe Policy Centre", "the Caspian Institute", "the Eurasia Forum"]
TOPICS = ["rail freight", "grain exports", "oil transit", "water sharing", "uranium supply",
          "border trade", "solar power", "port capacity", "customs rules", "air links"]  # fmt: skip
OUTLETS = ["Steppe Review", "Caspian Ledger", "Oxus Observer", "Great Steppe Weekly"]
LABELS = ["News", "Analysis", "Opinion", "Politics", "Economy"]
VERBS = ["signed", "discussed", "postponed", "welcomed", "criticised", "reviewed"]


def generate_article(rng: random.Random, i: int) -> tuple[str, str]:
    """(title, text) of one varied fictional news article."""
    (c1, cap1), (c2, cap2) = rng.sample(COUNTRIES, 2)
    topic = rng.choice(TOPICS)
    title = f"{cap1} and {cap2} {rng.choice(VERBS)} a deal on {topic} ({i})"
    lines: list[str] = []
    if rng.random() < 0.3:
        lines += [rng.choice(OUTLETS), rng.choice(LABELS)]
    lines.append(title)
    for _ in range(rng.randint(3, 12)):
        expert = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        kind = rng.randrange(4)
        if kind == 0:
            lines.append(
                f"Officials from {c1} and {c2} {rng.choice(VERBS)} plans on {topic} on "
                f"{rng.choice(['Monday', 'Tuesday', 'Friday'])}, according to a statement "
                f"issued in {cap1}. Trade between the two grew by {rng.randint(2, 40)}% last year."
            )
        elif kind == 1:
            lines.append(
                f'"{cap2} wants a reliable partner," said {expert}, {rng.choice(ROLES)} '
                f'{rng.choice(INSTITUTES)}. "We will see more {topic} within '
                f'{rng.randint(2, 9)} years."'
            )
        elif kind == 2:
            lines.append(
                f"{expert} expects {c1} to double its {topic} with {c2} by "
                f"{rng.randint(2027, 2035)}, provided that {rng.randint(200, 3000):,} km "
                f"of new track is built."
            )
        else:
            lines.append(
                f"The {topic} project, worth ${rng.randint(1, 90) / 10:.1f} billion, is part of "
                f"a wider effort by {cap1} to balance ties with {cap2} and other capitals."
            )
    if rng.random() < 0.2:
        lines.append("Back to news »")
    return title, "\n\n".join(lines) + "\n"


def generate(root: Path, n: int, layouts: list[str], unit: int, seed: int = 2024) -> None:
    """Write n articles in each requested layout under root/txt and root/jsonl, in folders
    of min(unit, FILES_PER_FOLDER) files and shards of min(unit, RECORDS_PER_SHARD) records."""
    per_folder, per_shard = min(unit, FILES_PER_FOLDER), min(unit, RECORDS_PER_SHARD)
    rng = random.Random(seed)
    shard = None
    for i in range(n):
        title, text = generate_article(rng, i)
        if "txt" in layouts:
            folder = root / "txt" / f"{i // per_folder:04d}"
            if i % per_folder == 0:
                folder.mkdir(parents=True, exist_ok=True)
            (folder / f"article{i:06d}.txt").write_text(text, encoding="utf-8")
        if "jsonl" in layouts:
            if i % per_shard == 0:
                if shard is not None:
                    shard.close()
                (root / "jsonl").mkdir(parents=True, exist_ok=True)
                shard = (root / "jsonl" / f"shard{i // per_shard:04d}.jsonl").open(
                    "w", encoding="utf-8"
                )
            record = {"id": f"a{i:06d}", "title": title, "text": text}
            if i % 3 == 0:
                record["published"] = f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}"
            shard.write(json.dumps(record, ensure_ascii=False) + "\n")  # type: ignore[union-attr]
    if shard is not None:
        shard.close()


def inputs(root: Path, layout: str, n: int, unit: int) -> list[Path]:
    """The first n articles of a layout, as whole folders or shards."""
    if layout == "txt":
        folders = sorted((root / "txt").iterdir())
        return folders[: -(-n // min(unit, FILES_PER_FOLDER))]
    shards = sorted((root / "jsonl").iterdir())
    return shards[: -(-n // min(unit, RECORDS_PER_SHARD))]


def input_bytes(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        files = path.rglob("*") if path.is_dir() else [path]
        total += sum(f.stat().st_size for f in files if f.is_file())
    return total


@dataclass
class Result:
    articles: int
    skipped: int
    seconds: float
    cpu_seconds: float
    baseline_rss_mb: float
    peak_rss_mb: float
    peak_traced_mb: float | None


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _max_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return kb / (1024 * 1024) if sys.platform == "darwin" else kb / 1024


def _child(mode: str, paths: list[str], db: str | None, trace: bool, queue: mp.Queue) -> None:
    """Runs in a fresh interpreter: read (or analyze) the corpus, report time and memory."""
    from multivector import api
    from multivector.ingest import IngestOptions, read_articles
    from multivector.pipeline import build_pipeline
    from multivector.records import Article

    options = IngestOptions()
    pipeline = build_pipeline() if mode == "store" else None
    baseline = _max_rss_mb()
    if trace:
        tracemalloc.start()
    start, cpu_start = time.perf_counter(), _cpu_seconds()
    if mode == "ingest":
        articles = skipped = 0
        for item in read_articles(paths, options):
            if isinstance(item, Article):
                articles += 1
            else:
                skipped += 1
    else:
        summary = api.analyze(paths, db=db or "bench.db", options=options, pipeline=pipeline)
        articles, skipped = summary.read, summary.skipped
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu_start
    traced = tracemalloc.get_traced_memory()[1] / 1e6 if trace else None
    queue.put(Result(articles, skipped, seconds, cpu, baseline, _max_rss_mb(), traced))


def measure(mode: str, paths: list[Path], *, trace: bool, db: Path | None = None) -> Result:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    args = (mode, [str(p) for p in paths], str(db) if db else None, trace, queue)
    proc = ctx.Process(target=_child, args=args)
    proc.start()
    result = queue.get()
    proc.join()
    if proc.exitcode != 0:
        raise SystemExit(f"benchmark child failed (exit {proc.exitcode})")
    return result  # type: ignore[no-any-return]


def _remove_db(db: Path | None) -> None:
    """Start each store run empty (a kept folder may hold one from an earlier run)."""
    if db is not None:
        for path in db.parent.glob(db.name + "*"):
            path.unlink()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles (default 100,000)")
    parser.add_argument(
        "--small",
        type=int,
        default=10_000,
        help="the smaller size printed alongside, to show memory does not grow",
    )
    parser.add_argument("--layout", choices=["txt", "jsonl", "both"], default="both")
    parser.add_argument(
        "--store",
        action="store_true",
        help="also run the full api.analyze into a temporary SQLite database",
    )
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip the traced-heap runs")
    parser.add_argument("--keep", type=Path, help="generate into (and keep) this folder")
    args = parser.parse_args(argv)  # fmt: skip

    layouts = ["txt", "jsonl"] if args.layout == "both" else [args.layout]
    sizes = sorted({min(args.small, args.n), args.n})
    root = args.keep or Path(tempfile.mkdtemp(prefix="multivector-bench-"))
    try:
        started = time.perf_counter()
        if not (root / layouts[0]).exists():
            generate(root, args.n, layouts, unit=sizes[0])
        print(f"corpus: {args.n:,} articles per layout in {root} "
              f"(generated in {time.perf_counter() - started:.1f} s)")  # fmt: skip
        header = (
            f"{'mode':<7}{'layout':<7}{'articles':>9}{'MB':>7}{'wall s':>8}{'cpu s':>8}"
            f"{'articles/s':>11}{'MB/s':>7}{'per cpu-s':>10}{'base RSS':>9}{'peak RSS':>9}"
            f"{'growth':>7}{'peak heap':>10}"
        )
        print(header)
        modes = ["ingest", "store"] if args.store else ["ingest"]
        for mode in modes:
            for layout in layouts:
                for n in sizes:
                    paths = inputs(root, layout, n, unit=sizes[0])
                    megabytes = input_bytes(paths) / 1e6
                    db = root / f"bench-{layout}-{n}.db" if mode == "store" else None
                    _remove_db(db)
                    timed = measure(mode, paths, trace=False, db=db)
                    heap = None
                    if not args.no_tracemalloc:
                        _remove_db(db)
                        heap = measure(mode, paths, trace=True, db=db).peak_traced_mb
                    _remove_db(db)
                    heap_text = f"{heap:8.1f}MB" if heap is not None else f"{'-':>10}"
                    print(
                        f"{mode:<7}{layout:<7}{timed.articles:>9,}{megabytes:>7.1f}"
                        f"{timed.seconds:>8.1f}{timed.cpu_seconds:>8.1f}"
                        f"{timed.articles / timed.seconds:>11,.0f}"
                        f"{megabytes / timed.seconds:>7.2f}"
                        f"{timed.articles / max(timed.cpu_seconds, 1e-9):>10,.0f}"
                        f"{timed.baseline_rss_mb:>7.0f}MB{timed.peak_rss_mb:>7.0f}MB"
                        f"{timed.peak_rss_mb - timed.baseline_rss_mb:>5.0f}MB{heap_text}",
                        flush=True,
                    )
                    if timed.skipped:
                        print(f"  ({timed.skipped} skipped)")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
