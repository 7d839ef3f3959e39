"""Hungarian alphabetical order in Python (lms_plugin.collation): ICU when PyICU is installed,
the pure-Python key otherwise; both must give the order a Hungarian reader expects."""

from __future__ import annotations

import random

import pytest

from lms_plugin import collation
from lms_plugin.listing import hungarian_key

EXPECTED = [
    "Ábrahám Ágnes",
    "Balogh Ágnes",
    "Balogh Márta",
    "Cecília",
    "Cseh Csaba",
    "Dénes",
    "Dzsida Dénes",
    "Éles Éva",
    "Gál Gergő",
    "Győri Gyula",
    "Nagy Nóra",
    "Nyári Nándor",
    "Oláh Olga",
    "Ördög Ödön",
    "Őri Őze",
    "Sándor Sára",
    "Szabó Szilvia",
    "Urbán Ubul",
    "Ügyes Ülő",
    "Űrös Űrhajós",
    "Zoltán Zita",
    "Zsigmond Zsófia",
]


@pytest.mark.parametrize("key", [hungarian_key, collation.sort_key], ids=["pure-python", "module"])
def test_names_sort_in_the_hungarian_alphabet(key: object) -> None:
    shuffled = EXPECTED[:]
    random.Random(17).shuffle(shuffled)
    assert sorted(shuffled, key=key) == EXPECTED  # type: ignore[arg-type]


def test_sorted_hu_takes_a_key_and_survives_missing_names() -> None:
    rows = [{"n": "Győri"}, {"n": None}, {"n": "Gál"}, {"n": "Ágnes"}]
    assert [r["n"] for r in collation.sorted_hu(rows, key=lambda r: r["n"])] == [
        None,
        "Ágnes",
        "Gál",
        "Győri",
    ]


def test_icu_is_used_when_installed() -> None:
    try:
        import icu  # noqa: F401
    except ImportError:
        assert not collation.has_icu()
    else:
        assert collation.has_icu()
