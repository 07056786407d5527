"""The multi-vector indices: how the focal country's engagement is spread across its vectors.

Definitions (also in the README, for analysts):

* Each relation statement carries one unit of attention, split equally among its partners;
  each partner passes its part to the vectors it belongs to, times its weight there
  (SCO: Russia 0.5, China 0.5; weights summing over 1 are scaled down to 1). Attention
  not passed to any vector (a partner in no vector, or weights summing under 1) is left out.
* **share** of a vector: its attention over all attention in the period.
* **tone** of a vector: the mean statement intensity (-1..1), weighted by attention.
* **cooperation / tension**: statements touching the vector, by polarity and domain.
* **balance**: Shannon entropy of the shares divided by ln(K), K the number of vectors
  defined (0 = all attention on one vector, 1 = spread evenly). With a single vector it is 0.
* **effective number of vectors**: exp(entropy) and 1 / HHI (HHI = sum of squared shares).
* **lead ratio** s1/s2 and **top-three ratio** s1/s3 of the largest shares.
* Confidence intervals: 95% percentile bootstrap over articles (resampled with replacement,
  fixed seed, so every figure reproduces exactly). `articles` is the number of articles behind
  a figure. Articles without a date count only in the whole-corpus period `all`.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import sqlalchemy as sa

from .vectors import VectorSet

if TYPE_CHECKING:
    from .queries import ReadOnlyDB
    from .store import Store

Period = Literal["all", "year", "quarter", "month"]
ALL: Final = "all"


@dataclass(frozen=True)
class StatementRow:
    """What the indices need of one stored statement."""

    article_id: str
    published: str | None
    partners: tuple[str, ...]
    polarity: str
    domain: str
    intensity: float


@dataclass(frozen=True)
class Interval:
    value: float | None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class VectorFigures:
    vector: str
    share: Interval
    tone: Interval
    cooperation: dict[str, int] = field(default_factory=dict)
    tension: dict[str, int] = field(default_factory=dict)
    statements: int = 0
    articles: int = 0


@dataclass(frozen=True)
class PeriodIndices:
    period: str
    articles: int
    statements: int
    vectors: tuple[VectorFigures, ...]
    balance: Interval
    effective_exp: Interval
    effective_hhi: Interval
    lead_ratio: float | None
    top3_ratio: float | None
    top3: tuple[str, ...]


def period_of(published: str | None, by: Period) -> str | None:
    """The period label of a date ('2019', '2019-Q2', '2019-04'); None when undated."""
    if by == ALL:
        return ALL
    if not published:
        return None
    year, month = int(published[:4]), int(published[5:7])
    if by == "year":
        return f"{year}"
    if by == "quarter":
        return f"{year}-Q{(month - 1) // 3 + 1}"
    return f"{year}-{month:02d}"


def _all_periods(labels: Iterable[str], by: Period) -> list[str]:
    """Every period between the first and last label, so that empty periods show up."""
    labels = sorted(set(labels))
    if by == ALL or not labels:
        return labels
    first, last = labels[0], labels[-1]
    out = []
    if by == "year":
        return [str(y) for y in range(int(first), int(last) + 1)]
    step_months = 3 if by == "quarter" else 1

    def parse(label: str) -> date:
        if by == "quarter":
            return date(int(label[:4]), (int(label[-1]) - 1) * 3 + 1, 1)
        return date(int(label[:4]), int(label[5:7]), 1)

    current, end = parse(first), parse(last)
    while current <= end:
        out.append(period_of(current.isoformat(), by) or "")
        month = current.month - 1 + step_months
        current = date(current.year + month // 12, month % 12 + 1, 1)
    return out


def entropy(shares: Sequence[float]) -> float:
    return -sum(s * math.log(s) for s in shares if s > 0)


def balance(shares: Sequence[float], k: int) -> float:
    """Normalised entropy in [0, 1]; 0 when only one vector is defined."""
    return entropy(shares) / math.log(k) if k > 1 else 0.0


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 4) if b > 0 else None


def _interval(value: float | None, samples: np.ndarray | None) -> Interval:
    if value is None:
        return Interval(None)
    if samples is None or samples.size == 0:
        return Interval(round(value, 4))
    samples = samples[~np.isnan(samples)]
    if samples.size == 0:
        return Interval(round(value, 4))
    low, high = np.percentile(samples, [2.5, 97.5])
    return Interval(round(value, 4), round(float(low), 4), round(float(high), 4))


def _masses(
    rows: Sequence[StatementRow], vectors: VectorSet, names: Sequence[str]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Per-article attention (A x V) and tone numerators (A x V)."""
    index = {v: i for i, v in enumerate(names)}
    articles = sorted({r.article_id for r in rows})
    position = {a: i for i, a in enumerate(articles)}
    mass = np.zeros((len(articles), len(names)))
    tone = np.zeros_like(mass)
    for row in rows:
        if not row.partners:
            continue
        part = 1.0 / len(row.partners)
        for partner in row.partners:
            weights = vectors.weights(partner)
            total = max(1.0, sum(weights.values()))
            for vector, weight in weights.items():
                m = part * weight / total
                mass[position[row.article_id], index[vector]] += m
                tone[position[row.article_id], index[vector]] += m * row.intensity
    return articles, mass, tone


def _bootstrap(
    mass: np.ndarray, tone: np.ndarray, *, n_boot: int, seed: int, chunk: int = 64
) -> tuple[np.ndarray, np.ndarray]:
    """Column sums of mass and tone over `n_boot` resamples of the articles (rows).

    Replicates are drawn in chunks so memory stays at chunk x articles, whatever the corpus.
    """
    rng = np.random.default_rng(seed)
    n = mass.shape[0]
    mass_sums, tone_sums = [], []
    for first in range(0, n_boot, chunk):
        size = min(chunk, n_boot - first)
        draws = rng.integers(0, n, size=(size, n))
        counts = np.stack([np.bincount(d, minlength=n) for d in draws]).astype(float)
        mass_sums.append(counts @ mass)
        tone_sums.append(counts @ tone)
    return np.vstack(mass_sums), np.vstack(tone_sums)


def _period_indices(
    label: str, rows: Sequence[StatementRow], vectors: VectorSet, *, n_boot: int, seed: int
) -> PeriodIndices:
    names = list(vectors.vectors)
    k = len(names)
    articles, mass, tone = _masses(rows, vectors, names)
    totals = mass.sum(axis=0)
    grand = float(totals.sum())
    shares = totals / grand if grand > 0 else np.full(k, np.nan)
    boot_shares = boot_tone = None
    if grand > 0 and n_boot > 0 and len(articles) > 1:
        boot_mass, boot_tone_sum = _bootstrap(mass, tone, n_boot=n_boot, seed=seed)
        with np.errstate(invalid="ignore", divide="ignore"):
            boot_shares = boot_mass / boot_mass.sum(axis=1, keepdims=True)
            boot_tone = boot_tone_sum / boot_mass
    by_vector: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    touched: dict[str, set[str]] = defaultdict(set)
    n_statements: Counter[str] = Counter()
    for row in rows:
        for vector in dict.fromkeys(v for p in row.partners for v in vectors.weights(p)):
            by_vector[vector][row.polarity][row.domain] += 1
            touched[vector].add(row.article_id)
            n_statements[vector] += 1
    figures = []
    for i, name in enumerate(names):
        share = float(shares[i]) if grand > 0 else None
        mean_tone = float(tone[:, i].sum() / totals[i]) if totals[i] > 0 else None
        figures.append(
            VectorFigures(
                vector=name,
                share=_interval(share, boot_shares[:, i] if boot_shares is not None else None),
                tone=_interval(mean_tone, boot_tone[:, i] if boot_tone is not None else None),
                cooperation=dict(sorted(by_vector[name]["cooperation"].items())),
                tension=dict(sorted(by_vector[name]["tension"].items())),
                statements=n_statements[name],
                articles=len(touched[name]),
            )
        )
    ordered = sorted(range(k), key=lambda i: (-(shares[i] if grand > 0 else 0), names[i]))
    top = [float(shares[i]) for i in ordered[:3]] if grand > 0 else []
    bal = eff_exp = eff_hhi = None
    boot_bal = boot_exp = boot_hhi = None
    if grand > 0:
        s = [float(x) for x in shares]
        bal, eff_exp, eff_hhi = balance(s, k), math.exp(entropy(s)), 1 / sum(x * x for x in s)
        if boot_shares is not None:
            valid = boot_shares[~np.isnan(boot_shares).any(axis=1)]
            boot_bal = np.array([balance(list(r), k) for r in valid])
            boot_exp = np.array([math.exp(entropy(list(r))) for r in valid])
            boot_hhi = 1 / (valid**2).sum(axis=1)
    return PeriodIndices(
        period=label,
        articles=len(articles),
        statements=len(rows),
        vectors=tuple(figures),
        balance=_interval(bal, boot_bal),
        effective_exp=_interval(eff_exp, boot_exp),
        effective_hhi=_interval(eff_hhi, boot_hhi),
        lead_ratio=_ratio(top[0], top[1]) if len(top) > 1 else None,
        top3_ratio=_ratio(top[0], top[2]) if len(top) > 2 else None,
        top3=tuple(names[i] for i in ordered[:3]) if grand > 0 else (),
    )


def compute_indices(
    rows: Iterable[StatementRow],
    vectors: VectorSet,
    *,
    by: Period = ALL,
    n_boot: int = 1000,
    seed: int = 0,
) -> list[PeriodIndices]:
    """Indices for the whole corpus (`all`) and, with `by`, for every period in between."""
    rows = sorted(rows, key=lambda r: (r.article_id, r.partners, r.intensity))
    out = [_period_indices(ALL, rows, vectors, n_boot=n_boot, seed=seed)]
    if by == ALL:
        return out
    grouped: dict[str, list[StatementRow]] = defaultdict(list)
    for row in rows:
        label = period_of(row.published, by)
        if label is not None:
            grouped[label].append(row)
    for label in _all_periods(grouped, by):
        out.append(
            _period_indices(label, grouped.get(label, []), vectors, n_boot=n_boot, seed=seed)
        )
    return out


def load_statement_rows(
    store: Store | ReadOnlyDB, *, focus: str | None = None
) -> Iterator[StatementRow]:
    """Stored statements (of one focal country, or all) with their article's date."""
    from . import store as tables

    s, a = tables.statements, tables.articles
    query = (
        sa.select(
            s.c.article_id, a.c.published, s.c.partners, s.c.polarity, s.c.domain, s.c.intensity
        )
        .join(a, a.c.id == s.c.article_id)
        .order_by(s.c.article_id, s.c.char_start, s.c.char_end)
    )
    if focus is not None:
        query = query.where(s.c.focus == focus)
    with store.engine.connect() as conn:
        for row in conn.execute(query):
            yield StatementRow(
                row.article_id,
                row.published,
                tuple(row.partners),
                row.polarity,
                row.domain,
                float(row.intensity),
            )


def stored_foci(store: Store | ReadOnlyDB) -> list[str]:
    """Focal countries that have statements in the store, most statements first."""
    from . import store as tables

    s = tables.statements
    query = (
        sa.select(s.c.focus, sa.func.count())
        .where(s.c.focus.is_not(None))
        .group_by(s.c.focus)
        .order_by(sa.func.count().desc(), s.c.focus)
    )
    with store.engine.connect() as conn:
        return [row[0] for row in conn.execute(query)]


def vector_indices(
    store: Store | ReadOnlyDB,
    *,
    focus: str | None = None,
    vectors: VectorSet,
    by: Period = ALL,
    n_boot: int = 1000,
) -> list[PeriodIndices]:
    """The indices of a stored corpus for one focal country."""
    return compute_indices(load_statement_rows(store, focus=focus), vectors, by=by, n_boot=n_boot)


INDEX_COLUMNS = (
    "period",
    "vector",
    "share",
    "share_ci",
    "tone",
    "coop",
    "tension",
    "statements",
    "articles",
    "balance",
    "balance_ci",
    "eff_exp",
    "eff_hhi",
    "lead_ratio",
    "top3_ratio",
)


def _ci(interval: Interval) -> str | None:
    if interval.low is None or interval.high is None:
        return None
    return f"{interval.low:.3f}-{interval.high:.3f}"


def flatten(periods: Sequence[PeriodIndices]) -> list[dict[str, object]]:
    """One row per period (vector '*': the balance figures) and per vector, largest first."""
    rows: list[dict[str, object]] = []
    for p in periods:
        rows.append(
            {
                "period": p.period,
                "vector": "*",
                "share": None,
                "share_ci": None,
                "tone": None,
                "coop": None,
                "tension": None,
                "statements": p.statements,
                "articles": p.articles,
                "balance": p.balance.value,
                "balance_ci": _ci(p.balance),
                "eff_exp": p.effective_exp.value,
                "eff_hhi": p.effective_hhi.value,
                "lead_ratio": p.lead_ratio,
                "top3_ratio": p.top3_ratio,
            }
        )
        ranked = sorted(p.vectors, key=lambda v: (-(v.share.value or 0.0), v.vector))
        for v in ranked:
            rows.append(
                {
                    "period": p.period,
                    "vector": v.vector,
                    "share": v.share.value,
                    "share_ci": _ci(v.share),
                    "tone": v.tone.value,
                    "coop": sum(v.cooperation.values()),
                    "tension": sum(v.tension.values()),
                    "statements": v.statements,
                    "articles": v.articles,
                    "balance": None,
                    "balance_ci": None,
                    "eff_exp": None,
                    "eff_hhi": None,
                    "lead_ratio": None,
                    "top3_ratio": None,
                }
            )
    return rows
