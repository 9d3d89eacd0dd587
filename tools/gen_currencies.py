"""Write `rules/en/lexicon/currencies_cldr.yaml` from Babel's copy of the Unicode CLDR.

Every ISO 4217 currency that some country uses today, with its code, its
English name (singular and plural, `Danish krone`, `Danish kroner`), the name
without its country (`kroner`, `zlotys`, `rand`) and the symbols CLDR's
locales write for it (`zł`, `Kč`, `RM`, `₪`). A symbol or bare name that
several currencies share (`kr`, `¥`, `francs`, `som`) is listed in
`shared_currency_cldr`, so the pipeline reads it by the article's country
(`country_currency_cldr`, from CLDR's territory currencies), as it does the
hand table's `Rs` and `manat`. The file is committed, so loading rules needs no
Babel; `rules/en/lexicon/currencies.yaml` holds the hand entries, which win.

    python tools/gen_currencies.py            # rewrite the file
    python tools/gen_currencies.py --check    # exit 1 if the file is not what Babel makes now
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import babel
import pint
from babel import Locale, localedata
from babel.numbers import get_currency_name, get_territory_currencies
from lexicon_file import dump, write_or_check

OUT = Path(__file__).resolve().parents[1] / "src" / "facts" / "rules" / "en" / "lexicon" / "currencies_cldr.yaml"

# ISO codes that are also English words or names in capitals (`ALL 5 MEMBERS`, `PHP 8`, `TOP 10`): never a code.
NOT_CODES = {"ALL", "TOP", "CUP", "MOP", "PEN", "SOS", "MAD", "BAM", "PHP", "CVE", "BOB", "RON"}
# Signs that are also words before a number in running text (`Le 5 mai`, `Ar 5`): never a sign.
NOT_SIGNS = {"Le", "Ar", "Rf"}
# Bare names that are also English words (`5 real reasons`, `10 marks`): only with their country's adjective.
NOT_BARE = {"real", "reals", "sol", "soles", "mark", "marks", "won", "pula", "loti", "maloti", "leone", "leones",
            "dollar", "dollars", "euro", "euros", "gold", "islands dollar", "islands dollars"}
# The world's reserve currencies: where they share a sign or name (`$`, `£`, `dollars`), news means them,
# so the sign is not read by the article's country.
RESERVE = {"USD", "EUR", "GBP"}


def current_currencies(en: Locale) -> dict[str, list[str]]:
    """Country name -> the currencies it uses today, from CLDR's territory data."""
    out: dict[str, list[str]] = {}
    for code, name in sorted(en.territories.items()):
        if len(code) == 2 and code.isalpha():
            currencies = get_territory_currencies(code, tender=True)
            if currencies:
                out[name] = currencies
    return out


def symbols(codes: set[str]) -> dict[str, set[str]]:
    """Symbol -> currencies, from every locale of a country that uses the currency (`zł` from pl_PL). A short
    abbreviation in Latin letters (`RM`, `Rp`) only where English-language locales write it (en_MY)."""
    found: dict[str, set[str]] = defaultdict(set)
    for ident in localedata.locale_identifiers():
        locale = Locale.parse(ident)
        if not locale.territory:
            continue
        for code in get_territory_currencies(locale.territory, tender=True):
            symbol = (locale.currency_symbols.get(code) or "").strip()
            if (code not in codes or not symbol or symbol == code or symbol in NOT_SIGNS
                    or not _usable(symbol, locale.language == "en")):
                continue
            found[symbol].add(code)
    return found


def _usable(symbol: str, english: bool) -> bool:
    if any(c in symbol for c in "\u200b\u200e\u200f") or symbol.isspace():
        return False
    if symbol.isascii() and symbol.replace(".", "").isalpha():
        return len(symbol) >= 2 and (english or len(symbol) > 3)  # `K`, `L` are never signs; `Le 5 mai` is French
    return True


def _is_unit(ureg: pint.UnitRegistry, word: str) -> bool:
    """A currency word that is also a unit of measure (`pound`) stays with the hand table (`currency_after_scale`)."""
    try:
        ureg.Unit(word)
    except Exception:  # pint raises several kinds of error for a word it does not know
        return False
    return True


def _without_country(name: str) -> set[str]:
    """`danish kroner` -> `kroner`; `israeli new shekels` -> `shekels`, `new shekels`; `euro` -> nothing."""
    words = name.split(" ")
    return {" ".join(words[i:]) for i in range(1, len(words)) if len(words) - i <= 2}


def tables() -> dict:
    en = Locale("en")
    ureg = pint.UnitRegistry()
    by_country = current_currencies(en)
    codes = {c for cs in by_country.values() for c in cs}
    prefix: dict[str, str] = {c: c for c in sorted(codes) if c not in NOT_CODES}
    suffix: dict[str, str] = {}
    shared: dict[str, set[str]] = defaultdict(set)
    countries = defaultdict(int)
    for cs in by_country.values():
        countries[cs[0]] += 1

    def first(owners: set[str]) -> str:
        """The reading before the country settles it: the currency of the most countries (`francs` XOF)."""
        return min(owners, key=lambda c: (-countries[c], c))

    for symbol, owners in sorted(symbols(codes).items()):
        prefix[symbol] = first(owners)
        if not symbol.isascii() or "$" in symbol:  # a sign, not letters: also after the amount (`50 zł`)
            suffix[symbol] = first(owners)
        if len(owners) > 1 and not owners & RESERVE:
            shared[symbol] |= owners
    bare: dict[str, set[str]] = defaultdict(set)
    for code in sorted(codes):
        for count in (1, 2):
            name = get_currency_name(code, count=count, locale="en").lower()
            suffix.setdefault(name, code)
            for short in _without_country(name):
                if short not in NOT_BARE and not _is_unit(ureg, short):
                    bare[short].add(code)
    for word, owners in sorted(bare.items()):
        suffix.setdefault(word, first(owners))
        if len(owners) > 1 and not owners & RESERVE:
            shared[word] |= owners
    return {
        "currency_prefix_cldr": {
            "case": "exact", "doc": "ISO codes and the symbols CLDR's locales write, before or after the amount.",
            "entries": prefix},
        "currency_suffix_cldr": {
            "doc": "English names, singular and plural, with and without the country (`Danish kroner`, `kroner`).",
            "entries": dict(sorted(suffix.items()))},
        "currency_code": {
            "case": "exact", "doc": "ISO codes, after the amount (`500 billion KZT`).",
            "entries": {c: c for c in sorted(codes) if c not in NOT_CODES}},
        "shared_currency_cldr": {
            "doc": "Signs and names several currencies share, read by the article's country.",
            "entries": {k: sorted(v) for k, v in sorted(shared.items())}},
        "country_currency_cldr": {
            "doc": "A country's currency today (CLDR territory data), to read a shared one.",
            "entries": {name: cs[0] for name, cs in by_country.items()}},
    }


def render() -> str:
    data = {"doc": f"GENERATED by tools/gen_currencies.py from Babel {babel.__version__} (CLDR); do not edit "
                   "(hand entries go in currencies.yaml).",
            "tables": tables()}
    return dump(data, flow_leaves=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed file differs")
    return write_or_check(OUT, render(), parser.parse_args(argv).check)


if __name__ == "__main__":
    sys.exit(main())
