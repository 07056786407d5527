"""The one record schema of multivector.

Everything an extraction step produces is a frozen dataclass here. Offsets are stand-off:
`start` inclusive, `end` exclusive, Python `str` indices into `Article.text`, which is
never rewritten. `to_json()` gives the public `extract` JSONL shape; new fields may be
added, existing ones are never renamed or dropped.
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

MentionKind = Literal["country", "bloc", "org", "metonym", "demonym"]
QuoteKind = Literal["direct", "indirect"]
Domain = Literal[
    "economy", "energy", "security", "diplomacy", "culture", "migration", "transport", "other"
]
Polarity = Literal["cooperation", "tension", "neutral"]
Modality = Literal["fact", "forecast", "opinion", "recommendation"]


def content_hash(text: str) -> str:
    """Key an article by its text so that re-ingesting the same article is a no-op."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


#: Field values `to_json` passes through as they are: most fields, so tested first and cheaply.
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    """The JSON-ready form of a field value: records and dataclasses as dicts, sequences as
    lists, anything else as it is."""
    if isinstance(value, Record):
        return value.to_json()
    if isinstance(value, tuple | list):
        return [v if type(v) in _SCALARS else _plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


class _Layout(NamedTuple):
    """A record class's field names and a reader of all their values at once."""

    names: tuple[str, ...]
    values: Callable[[Any], tuple[Any, ...]]


_LAYOUTS: dict[type, _Layout] = {}


def _layout(cls: type) -> _Layout:
    """The layout of a record class, built once: `to_json` and pickling run once per record
    in a run, and `dataclasses.fields` plus a getattr loop was most of their cost."""
    layout = _LAYOUTS.get(cls)
    if layout is None:
        names = tuple(f.name for f in dataclasses.fields(cls))
        getter = operator.attrgetter(*names)  # reads the values in C
        if len(names) == 1:  # attrgetter of one name returns the bare value
            layout = _Layout(names, lambda record: (getter(record),))
        else:
            layout = _Layout(names, getter)
        _LAYOUTS[cls] = layout
    return layout


class Record:
    """Mixin: JSON-ready dict in the public field order, and compact pickling."""

    __slots__ = ()

    def to_json(self) -> dict[str, Any]:
        names, values = _layout(type(self))
        return {
            name: value if type(value) in _SCALARS else _plain(value)
            for name, value in zip(names, values(self), strict=True)
        }

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        """Pickle as the constructor call: records travel between Dask workers and the
        writer, and this is about twice as fast both ways as the slots dataclass default."""
        cls = type(self)
        return cls, _layout(cls).values(self)


@dataclass(frozen=True, slots=True)
class Span(Record):
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Boilerplate(Record):
    """Site chrome inside the text; later steps skip it."""

    start: int
    end: int
    rule: str = ""


@dataclass(frozen=True, slots=True)
class Article(Record):
    """One article as read: raw text plus metadata. `published` is ISO `YYYY-MM-DD` or None."""

    id: str
    doc: str
    path: str
    text: str
    title: str | None = None
    source: str | None = None
    published: str | None = None
    language: str | None = None
    encoding: str | None = None
    format: str = "txt"
    url: str | None = None
    boilerplate: tuple[Boilerplate, ...] = ()

    def metadata(self) -> dict[str, Any]:
        """Everything but the text and the spans, in the public field order of `extract`."""
        return {
            "doc": self.doc,
            "path": self.path,
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "published": self.published,
            "language": self.language,
            "encoding": self.encoding,
            "format": self.format,
            "url": self.url,
        }


@dataclass(frozen=True, slots=True)
class Skip(Record):
    """An input that could not be read; never dropped silently."""

    path: str
    reason: str
    line: int | None = None

    @property
    def message(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: skipped: {self.reason}"


@dataclass(frozen=True, slots=True)
class Mention(Record):
    start: int
    end: int
    surface: str
    actor: str
    kind: MentionKind
    place: bool = False
    in_name: bool = False
    ethnic: bool = False


@dataclass(frozen=True, slots=True)
class Person(Record):
    """A person within one article; `id` is article-local, `key` links across the corpus."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    country: str | None = None
    key: str = ""
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Quote(Record):
    speaker: str | None
    speaker_id: str | None
    speaker_mention: str | None
    text: str
    start: int
    end: int
    kind: QuoteKind
    cue: str | None


@dataclass(frozen=True, slots=True)
class Statement(Record):
    start: int
    end: int
    partners: tuple[str, ...]
    vectors: tuple[str, ...]
    domain: Domain
    polarity: Polarity
    intensity: float
    modality: Modality
    speaker: str | None = None
    focus: str | None = None


@dataclass(frozen=True, slots=True)
class Forecast(Record):
    start: int
    end: int
    text: str
    speaker: str | None
    about: tuple[str, ...]
    horizon: str | None
    window: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Quantity(Record):
    start: int
    end: int
    text: str
    value: float | None
    unit: str | None


@dataclass(frozen=True, slots=True)
class Extraction(Record):
    """Everything extracted from one article; the unit the store writes and `extract` prints.

    Boilerplate spans belong to the article itself (ingestion finds them, since the headline
    is the first line that is not chrome).
    """

    article: Article
    mentions: tuple[Mention, ...] = ()
    persons: tuple[Person, ...] = ()
    quotes: tuple[Quote, ...] = ()
    statements: tuple[Statement, ...] = ()
    forecasts: tuple[Forecast, ...] = ()
    numbers: tuple[Quantity, ...] = ()
    extras: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_json(self) -> dict[str, Any]:
        a = self.article
        out: dict[str, Any] = {
            **a.metadata(),
            "boilerplate": [b.to_json() for b in a.boilerplate],
        }
        for name in RECORD_FIELDS:
            out[name] = [r.to_json() for r in getattr(self, name)]
        if a.format != "txt":  # offsets point into extracted text the user has no copy of
            out["text"] = a.text
        return out


RECORD_FIELDS = (
    "mentions",
    "persons",
    "quotes",
    "statements",
    "forecasts",
    "numbers",
)
