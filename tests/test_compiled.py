"""Compiled patterns kept between processes (`facts.engine.compiled`): a pattern built from the cache
matches as one compiled anew, and a cache that is damaged, switched off or cannot be written only
makes a start slower."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import regex

import facts
from facts.engine import compiled
from facts.engine.compiled import PatternCache
from facts.engine.rules import cached_rules

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"


def _text() -> str:
    """A page of the seeds: figures, dates and money enough for every kind."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.iterdir()) if p.is_file())[:30_000]


def _matches(pattern, text: str) -> list[tuple]:
    return [(m.span(), m.groupdict()) for m in pattern.finditer(text)]


def _replayed(cache_dir: Path, monkeypatch) -> PatternCache:
    """A cache read back from `cache_dir`, which fails the test if it compiles any pattern itself."""
    cache = PatternCache(cache_dir)

    def no_compiling(*args, **kwargs):
        raise AssertionError("compiled a pattern the cache holds")

    monkeypatch.setattr(regex, "compile", no_compiling)
    monkeypatch.setattr(re, "compile", no_compiling)
    return cache


def test_a_rule_kind_built_from_the_cache_matches_as_compiled(tmp_path, monkeypatch):
    rules = cached_rules()
    text = _text()
    first = PatternCache(tmp_path)
    kinds = {kind: first.compile_regex(rules.combined[kind].pattern, rules.combined[kind].flags)
             for kind in ("money", "date")}
    anchor = first.compile_re(rules.anchor.pattern, rules.anchor.flags)
    first.save()
    assert (tmp_path / first.path.name).is_file()

    again = _replayed(tmp_path, monkeypatch)
    for kind, pattern in kinds.items():
        replayed = again.compile_regex(pattern.pattern, pattern.flags)
        assert replayed is not pattern
        assert _matches(replayed, text) == _matches(pattern, text), kind
    replayed_anchor = again.compile_re(anchor.pattern, anchor.flags)
    assert type(replayed_anchor) is re.Pattern
    assert _matches(replayed_anchor, text) == _matches(anchor, text)


def test_a_remembered_value_is_computed_once_and_again_when_its_code_changes(tmp_path):
    code = tmp_path / "code.py"
    code.write_text("one\n")
    calls = []

    def compute():
        calls.append(1)
        return ["a", "b"]

    first = PatternCache(tmp_path)
    assert first.remembered(str(code), "key", compute) == ["a", "b"]
    first.save()
    assert PatternCache(tmp_path).remembered(str(code), "key", compute) == ["a", "b"]
    assert len(calls) == 1

    code.write_text("two\n")
    compiled._sources.clear()
    assert PatternCache(tmp_path).remembered(str(code), "key", compute) == ["a", "b"]
    assert len(calls) == 2


def test_a_damaged_cache_file_is_compiled_past_and_written_anew(tmp_path):
    first = PatternCache(tmp_path)
    first.compile_regex(r"(?P<n>\d+)\s*km", regex.VERSION1)
    first.save()
    data = bytearray(first.path.read_bytes())
    data[-5] ^= 0xFF
    first.path.write_bytes(bytes(data))

    regex.purge()  # as a new process would: `regex` keeps its own patterns for the process
    again = PatternCache(tmp_path)
    pattern = again.compile_regex(r"(?P<n>\d+)\s*km", regex.VERSION1)
    assert pattern.search("some 12 km away").group("n") == "12"
    assert again.dirty
    again.save()
    assert PatternCache(tmp_path).compile_regex(r"(?P<n>\d+)\s*km", regex.VERSION1).search("3km").group("n") == "3"


def test_the_cache_keeps_what_this_process_used_and_a_few_times_as_much_of_earlier_rules(tmp_path, monkeypatch):
    """A rule author's edits each make new patterns: the file keeps the latest, not all of them."""
    monkeypatch.setattr(compiled, "KEEP_AT_LEAST", 2)
    earlier = PatternCache(tmp_path)
    for n in range(10):
        earlier.compile_regex(rf"(?P<n>\d+)\s*unit{n}")
    earlier.save()
    regex.purge()
    now = PatternCache(tmp_path)
    now.compile_regex(r"(?P<n>\d+)\s*edited")
    now.save()

    kept = PatternCache(tmp_path)
    kept._load()
    assert len(kept.entries) == 1 + max(compiled.KEEP_AT_LEAST, compiled.KEEP_OTHERS)
    assert now.used_here <= set(kept.entries)


def test_a_cache_switched_off_or_unwritable_writes_nothing_and_still_compiles(tmp_path, monkeypatch):
    monkeypatch.setenv(compiled.CACHE_DIR_ENV, "off")
    assert compiled.cache_dir() is None
    off = PatternCache(None)
    assert off.compile_regex(r"\d+").match("42").group() == "42"
    off.save()

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    cache = PatternCache(blocked / "cache")
    assert cache.compile_re(r"\d+").match("42").group() == "42"
    cache.save()
    assert blocked.read_text() == "not a folder"


def test_a_second_process_builds_the_rules_from_the_cache_the_first_wrote():
    """A start after this one, as a user makes it: it compiles no rule pattern (the library's own small
    patterns, a glob's, are compiled as ever). A subprocess because the cache is read when a process
    starts; this process, which has extracted, wrote the cache (the test run's own, conftest)."""
    facts.extract("Trade reached $3 billion in 2024.")
    compiled.pattern_cache().save()  # what this process's exit does
    probe = ("import regex, re, facts, facts.pipeline\n"
             "def refusing(compile):\n"
             "    def refuse(pattern, *a, **k):\n"
             "        if len(str(pattern)) > 300: raise AssertionError('compiled: ' + str(pattern)[:80])\n"
             "        return compile(pattern, *a, **k)\n"
             "    return refuse\n"
             "regex.compile, re.compile = refusing(regex.compile), refusing(re.compile)\n"
             "assert facts.extract('Trade reached $3 billion in 2024.')\n")
    src = Path(__file__).resolve().parents[1] / "src"
    env = {"FACTS_CACHE_DIR": os.environ["FACTS_CACHE_DIR"], "PATH": "/usr/bin:/bin", "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
