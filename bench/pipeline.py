"""Benchmark the extraction pipeline: speed against spaCy's cost floor, Dask speed-up, memory.

    python bench/pipeline.py                      # full run (10k and 100k articles for memory)
    python bench/pipeline.py --articles 500 --n-small 1000 --n-large 5000   # quick
    python bench/pipeline.py --profile            # also where the pipeline spends its time

Prints, in one run, on the same generated text:
1. words/s of the full pipeline (`build_pipeline()`, every registered step) on one core, and of
   spaCy's blank English tokenizer + sentencizer (`nlp.pipe`): the floor any spaCy-based
   pipeline pays before doing any work; and their ratio (target: >= 0.5);
2. the speed-up of the extraction with `--workers N` (a local Dask cluster, default 2), and the
   ceiling that the one process reading, collecting and writing around the workers sets on it
   (its CPU per article, measured for `extract`'s JSON lines and `analyze` into SQLite);
3. the peak memory (RSS) of a streaming `analyze` run, measured in a child process, at
   `--n-small` and `--n-large` articles (target: large <= 1.2 x small).

The corpus is English news-like text generated from templates (fictional events, real country
and capital names, invented people), varied by a seeded random generator.

Reading the floor: spaCy's tokenizer caches how it split each whitespace-separated chunk, but
(spaCy 3.8, explosion/spaCy#13950) once a Doc meets a special case such as "don't" or "U.S.",
no later chunk of that Doc is cached. Over many articles the cache still fills, from the part of
each article before its first special case, so the floor on a large corpus is fast (1.4M words/s
on the generated text; about 2M on the seed articles' sentences shuffled into 400 new articles).
The real-article line repeats five articles, whose caches stay cold after their first special
case: its floor (~0.36M words/s) is a pessimistic one, printed to show the pipeline's speed on
real text, not to judge the target.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

# (country, capital, demonym)
COUNTRIES = [
    ("Kazakhstan", "Astana", "Kazakh"),
    ("Russia", "Moscow", "Russian"),
    ("China", "Beijing", "Chinese"),
    ("the United States", "Washington", "American"),
    ("Turkey", "Ankara", "Turkish"),
    ("Uzbekistan", "Tashkent", "Uzbek"),
    ("Kyrgyzstan", "Bishkek", "Kyrgyz"),
    ("Germany", "Berlin", "German"),
    ("France", "Paris", "French"),
    ("Japan", "Tokyo", "Japanese"),
    ("India", "New Delhi", "Indian"),
    ("Iran", "Tehran", "Iranian"),
    ("Azerbaijan", "Baku", "Azerbaijani"),
    ("Brazil", "Brasilia", "Brazilian"),
    ("Kenya", "Nairobi", "Kenyan"),
    ("Norway", "Oslo", "Norwegian"),
    ("Poland", "Warsaw", "Polish"),
    ("South Korea", "Seoul", "South Korean"),
    ("Mongolia", "Ulaanbaatar", "Mongolian"),
    ("Egypt", "Cairo", "Egyptian"),
]
# (first name, honorific for second references: news style "Mr. Sadykov said")
FIRST = [
    ("Aida", "Ms."), ("Marat", "Mr."), ("Elena", "Ms."), ("Wei", "Mr."), ("John", "Mr."),
    ("Mehmet", "Mr."), ("Dilnoza", "Ms."), ("Hans", "Mr."), ("Claire", "Ms."), ("Kenji", "Mr."),
    ("Priya", "Ms."), ("Reza", "Mr."), ("Leyla", "Ms."), ("Paulo", "Mr."), ("Grace", "Ms."),
    ("Ingrid", "Ms."), ("Piotr", "Mr."), ("Min-jun", "Mr."), ("Bold", "Mr."), ("Omar", "Mr."),
]  # fmt: skip
LAST = [
    "Nurlanova",
    "Sadykov",
    "Petrova",
    "Zhang",
    "Miller",
    "Yilmaz",
    "Karimova",
    "Weber",
    "Dubois",
    "Sato",
    "Sharma",
    "Ahmadi",
    "Aliyeva",
    "Costa",
    "Otieno",
    "Hansen",
    "Nowak",
    "Kim",
    "Batbayar",
    "Hassan",
]
ROLES = [
    "foreign minister",
    "president",
    "prime minister",
    "deputy foreign minister",
    "ambassador",
    "trade minister",
    "energy minister",
    "spokesperson",
]
TOPICS = [
    "rail freight",
    "oil exports",
    "grain shipments",
    "a gas pipeline",
    "visa rules",
    "water sharing",
    "uranium supplies",
    "a new border crossing",
    "digital trade",
    "military exercises",
    "student exchanges",
    "wind power projects",
]
VERBS = [
    "agreed to expand",
    "discussed",
    "signed a deal on",
    "pledged to review",
    "announced plans for",
    "raised concerns about",
    "postponed talks on",
]
CUES = ["said", "told reporters", "said in a statement", "stressed", "noted", "added"]
QUOTES = [
    "We see {b} as a reliable partner and we intend to deepen our ties",
    "Our policy remains balanced and open to every partner",
    "The talks in {cap_b} were difficult but useful",
    "There is no alternative to dialogue with {b}",
    "This agreement will create {n} jobs within {k} years",
    "We will not allow anyone to dictate our choices",
]
FORECASTS = [
    "Analysts expect trade between {a} and {b} to reach ${m} billion by {year}.",
    "The project is likely to be completed by {year}, officials said.",
    "Experts predict that {cap_b} will seek a larger role in the region over the next {k} years.",
    "{b} could become the largest investor in {a} within {k} years, the report said.",
]
FACTS = [
    "Trade between the two countries grew by {p} percent to ${m} billion last year.",
    "{a} exported {t} million tonnes of wheat to {b} in {prev}.",
    "The agreement covers {n} joint projects worth about ${m} billion.",
    "Some {n} companies with {dem_b} capital operate in {a}, according to official data.",
    "{cap_a} and {cap_b} have held {k} rounds of consultations since {prev}.",
    "The {dem_b} delegation included {k} ministers and {n} business leaders.",
]

# Background sentences without names or figures: most of a real news story is context.
CONTEXT = [
    "The meeting came amid growing interest in regional connectivity and new trade routes.",
    "Both sides described the atmosphere of the talks as constructive and businesslike.",
    "The two governments have tried for years to reduce their dependence on a single market.",
    "Observers note that the region has become a crossroads for competing economic projects.",
    "The talks also touched on education, tourism and cultural exchanges between the two peoples.",
    "Officials did not disclose the details of the financing or the timetable of the work.",
    "Business associations welcomed the decision but warned that red tape remains a problem.",
    "The previous round of negotiations ended without a joint statement.",
    "Critics at home argue that the government should first invest in its own infrastructure.",
    "The ministry's press service published a short summary of the meeting on its website.",
    "Diplomats said the agenda had been prepared over several months of quiet consultations.",
    "The visit is part of a wider effort to diversify foreign partners and attract investment.",
    "Local media followed the visit closely, and several newspapers ran editorials about it.",
    "Experts say the outcome will depend on how quickly the new rules are put into practice.",
    "The sides also agreed to set up a working group that will meet twice a year.",
    "Transport companies have long complained about delays at the border and high tariffs.",
    "Parliament is expected to discuss the agreement before the end of the session.",
    "The region's landlocked economies rely heavily on the transit routes of their neighbours.",
    "A joint communique stressed respect for sovereignty and non-interference in internal affairs.",
    "Environmental groups called for a public review of the project's impact on water and land.",
]


def _person(rng: random.Random) -> tuple[str, str]:
    """A full name and its second reference ("Marat Sadykov", "Mr. Sadykov")."""
    (first, honorific), last = rng.choice(FIRST), rng.choice(LAST)
    return f"{first} {last}", f"{honorific} {last}"


def make_text(rng: random.Random, i: int) -> str:
    """One news-like article of roughly 250-600 words: headline, dateline, facts, quotes."""
    (a, cap_a, dem_a), (b, cap_b, dem_b) = rng.sample(COUNTRIES, 2)
    (person, person_again), (other, other_again) = _person(rng), _person(rng)
    role, role2 = rng.choice(ROLES), rng.choice(ROLES)
    year = rng.randint(2025, 2040)

    def fill(template: str) -> str:
        return template.format(
            a=a,
            b=b,
            cap_a=cap_a,
            cap_b=cap_b,
            dem_a=dem_a,
            dem_b=dem_b,
            year=year,
            n=rng.randint(3, 900),
            k=rng.randint(2, 12),
            p=rng.randint(2, 60),
            m=f"{rng.randint(1, 40)}.{rng.randint(0, 9)}",
            t=f"{rng.randint(1, 9)}.{rng.randint(1, 9)}",
            prev=rng.randint(2005, 2024),
        )

    topic = rng.choice(TOPICS)
    title = f"{a[0].upper() + a[1:]} and {b} {rng.choice(VERBS)} {topic}"
    paragraphs = [
        title,
        f"{cap_a.upper()}, {rng.randint(1, 28)} March. {dem_a} {role} {person} and {dem_b} "
        f"{role2} {other} {rng.choice(VERBS)} {topic} at talks in {cap_a} on Tuesday.",
    ]
    for _ in range(rng.randint(4, 8)):
        if rng.random() < 0.6:
            paragraphs.append(" ".join(rng.sample(CONTEXT, rng.randint(2, 4))))
        kind = rng.random()
        if kind < 0.35:
            quote = fill(rng.choice(QUOTES))
            speaker = rng.choice([person_again, other_again, person_again, f"the {role}", other])
            if rng.random() < 0.5:
                left, right = rng.choice(['""', "“”"])
                paragraphs.append(f"{left}{quote},{right} {speaker} {rng.choice(CUES)}.")
            else:
                paragraphs.append(
                    f"{speaker[0].upper() + speaker[1:]} said that {quote[0].lower() + quote[1:]}."
                )
        elif kind < 0.6:
            paragraphs.append(fill(rng.choice(FORECASTS)) + " " + fill(rng.choice(FACTS)))
        else:
            paragraphs.append(" ".join(fill(rng.choice(FACTS)) for _ in range(rng.randint(2, 4))))
    apostrophe = rng.choice("'’")
    paragraphs.append(
        f"{other_again}{apostrophe}s office said the {dem_b} side hasn{apostrophe}t yet "
        f"commented on {a}{apostrophe}s proposals. (Article {i}, generated.)"
    )
    return "\n\n".join(paragraphs) + "\n"


def texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [make_text(rng, i) for i in range(n)]


def write_corpus(root: Path, n: int, *, shard: int = 1000, seed: int = 7) -> Path:
    """`n` articles as JSONL shards of `shard` records (a bulk dump, as news archives ship)."""
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for first in range(0, n, shard):
        with (root / f"part-{first // shard:05d}.jsonl").open("w", encoding="utf-8") as out:
            for i in range(first, min(n, first + shard)):
                record = {"id": f"gen-{i}", "text": make_text(rng, i)}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return root


def words(corpus: list[str]) -> int:
    return sum(len(t.split()) for t in corpus)


def articles_of(corpus: list[str]) -> list:
    from multivector.ingest import IngestOptions, build_article

    options = IngestOptions()
    return [
        build_article(t, doc=f"gen-{i}", path="bench", fmt="txt", options=options)
        for i, t in enumerate(corpus)
    ]


CPU: dict[str, float] = {}  # CPU seconds of the last timed runs, to see past a busy machine


def time_pipeline(articles: list) -> float:
    from multivector.pipeline import build_pipeline

    pipeline = build_pipeline()
    pipeline(articles[0])  # load resources outside the timing
    start, cpu = time.perf_counter(), time.process_time()
    for article in articles:
        pipeline(article)
    CPU["serial"] = time.process_time() - cpu
    return time.perf_counter() - start


def time_floor(corpus: list[str]) -> float:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    list(nlp.pipe(corpus[:20]))
    start = time.perf_counter()
    for _ in nlp.pipe(corpus, batch_size=256):
        pass
    return time.perf_counter() - start


def time_workers(articles: list, workers: int) -> tuple[float, float]:
    """(start-up seconds, extraction seconds) on a local Dask cluster of `workers` processes."""
    from multivector.engine import Engine, PipelineSpec, worker_pipeline
    from multivector.pipeline import build_pipeline

    start = time.perf_counter()
    with Engine(build_pipeline(), workers=workers) as engine:
        # every worker builds its pipeline and loads its resources before the clock starts
        engine.client.run(worker_pipeline, PipelineSpec.of(engine.pipeline))
        cpu = sum(engine.client.run(time.process_time).values())
        ready = time.perf_counter()
        jobs = ((i, articles[i : i + 200]) for i in range(0, len(articles), 200))
        for _ in engine.map(jobs):
            pass
        done = time.perf_counter()
        CPU["workers"] = sum(engine.client.run(time.process_time).values()) - cpu
    return ready - start, done - ready


def time_writer(articles: list, n: int) -> dict[str, float]:
    """CPU seconds of the single process that reads, collects and writes around the workers:
    its work per article bounds the speed-up any number of workers can give."""
    import pickle

    from multivector.engine import (
        PipelineSpec,
        batches,
        extract_batch,
        join_records,
        worker_pipeline,
    )
    from multivector.ingest import read_articles
    from multivector.pipeline import build_pipeline
    from multivector.store import Store

    spec = PipelineSpec.of(build_pipeline())
    worker_pipeline(spec)(articles[0])
    cpu: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="mv-bench-") as tmp:
        folder = write_corpus(Path(tmp) / "corpus", n)
        start = time.process_time()
        read = sum(1 for _ in read_articles([folder]))
        cpu["read"] = time.process_time() - start
        assert read == n, f"read {read} of {n} articles"
        start = time.process_time()
        parts = [extract_batch(spec, batch) for batch in batches(articles, 200)]
        cpu["extract"] = time.process_time() - start
        blobs = [pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL) for p in parts]
        start = time.process_time()
        extractions = join_records(articles, [p for b in blobs for p in pickle.loads(b)])
        cpu["unpickle"] = time.process_time() - start
        start = time.process_time()
        for extraction in extractions:
            json.dumps(extraction.to_json(), ensure_ascii=False)
        cpu["jsonl"] = time.process_time() - start
        with Store(Path(tmp) / "run.db") as store:
            start = time.process_time()
            for batch in batches(extractions, 200):
                store.write_batch(batch)
            cpu["sqlite"] = time.process_time() - start
    return cpu


def print_writer(cpu: dict[str, float], n: int) -> None:
    """The writer's cost per article and the speed-up ceiling it sets (unlimited workers)."""
    ms = {k: 1000 * v / n for k, v in cpu.items()}
    print("\nthe single reader/writer around the workers (CPU ms per article)")
    print(
        f"  extraction {ms['extract']:.2f} (on the workers); here: reading {ms['read']:.2f}, "
        f"unpickling results {ms['unpickle']:.2f}, JSON lines {ms['jsonl']:.2f}, "
        f"SQLite {ms['sqlite']:.2f}"
    )
    for command, sink in (("extract", "jsonl"), ("analyze (SQLite)", "sqlite")):
        serial = cpu["read"] + cpu["extract"] + cpu[sink]
        writer = cpu["read"] + cpu["unpickle"] + cpu[sink]
        print(
            f"  {command}: speed-up ceiling with unlimited workers x{serial / writer:.1f} "
            "(the writer busy all the time)"
        )


def peak_rss(corpus: Path, db: Path) -> tuple[int, float, str]:
    """(peak RSS bytes, seconds, summary) of `analyze` in a child process.

    The peak is the child's own VmHWM: getrusage's ru_maxrss would also count the pages of
    this (large) parent process that a forked child holds until it execs.
    """
    code = (
        "import sys, multivector as mv; s = mv.analyze([sys.argv[1]], db=sys.argv[2]); "
        "mem = dict(l.split(':') for l in open('/proc/self/status') if l.startswith('Vm')); "
        "kb = lambda k: int(mem[k].split()[0]); "
        "print(kb('VmHWM')); "
        "print(f\"RSS at the end {kb('VmRSS') / 1000:.1f} MB;\", s.read, 'read,', s.added, "
        "'added,', sum(s.records.values()), 'records')"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, str(corpus), str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"analyze child failed:\n{done.stderr}")
    peak_kb, summary = done.stdout.split("\n", 1)
    return int(peak_kb) * 1000, time.perf_counter() - start, summary.strip()


def compare_real(texts_: list[str], folder: str, size: int) -> None:
    """The same comparison on real articles, repeated to about `size` words (see the module
    docstring on why this floor is a pessimistic one)."""
    repeated = texts_ * max(1, size // max(1, words(texts_)))
    n = words(repeated)
    pipe = n / time_pipeline(articles_of(repeated))
    floor = n / time_floor(repeated)
    print(
        f"  real articles ({len(texts_)} in {folder}/, repeated, {n:,} words): pipeline "
        f"{pipe:,.0f} words/s; floor {floor:,.0f} (cold cache), ratio {pipe / floor:.2f}"
    )


def _module(filename: str) -> str:
    if "/multivector/" in filename:
        return "multivector/" + filename.rsplit("/multivector/", 1)[1]
    return "(other) " + Path(filename).name


def profile(articles: list, top: int) -> None:
    """Where the pipeline spends its time: own time per module, then the top functions."""
    from multivector.pipeline import build_pipeline

    pipeline = build_pipeline()
    pipeline(articles[0])
    profiler = cProfile.Profile()
    profiler.enable()
    for article in articles:
        pipeline(article)
    profiler.disable()
    stats = pstats.Stats(profiler)
    raw = stats.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in raw.values())
    per_module: dict[str, float] = defaultdict(float)
    for (filename, _line, _func), (_cc, _nc, tottime, _ct, callers) in raw.items():
        if filename.startswith("~") and callers:  # C functions: charge the Python callers
            for (caller_file, _l, _f), (_c, _n, caller_tt, _cct) in callers.items():
                per_module[_module(caller_file)] += caller_tt
        else:
            per_module[_module(filename)] += tottime
    print(f"\nprofile: own time per module, C calls charged to their caller ({total:.2f} s)")
    for name, seconds in sorted(per_module.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {100 * seconds / total:5.1f}%  {seconds:7.3f} s  {name}")
    print("\nprofile: top functions by own time")
    stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000, help="articles for the speed runs")
    parser.add_argument("--workers", type=int, default=2, help="local Dask workers to compare")
    parser.add_argument("--n-small", type=int, default=10_000, help="articles, small memory run")
    parser.add_argument("--n-large", type=int, default=100_000, help="articles, large memory run")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory runs")
    parser.add_argument("--profile", action="store_true", help="profile the pipeline too")
    parser.add_argument(
        "--real",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds",
        help="folder of real .txt articles to time as well, read at run time (if it exists)",
    )
    parser.add_argument("--top", type=int, default=25, help="lines of profile output")
    args = parser.parse_args()

    from multivector.pipeline import build_pipeline

    steps = ", ".join(s.name for s in build_pipeline().steps) or "(none)"
    corpus = texts(args.articles)
    n_words = words(corpus)
    articles = articles_of(corpus)
    print(f"corpus: {len(corpus)} generated articles, {n_words:,} words; steps: {steps}")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"cpu: {os.cpu_count()} cores (load average {load}); python {sys.version.split()[0]}")

    t_pipe = time_pipeline(articles)
    t_floor = time_floor(corpus)
    pipe_wps, floor_wps = n_words / t_pipe, n_words / t_floor
    print("\n1 core                                        words/s    articles/s")
    print(
        f"  multivector pipeline (all steps)      {pipe_wps:>12,.0f} {len(corpus) / t_pipe:>12,.0f}"
    )
    floor_aps = len(corpus) / t_floor
    print(f"  spaCy blank('en') + sentencizer       {floor_wps:>12,.0f} {floor_aps:>12,.0f}")
    real = sorted(args.real.glob("*.txt")) if args.real.is_dir() else []
    if real:
        compare_real([p.read_text(encoding="utf-8") for p in real], args.real.name, n_words)
    verdict = "meets" if pipe_wps >= 0.5 * floor_wps else "MISSES"
    print(f"  ratio pipeline / floor: {pipe_wps / floor_wps:.2f} ({verdict} the >= 0.5 target)")

    if args.workers > 1:
        startup, t_par = time_workers(articles, args.workers)
        print(f"\n--workers {args.workers} (local Dask, {os.cpu_count()} cores)")
        print(
            f"  extraction: {n_words / t_par:,.0f} words/s, speed-up x{t_pipe / t_par:.2f} "
            f"over 1 core (cluster start-up {startup:.1f} s, not included)"
        )
        if "serial" in CPU and "workers" in CPU:
            print(
                f"  CPU: workers {CPU['workers']:.1f} s in all vs {CPU['serial']:.1f} s serial "
                f"(overhead x{CPU['workers'] / CPU['serial']:.2f}); wall-clock speed-up needs "
                f"{args.workers} idle cores"
            )
        print_writer(time_writer(articles, len(corpus)), len(corpus))

    if not args.no_memory:
        print("\nstreaming analyze (child process, SQLite, JSONL shards of 1000 articles)")
        results = {}
        with tempfile.TemporaryDirectory(prefix="mv-bench-") as tmp:
            for n in (args.n_small, args.n_large):
                folder = write_corpus(Path(tmp) / f"corpus-{n}", n)
                rss, seconds, summary = peak_rss(folder, Path(tmp) / f"run-{n}.db")
                results[n] = rss
                print(
                    f"  {n:>8,} articles: peak RSS {rss / 1e6:7.1f} MB, {seconds:7.1f} s "
                    f"({n / seconds:,.0f} articles/s end to end)\n            {summary}"
                )
        ratio = results[args.n_large] / results[args.n_small]
        verdict = "meets" if ratio <= 1.2 else "MISSES"
        print(
            f"  peak RSS ratio {args.n_large:,} / {args.n_small:,}: {ratio:.2f} "
            f"({verdict} the <= 1.2 target)"
        )

    if args.profile:
        profile(articles, args.top)


if __name__ == "__main__":
    main()
