"""Write `rules/en/lexicon/units_registry.yaml` from pint's unit registry.

pint keeps the names, symbols, aliases, prefixes and conversion factors of the
units; this script picks the units news writes (`UNITS`, by class) and the
prefixes it uses with each, and writes every way of writing them that pint
knows (name, British spelling, plural, symbol, prefixed forms) as lexicon
entries, with the short unit FORMAT.md gives (`km`, `t`, `m3`, `MW`, `°F`) and
a table of factors to SI base units. The file is committed, so loading rules
needs no pint; units no registry knows (`bcm`, `TEU`, `mtpa`, `bbl/d`) are the
hand entries of `rules/en/lexicon/units.yaml`, which win over these.

    python tools/gen_units.py            # rewrite the file
    python tools/gen_units.py --check    # exit 1 if the file is not what pint makes now
    python tools/gen_units.py --table    # the unit classes covered, for docs/benchmarks.md
"""
from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

import pint
from lexicon_file import dump, write_or_check

OUT = Path(__file__).resolve().parents[1] / "src" / "facts" / "rules" / "en" / "lexicon" / "units_registry.yaml"

# class -> (pint unit, prefixes news writes it with); the selection is ours, every spelling is pint's.
UNITS: dict[str, list[tuple[str, str]]] = {
    "length": [("meter", "pico nano micro milli centi deci kilo"), ("mile", ""), ("foot", ""), ("inch", ""),
               ("yard", ""), ("nautical_mile", ""), ("light_year", ""), ("astronomical_unit", "")],
    "area": [("hectare", ""), ("acre", ""), ("square_mile", ""), ("square_foot", "")],
    "volume": [("liter", "milli centi deci hecto"), ("gallon", ""), ("imperial_gallon", ""), ("oil_barrel", ""),
               ("cup", ""), ("tablespoon", ""), ("teaspoon", ""), ("fluid_ounce", ""), ("pint", ""),
               ("quart", ""), ("cubic_foot", ""), ("bushel", "")],
    "mass": [("gram", "micro milli kilo"), ("metric_ton", "kilo mega"), ("pound", ""), ("ounce", ""),
             ("troy_ounce", ""), ("carat", "")],
    "temperature": [("degree_Celsius", ""), ("degree_Fahrenheit", ""), ("kelvin", "")],
    "speed": [("kilometer_per_hour", ""), ("mile_per_hour", ""), ("meter_per_second", ""), ("knot", "")],
    "rotation": [("revolutions_per_minute", "")],
    "power": [("watt", "kilo mega giga tera"), ("horsepower", "")],
    "energy": [("watt_hour", "kilo mega giga tera"), ("joule", "kilo mega giga"), ("calorie", "kilo"),
               ("electron_volt", "kilo mega giga tera"), ("british_thermal_unit", "")],
    "torque": [("foot_pound", "")],
    "electric charge": [("ampere_hour", "milli")],
    "electric potential": [("volt", "kilo")],
    "pressure": [("pascal", "kilo mega"), ("bar", "milli"), ("psi", "")],
    "frequency": [("hertz", "kilo mega giga")],
    "information": [("bit", "kilo mega giga tera"), ("byte", "kilo mega giga tera peta")],
    "radiation": [("sievert", "micro milli"), ("gray", "milli")],
}
# Square and cubic forms of these lengths (`sq km`, `km²`, `cubic metres`).
SQUARE = ("kilometer", "meter", "centimeter", "mile", "foot", "yard")
CUBIC = ("kilometer", "meter", "centimeter", "foot")
# Units of time as the denominators of rates (`t/year`, `USD/month`, `bbl/d`), for SI values of rates only.
RATE_TIME = {"s": "second", "min": "minute", "h": "hour", "d": "day", "week": "week", "month": "month",
             "year": "year"}
# Where the project's short unit is not pint's symbol (FORMAT.md and the seed gold write these).
SHORT = {"cp": "cup", "oil_bbl": "bbl", "kph": "km/h", "mps": "m/s", "imperial_gal": "imp gal", "floz": "fl oz",
         "ft_lb": "lb-ft", "sq_mi": "mi2", "sq_ft": "ft2", "cu_ft": "ft3", "toz": "ozt"}
# Symbols that are also English words or times of day (`2 pm`, `in`, `at`): never read as units.
NOT_SYMBOLS = {"in", "am", "pm", "at", "atm", "pt", "ton", "cal", "bu", "ct", "au", "cp"}
# Units read only with a prefix: `5 bar` is rarely a pressure in news, `5 mbar` is.
ONLY_PREFIXED = {"bar"}
# Tonnes keep their prefix as a factor: FORMAT.md writes `15 kt` as 15000 t.
AS_FACTOR = {"metric_ton"}
PLURALS = {"feet", "inches"}  # aliases pint gives as plurals already
IRREGULAR_PLURAL = {"foot": "feet", "inch": "inches", "hertz": "hertz", "horsepower": "horsepower",
                    "celsius": "celsius", "fahrenheit": "fahrenheit", "psi": "psi"}


def plural(phrase: str) -> str:
    """`kilometer` -> `kilometers`, `degree Celsius` -> `degrees Celsius`, `mile per hour` -> `miles per hour`."""
    words = phrase.split(" ")
    i = words.index("per") - 1 if "per" in words else (0 if words[0] == "degree" else len(words) - 1)
    word = words[i]
    irregular = next((k for k in IRREGULAR_PLURAL if word.lower().endswith(k)), None)
    if irregular:
        words[i] = word[: len(word) - len(irregular)] + IRREGULAR_PLURAL[irregular]
    elif word in PLURALS:
        pass
    elif not word.endswith("s"):
        words[i] = word + ("es" if word.endswith(("x", "z", "ch", "sh")) else "s")
    return " ".join(words)


def _spoken(name: str) -> str:
    return name.replace("_", " ")


def _number(value: float) -> str:
    """A factor to 15 significant digits, the precision of pint's floats (`0.3048`, not `0.30479999999999996`)."""
    exact = Decimal(f"{float(value):.15g}").normalize()
    return format(exact, "f") if abs(value) >= 1e-6 else str(exact)


def _si(ureg: pint.UnitRegistry, unit: str) -> dict:
    """How a value in `unit` becomes SI base units: K = value * factor + offset."""
    big, zero = ureg.Quantity(1e6, unit).to_base_units(), ureg.Quantity(0, unit).to_base_units()
    offset = float(zero.magnitude)
    factor = (float(big.magnitude) - offset) / 1e6  # over a wide step: the offset's rounding does not show
    base = format(big.units, "~C").replace("**", "")
    out = {"factor": _number(factor), "unit": base}
    if offset:
        out["offset"] = _number(offset)
    return out


def _word_names(definition) -> list[str]:
    """A unit's name and its aliases that are words (`litre`, `metre`), spaced (`degree Celsius`)."""
    def is_word(alias: str) -> bool:
        return (alias.isascii() and alias.islower() and all(len(w) > 3 and w.isalpha() for w in alias.split("_"))
                and not any(w in alias for w in ("international", "avdp", "avoirdupois")))

    return [_spoken(n) for n in (definition.name, *definition.aliases) if n == definition.name or is_word(n)]


def _symbol_aliases(definition) -> list[str]:
    """Aliases written as symbols (`degF`, `KPH`, `BTU`)."""
    return [n for n in definition.aliases if n.isalpha() and not n.islower()]


def _takes_prefix(ureg: pint.UnitRegistry, prefix: str, word: str) -> bool:
    try:
        ureg.Unit(prefix + word.split(" ")[0])
    except (pint.UndefinedUnitError, ValueError, AttributeError):
        return False
    return True


def _spellings(phrase: str, hyphen: bool = True) -> list[str]:
    """A name and its plural, in British spelling too, and with a hyphen where it is two words
    (`kilowatt-hours`, `light-year`)."""
    forms = [phrase, plural(phrase)]
    forms += [f.replace(us, uk) for f in forms for us, uk in (("meter", "metre"), ("liter", "litre")) if us in f]
    if hyphen and phrase.count(" ") == 1 and " per " not in phrase and not phrase.startswith("degree "):
        forms += [f.replace(" ", "-") for f in forms]
    return forms


def entries(ureg: pint.UnitRegistry) -> tuple[dict, dict, list[tuple[str, str]]]:
    """Phrases (any case), SI factors by short unit, and (class, short unit) of every unit."""
    names: dict[str, dict] = {}
    symbols: dict[str, dict] = {}
    si: dict[str, dict] = {}
    classes: list[tuple[str, str]] = []
    for cls, units in UNITS.items():
        for name, prefixes in units:
            definition = ureg._units[name]
            for prefix_name in ([] if name in ONLY_PREFIXED else [""]) + prefixes.split():
                prefix = ureg._prefixes[prefix_name] if prefix_name else None
                symbol = (prefix.symbol if prefix else "") + (definition.symbol or name)
                short = SHORT.get(symbol, symbol)
                meaning: dict = {"unit": short}
                if name in AS_FACTOR and prefix:
                    meaning = {"unit": SHORT.get(definition.symbol, definition.symbol),
                               "factor": _number(prefix.converter.scale)}
                si.setdefault(meaning["unit"], _si(ureg, prefix_name + name if name not in AS_FACTOR or not prefix
                                                   else name))
                # a prefix goes before a name that takes it (`kilowatt hour`, not `kilometric ton`)
                words = [w for w in _word_names(definition) if not prefix or _takes_prefix(ureg, prefix_name, w)]
                for word in words:
                    for form in _spellings(prefix_name + word):
                        names.setdefault(form.lower(), meaning)
                written = {symbol, short, *([] if prefix else _symbol_aliases(definition))}
                if prefix:
                    written |= {p + definition.symbol for p in prefix.aliases if p in ("μ", "mc")}
                for form in written:
                    if len(form) > 1 and form.lower() not in NOT_SYMBOLS and "_" not in form:
                        symbols.setdefault(form, meaning)
                classes.append((cls, short))
    for group, power, word, abbrev, sup in ((SQUARE, 2, "square", "sq", "²"), (CUBIC, 3, "cubic", "cu", "³")):
        for length in group:
            definition = ureg._units[length]
            short = f"{definition.symbol}{power}"
            meaning = {"unit": short}
            si.setdefault(short, _si(ureg, f"{length}**{power}"))
            for spoken in _word_names(definition):
                for form in _spellings(f"{word} {spoken}", hyphen=False):
                    names.setdefault(form.lower(), meaning)
            for form in (short, f"{definition.symbol}{sup}", f"{definition.symbol}^{power}",
                         f"{abbrev} {definition.symbol}", f"{abbrev}. {definition.symbol}",
                         *([f"{abbrev}{definition.symbol}"] if power == 2 else [])):
                symbols.setdefault(form, meaning)
            classes.append(("area" if power == 2 else "volume", short))
    for short, name in RATE_TIME.items():
        si[short] = _si(ureg, name)
    clash = {f for f in symbols if any(g.casefold() == f.casefold() and symbols[g] != symbols[f] for g in symbols)}
    if clash:  # the table is read in any case (`MW`, `mw`), so it cannot hold both
        raise SystemExit(f"symbols that differ only in case: {sorted(clash)}; read them with their case")
    for form, meaning in symbols.items():
        names.setdefault(form.lower(), meaning)
    return names, si, classes


def render(ureg: pint.UnitRegistry) -> str:
    names, si, _ = entries(ureg)
    data = {
        "doc": f"GENERATED by tools/gen_units.py from pint {pint.__version__}; do not edit (hand entries go in "
               "units.yaml). Units by name, plural, symbol and prefix, with the short unit FORMAT.md writes.",
        "tables": {
            "unit_registry": {"doc": "Unit names, plurals and symbols, in any case.",
                              "entries": dict(sorted(names.items()))},
            "unit_si": {"doc": "Short unit -> SI base unit: si_value = value * factor + offset.",
                        "entries": dict(sorted(si.items()))},
        },
    }
    return dump(data, flow_leaves=True)


def table(ureg: pint.UnitRegistry) -> str:
    """The unit classes covered, as the Markdown rows of docs/benchmarks.md: class, units, ways of writing."""
    names, _, classes = entries(ureg)
    units: dict[str, list[str]] = {}
    for cls, short in classes:
        units.setdefault(cls, []).append(short)
    rows = ["| class | short units | written as (some of) |", "|---|---|---|"]
    for cls, shorts in units.items():
        shorts = list(dict.fromkeys(shorts))
        written = [next(n for n, m in names.items() if m["unit"] == u and n != u.lower()) for u in shorts[:4]]
        rows.append(f"| {cls} | {', '.join(shorts)} | {', '.join(f'`{w}`' for w in written)} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed file differs")
    parser.add_argument("--table", action="store_true", help="print the unit classes as a Markdown table")
    args = parser.parse_args(argv)
    if args.table:
        print(table(pint.UnitRegistry()))
        return 0
    return write_or_check(OUT, render(pint.UnitRegistry()), args.check)


if __name__ == "__main__":
    sys.exit(main())
