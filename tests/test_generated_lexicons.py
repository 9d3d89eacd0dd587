"""The lexicons generated from pint and Babel (`tools/`) are what those packages make now, and read right."""
from __future__ import annotations

import importlib.util
from decimal import Decimal
from pathlib import Path

import pytest

from facts import extract
from facts.engine.rules import cached_rules
from facts.values.normalize import si_of

ROOT = Path(__file__).resolve().parents[1]
LEX = cached_rules().lexicon


def _tool(name: str, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "tools"))  # as `python tools/gen_units.py` runs it
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("tool", "package"), [("gen_units", "pint"), ("gen_currencies", "babel"),
                                               ("gen_countries", "countryinfo")])
def test_the_committed_file_is_what_the_tool_writes(tool, package, monkeypatch):
    pytest.importorskip(package)
    assert _tool(tool, monkeypatch).main(["--check"]) == 0, f"run python tools/{tool}.py"


@pytest.mark.parametrize(("text", "value", "unit", "si_value", "si_unit"), [
    ("a pipeline of 1,735 km", 1735, "km", 1735000, "m"),
    ("a pipeline of 1,140 miles", 1140, "mi", "1834652.16", "m"),
    ("It was 212 °F", 212, "°F", "373.15", "K"),
    ("a 300 hp engine", 300, "hp", "223709.961474681", "kg*m2/s3"),
    ("a 5,000 mAh battery", 5000, "mAh", 18000, "A*s"),
    ("a 50 sqm flat", 50, "m2", 50, "m2"),
    ("torque of 300 lb-ft", 300, "lb-ft", "406.745384499420", "kg*m2/s2"),
    ("600,000 barrels per day", 600000, "bbl/d", "1.10407843700000", "m3/s"),
    ("a 15 kt bomb", 15000, "t", 15000000, "kg"),
])
def test_a_quantity_carries_its_si_value(text, value, unit, si_value, si_unit):
    [m] = [m for m in extract(text) if m.kind == "quantity"]

    assert (m.value, m.unit, m.si_unit) == (value, unit, si_unit)
    assert abs(m.si_value - Decimal(str(si_value))) <= Decimal("1e-9") * abs(m.si_value)


@pytest.mark.parametrize(("text", "si_value"), [("It was 95 degF", "308.15"), ("a 15 kt bomb", "15000000"),
                                               ("250 km/h", "69.4444444444445")])
def test_a_converted_value_holds_the_digits_of_the_registry_and_no_float_noise(text, si_value):
    [m] = [m for m in extract(text) if m.kind == "quantity"]

    assert str(m.si_value) == si_value


def test_a_unit_with_no_si_form_has_none():
    [m] = extract("100 TEU")

    assert (m.unit, m.si_value, m.si_unit) == ("TEU", None, None)
    assert si_of("TEU", LEX) is None


@pytest.mark.parametrize(("text", "unit"), [
    ("RM 5 billion", "MYR"), ("20 billion Danish crowns", "DKK"), ("500 million shekels", "ILS"),
    ("3 billion rand", "ZAR"), ("12 billion zlotys", "PLN"), ("50 zł", "PLN"), ("Kč 300", "CZK"),
    ("NZ$ 7 million", "NZD"), ("HK$ 5 million", "HKD"), ("500 billion KZT", "KZT"),
])
def test_currencies_from_cldr(text, unit):
    [m] = extract(text)

    assert (m.kind, m.text, m.unit) == ("money", text, unit)


def test_shared_signs_stay_readable_by_country():
    assert set(LEX.lookup("shared_currency", "kr")) >= {"NOK", "SEK"}
    assert set(LEX.lookup("shared_currency", "¥")) == {"CNY", "JPY"}
    assert LEX.lookup("shared_currency", "$") is None  # the reserve currencies are not read by country
    assert LEX.lookup("country_currency", "Japan") == "JPY"


@pytest.mark.parametrize(("alias", "canonical"), [
    ("Russian Federation", "Russia"), ("Viet Nam", "Vietnam"), ("Holland", "Netherlands"), ("Hungarians", "Hungary"),
    ("Türkiye", "Turkey"), ("Budapest", "Hungary"), ("Kazakhstani", "Kazakhstan"), ("Chad", "Chad"),
])
def test_every_country_is_named_as_the_hand_table_names_it(alias, canonical):
    from facts.attribution import attribute

    text = f"Trade with {alias} reached $5 billion in 2024."
    (figure, _) = attribute(text, extract(text))
    assert canonical in figure.subject
