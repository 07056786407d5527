"""Vectors definitions: choosing by focus, weights, validation, consistency with the gazetteer."""

from __future__ import annotations

from pathlib import Path

import pytest

from multivector.actors import load_gazetteer
from multivector.config import data_path
from multivector.errors import ConfigError
from multivector.vectors import load_vectors


@pytest.mark.parametrize(
    ("args", "focus", "name"),
    [
        ({"focus": "KAZ"}, "KAZ", "Kazakhstan"),
        ({"focus": "kaz"}, "KAZ", "Kazakhstan"),
        ({"path_or_name": "kazakhstan"}, "KAZ", "Kazakhstan"),
        ({"focus": "UKR"}, "UKR", "Generic major powers"),
        ({}, None, "Generic major powers"),
        ({"path_or_name": "kazakhstan", "focus": "UZB"}, "UZB", "Kazakhstan"),
    ],
)
def test_load_picks_definition(args: dict[str, str], focus: str | None, name: str) -> None:
    vset = load_vectors(**args)
    assert (vset.focus, vset.name) == (focus, name)


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("SCO", {"RUSSIA": 0.5, "CHINA": 0.5}),
        ("EAEU", {"RUSSIA": 1.0}),
        ("OTS", {"TURKIC": 1.0}),
        ("AFG", {"CENTRAL_ASIA": 0.5, "ISLAMIC": 0.5}),
        ("WEST", {"WEST": 1.0}),
        ("KAZ", {}),  # the focus is never a partner
        ("BRA", {}),
    ],
)
def test_kazakhstan_weights(actor: str, expected: dict[str, float]) -> None:
    assert load_vectors(focus="KAZ").weights(actor) == expected


def test_default_drops_the_focus_from_its_own_vector() -> None:
    assert load_vectors(focus="RUS").weights("RUS") == {}
    assert load_vectors(focus="UKR").weights("RUS") == {"RUSSIA": 1.0}


def test_user_file(tmp_path: Path) -> None:
    path = tmp_path / "ruritania.toml"
    path.write_text(
        'focus = "RUR"\n[vectors.NORTH]\nlabel = "North"\nmembers = { DEU = 1.0, SCO = 0.25 }\n',
        encoding="utf-8",
    )
    vset = load_vectors(path)
    assert vset.focus == "RUR"
    assert vset.labels == {"NORTH": "North"}
    assert vset.weights("SCO") == {"NORTH": 0.25}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('focus = "Kazakhstan"\n[vectors.A]\nmembers = { RUS = 1 }\n', "ISO3"),
        ("[vectors.A]\nmembers = { RUS = 0 }\n", "weight"),
        ('[vectors.A]\nmembers = { RUS = "high" }\n', "weight"),
        ('[vectors.A]\nlabel = "A"\n', "members"),
        ('focus = "KAZ"\n', "no \\[vectors"),
    ],
)
def test_invalid_files_fail_loudly(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_vectors(path)


def test_missing_file_names_bundled_choices() -> None:
    with pytest.raises(ConfigError, match="kazakhstan"):
        load_vectors("no-such-vectors.toml")


@pytest.mark.parametrize("path", sorted(data_path("vectors").glob("*.toml")), ids=lambda p: p.stem)
def test_bundled_vector_members_are_gazetteer_codes(path: Path) -> None:
    """A member code the mentions step never produces would silently count nothing."""
    codes = {entry.actor for entry in load_gazetteer().forms.values()}
    assert load_vectors(path).actors - codes == set()
