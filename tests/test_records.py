"""Records pickle as constructor calls (`Record.__reduce__`), whatever their field count."""

from __future__ import annotations

import pickle
from dataclasses import dataclass

import pytest

from multivector.records import Record, Span


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
