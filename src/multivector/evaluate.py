"""Scoring `extract` output against hand annotations (the schema of ../shared/gold).

The rules follow the gold README: optional gold records (flagged implicit, borderline,
boilerplate, headline, in_name or ethnic) neither reward nor penalise a prediction that
matches them; mentions match on exact span and code; quotes pair one-to-one at
intersection-over-union >= 0.5 (attribution also needs the same speaker, compared by
folded last name); forecasts and numbers pair at IoU >= 0.3; a gold person counts as
merged when all its capitalised name forms fall into one predicted person, and a
predicted person holding two gold persons is a false merge.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .personnames import fold_name

OPTIONAL_FLAGS = ("implicit", "borderline", "boilerplate", "headline", "in_name", "ethnic")
QUOTE_IOU = 0.5
LOOSE_IOU = 0.3

Record = Mapping[str, Any]


@dataclass
class Score:
    """True positives, false positives and false negatives of one record type."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def to_json(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class PersonScore:
    gold_multi_form: int = 0
    merged: int = 0
    false_merges: int = 0
    unmerged: list[str] = field(default_factory=list)

    def add(self, other: PersonScore) -> None:
        self.gold_multi_form += other.gold_multi_form
        self.merged += other.merged
        self.false_merges += other.false_merges
        self.unmerged.extend(other.unmerged)

    def to_json(self) -> dict[str, Any]:
        return {
            "gold_multi_form": self.gold_multi_form,
            "merged": self.merged,
            "false_merges": self.false_merges,
            "unmerged": self.unmerged,
        }


@dataclass
class Evaluation:
    """Scores per record type (and per document), plus persons merged / false merges."""

    scores: dict[str, Score] = field(default_factory=dict)
    persons: PersonScore = field(default_factory=PersonScore)
    per_doc: dict[str, dict[str, Score]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    def metrics(self) -> dict[str, float]:
        """Flat metric name -> value, the keys the quality gate pins floors on."""
        out = {
            f"{name}.{m}": getattr(s, m)
            for name, s in self.scores.items()
            for m in ("precision", "recall", "f1")
        }
        out["persons.merged_share"] = (
            self.persons.merged / self.persons.gold_multi_form
            if self.persons.gold_multi_form
            else 1.0
        )
        out["persons.false_merges"] = float(self.persons.false_merges)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "scores": {k: v.to_json() for k, v in self.scores.items()},
            "persons": self.persons.to_json(),
            "per_doc": {d: {k: v.to_json() for k, v in s.items()} for d, s in self.per_doc.items()},
            "missing": self.missing,
        }


def last_name_key(name: str | None) -> str | None:
    """Folded last word of a speaker name, None for no speaker."""
    if not name:
        return None
    words = re.findall(r"[^\W\d_][\w'’-]*", name)
    return fold_name(words[-1]) if words else fold_name(name)


def is_optional(record: Record) -> bool:
    return any(record.get(flag) for flag in OPTIONAL_FLAGS)


def iou(a: Record, b: Record) -> float:
    inter = min(a["end"], b["end"]) - max(a["start"], b["start"])
    if inter <= 0:
        return 0.0
    union = max(a["end"], b["end"]) - min(a["start"], b["start"])
    return inter / union


def pair(
    predicted: Sequence[Record], gold: Sequence[Record], threshold: float
) -> list[tuple[int, int]]:
    """One-to-one pairs (prediction index, gold index), best overlap first."""
    candidates = sorted(
        ((iou(p, g), i, j) for i, p in enumerate(predicted) for j, g in enumerate(gold)),
        reverse=True,
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for overlap, i, j in candidates:
        if overlap < threshold:
            break
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


def score_spans(
    predicted: Sequence[Record],
    gold: Sequence[Record],
    *,
    threshold: float,
    agree: Callable[[Record, Record], bool] = lambda p, g: True,
) -> Score:
    """Pair core gold first, then let predictions that pair with optional gold go unscored."""
    core = [g for g in gold if not is_optional(g)]
    optional = [g for g in gold if is_optional(g)]
    pairs = pair(predicted, core, threshold)
    tp = sum(1 for i, j in pairs if agree(predicted[i], core[j]))
    paired = {i for i, _ in pairs}
    rest = [p for i, p in enumerate(predicted) if i not in paired]
    ignored = len(pair(rest, optional, threshold))
    return Score(tp=tp, fp=len(predicted) - tp - ignored, fn=len(core) - tp)


def score_mentions(predicted: Sequence[Record], gold: Sequence[Record]) -> Score:
    def key(r: Record) -> tuple[int, int, str]:
        return (r["start"], r["end"], r.get("actor") or r.get("refers_to") or "")

    core = {key(g) for g in gold if not is_optional(g)}
    optional = {key(g) for g in gold if is_optional(g)}
    keys = [key(p) for p in predicted]
    tp = sum(1 for k in keys if k in core)
    ignored = sum(1 for k in keys if k not in core and k in optional)
    return Score(tp=tp, fp=len(keys) - tp - ignored, fn=len(core) - tp)


def _same_speaker(p: Record, g: Record) -> bool:
    return g.get("speaker") is None or last_name_key(p.get("speaker")) == last_name_key(
        g["speaker"]
    )


def _name_forms(person: Record) -> set[str]:
    """Folded capitalised name forms: aliases that are names, not descriptions."""
    forms = set()
    for alias in [person.get("name"), *person.get("aliases", [])]:
        if not alias:
            continue
        words = alias.split()
        if words[0].lower() in {"the", "a", "an"} or any(w.endswith(("'s", "’s")) for w in words):
            continue
        if all(w[:1].isupper() for w in words):
            forms.add(fold_name(alias))
    return forms


def score_persons(predicted: Sequence[Record], gold: Sequence[Record]) -> PersonScore:
    result = PersonScore()
    gold_forms = [(g["name"], _name_forms(g)) for g in gold if not g.get("boilerplate_only")]
    predicted_forms = [_name_forms(p) for p in predicted]
    for name, forms in gold_forms:
        if len(forms) < 2:
            continue
        result.gold_multi_form += 1
        if any(forms <= p for p in predicted_forms):
            result.merged += 1
        else:
            result.unmerged.append(name)
    for forms in predicted_forms:
        owners = {name for name, gforms in gold_forms if forms & gforms}
        if len(owners) > 1:
            result.false_merges += 1
    return result


def evaluate_document(predicted: Record, gold: Record) -> tuple[dict[str, Score], PersonScore]:
    """Scores of one `extract` record against one gold file."""
    quotes_p, quotes_g = predicted.get("quotes", []), gold.get("quotes", [])
    direct_p = [q for q in quotes_p if q.get("kind") == "direct"]
    direct_g = [q for q in quotes_g if q.get("kind") == "direct"]
    scores = {
        "mentions": score_mentions(predicted.get("mentions", []), gold.get("mentions", [])),
        "quotes.span": score_spans(quotes_p, quotes_g, threshold=QUOTE_IOU),
        "quotes.attribution": score_spans(
            quotes_p, quotes_g, threshold=QUOTE_IOU, agree=_same_speaker
        ),
        "quotes.direct_attribution": score_spans(
            direct_p, direct_g, threshold=QUOTE_IOU, agree=_same_speaker
        ),
        "forecasts": score_spans(
            predicted.get("forecasts", []), gold.get("forecasts", []), threshold=LOOSE_IOU
        ),
        "numbers": score_spans(
            predicted.get("numbers", []), gold.get("numbers", []), threshold=LOOSE_IOU
        ),
    }
    return scores, score_persons(predicted.get("persons", []), gold.get("persons", []))


def load_gold(gold_dir: str | Path) -> dict[str, dict[str, Any]]:
    """Gold files keyed by the stem of the article they annotate."""
    directory = Path(gold_dir)
    if not directory.is_dir():
        raise ConfigError(f"{directory}: gold folder not found")
    gold = {}
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read gold file ({exc})") from None
        gold[Path(data.get("doc", path.stem)).stem] = data
    if not gold:
        raise ConfigError(f"{directory}: no gold *.json files")
    return gold


def evaluate(predictions: Iterable[Record], gold: Mapping[str, Record]) -> Evaluation:
    """Score `extract` records against gold, matching documents by file stem."""
    result = Evaluation()
    seen = set()
    for record in predictions:
        stem = Path(str(record.get("doc", ""))).stem
        if stem not in gold:
            continue
        seen.add(stem)
        scores, persons = evaluate_document(record, gold[stem])
        result.per_doc[stem] = scores
        for name, score in scores.items():
            result.scores.setdefault(name, Score()).add(score)
        result.persons.add(persons)
    result.missing = sorted(set(gold) - seen)
    return result


def check_floors(evaluation: Evaluation, floors: Mapping[str, float]) -> list[str]:
    """Metrics that fall below their pinned floor (or above, for counts of errors)."""
    metrics = evaluation.metrics()
    failures = []
    for name, floor in floors.items():
        value = metrics.get(name)
        if value is None:
            failures.append(f"{name}: not measured")
        elif name.endswith("false_merges"):
            if value > floor:
                failures.append(f"{name}: {value:g} > ceiling {floor:g}")
        elif value < floor:
            failures.append(f"{name}: {value:.4f} < floor {floor:.4f}")
    return failures
