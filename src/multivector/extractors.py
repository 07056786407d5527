"""Imports every module that registers an extraction step, in one place.

A module joins the default pipeline by defining a `@step` and being listed here.
"""

from __future__ import annotations

STEP_MODULES: tuple[str, ...] = (
    "actors",
    "quantities",
    "persons",
    "quotes",
    "forecasts",
    "relations",
)

for _name in STEP_MODULES:
    __import__(f"multivector.{_name}")
