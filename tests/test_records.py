"""Records pickle as constructor calls whatever their field count, and `to_json` gives the
public JSON shape of their fields."""

from __future__ import annotations

import dataclasses
import json
import pickle
from dataclasses import dataclass
from pathlib import Path

import pytest

from multivector import api
from multivector.records import RECORD_FIELDS, Extraction, Record, Span


@dataclass(frozen=True, slots=True)
class OneField(Record):
    """A record of a single field: `attrgetter` of one name returns the bare value."""

    value: tuple[int, ...]


@pytest.mark.parametrize("record", [OneField((1, 2)), Span(3, 9)], ids=["one-field", "span"])
def test_record_pickles_as_its_constructor_call(record: Record) -> None:
    cls, args = record.__reduce__()
    assert cls is type(record)
    assert cls(*args) == record
    assert pickle.loads(pickle.dumps(record)) == record


def test_to_json_is_the_json_image_of_the_dataclass_fields(examples_dir: Path) -> None:
    """`to_json` (field layouts read in C, scalars passed through) gives exactly what the
    generic conversion gives, in the same key order, for every record of a real run."""
    extractions = [r for r in api.extract([examples_dir]) if isinstance(r, Extraction)]
    records: list[Record] = [e.article for e in extractions]
    records += [b for e in extractions for b in e.article.boilerplate]
    records += [r for e in extractions for name in RECORD_FIELDS for r in getattr(e, name)]
    assert {type(r).__name__ for r in records} >= {"Article", "Mention", "Person", "Quote"}
    for record in records:
        generic = json.loads(json.dumps(dataclasses.asdict(record)))  # type: ignore[call-overload]
        assert json.dumps(record.to_json()) == json.dumps(generic)
