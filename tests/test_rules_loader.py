"""The rule loader fails loudly, naming the file and the line of what is wrong.

Each test copies the bundled rules/ to a temporary folder and breaks one thing
there, at a line the test knows, so the tests do not depend on the rules'
current content.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from facts.engine.lexicon import single_spaced
from facts.engine.rulefiles import RuleError
from facts.engine.rules import cached_rules, default_rules_dir, load_rules

ROOT = Path(__file__).resolve().parents[1]
RULES = default_rules_dir()


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


def add_rule_file(rules: Path, body: str, name: str = "zz_broken.yaml") -> Path:
    """A new kind file (sorted last, so it is read after the real ones)."""
    path = rules / name
    path.write_text(body, encoding="utf-8")
    return path


def rule_file(rule_lines: str, kind: str = "percent") -> str:
    """A rule file whose one rule starts on line 4 (the `- id:` line)."""
    return f"kind: {kind}\ndoc: A broken file for a test.\nrules:\n{rule_lines}"


def load_error(rules: Path) -> RuleError:
    with pytest.raises(RuleError) as caught:
        load_rules(rules)
    return caught.value


def assert_points_at(err: RuleError, path: Path, line: int, *words: str) -> None:
    assert (Path(err.path), err.line) == (path, line), str(err)
    message = str(err)
    assert message.startswith(f"{path}:{line}: "), message
    for word in words:
        assert word in message, message


def test_the_copy_itself_loads(rules_copy):
    loaded = load_rules(rules_copy)

    assert loaded.rules and set(loaded.rules) == set(cached_rules().rules)


def test_unknown_key_in_a_rule(rules_copy):
    path = add_rule_file(rules_copy, rule_file(
        "  - id: test.good\n"
        "    pattern: 'zzgood'\n"
        "  - id: test.typo\n"                  # line 6
        "    pattern: 'zzpercent'\n"
        "    exmaples: []\n"))

    assert_points_at(load_error(rules_copy), path, 6, "exmaples", "unknown key")


def test_a_broken_pattern_is_named_by_its_rule_file_and_line(rules_copy):
    path = add_rule_file(rules_copy, rule_file(
        "  - id: test.broken\n"                # line 4
        "    pattern: '(?P<number>\\d+'\n"))

    assert_points_at(load_error(rules_copy), path, 4, "test.broken", "broken pattern")


def test_a_pattern_that_matches_the_empty_string_is_refused(rules_copy):
    path = add_rule_file(rules_copy, rule_file(
        "  - id: test.fine\n"
        "    pattern: 'zz\\d+'\n"
        "\n"
        "  - id: test.empty\n"                 # line 7
        "    pattern: '(?:percent)?'\n"))

    assert_points_at(load_error(rules_copy), path, 7, "test.empty", "empty string")


def test_an_unknown_sub_pattern_is_named(rules_copy):
    path = add_rule_file(rules_copy, rule_file(
        "  - id: test.unknown_name\n"          # line 4
        "    pattern: '{number}{ows}{no_such_pattern}'\n"))

    assert_points_at(load_error(rules_copy), path, 4, "{no_such_pattern}")


def test_a_rule_id_used_twice_names_both_places(rules_copy):
    existing = {rid: rule for rid, rule in cached_rules().rules.items()}
    taken = sorted(existing)[0]
    path = add_rule_file(rules_copy, rule_file(
        "  - id: test.unique\n"
        "    pattern: 'zzunique'\n"
        f"  - id: {taken}\n"                   # line 6
        "    pattern: 'zzduplicate'\n"))

    err = load_error(rules_copy)

    assert_points_at(err, path, 6, "duplicate rule id", repr(taken))
    first = Path(existing[taken].path).name
    assert f"{rules_copy / first}:{existing[taken].line}" in str(err)  # and where it was first


def test_invalid_yaml(rules_copy):
    path = add_rule_file(rules_copy, rule_file(
        "  - id: test.fine\n"
        "    pattern: 'zz'\n"
        "  - id: [test.unclosed\n"             # line 6: the flow sequence never closes
        "    pattern: 'zzz'\n"))

    err = load_error(rules_copy)

    assert Path(err.path) == path and "not valid YAML" in str(err)
    assert err.line in (6, 7), str(err)  # the parser notices at the unclosed bracket or the line after it
    assert str(err).startswith(f"{path}:{err.line}: ")


def test_invalid_yaml_tab_indentation(rules_copy):
    path = add_rule_file(rules_copy, rule_file(
        "  - id: test.fine\n"
        "    pattern: 'zz'\n"
        "\tpriority: 3\n"))                    # line 6: a tab cannot indent YAML

    assert_points_at(load_error(rules_copy), path, 6, "not valid YAML")


def test_top_level_must_be_a_mapping(rules_copy):
    path = add_rule_file(rules_copy, "# a list, not a rule file\n\n- id: test.list\n  pattern: 'zz'\n")

    assert_points_at(load_error(rules_copy), path, 3, "mapping")


def test_a_broken_existing_file_is_named(rules_copy):
    """Breaking a real file (appending a rule to it) names that file and the appended rule's line."""
    path = rules_copy / "percent.yaml"
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    line = text.count("\n") + 1
    path.write_text(text + "  - id: test.appended\n    pattern: '(unclosed'\n", encoding="utf-8")

    assert_points_at(load_error(rules_copy), path, line, "test.appended", "broken pattern")


def test_broken_shared_sub_pattern_names_its_own_line(rules_copy):
    path = rules_copy / "patterns.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index("patterns:") + 1
    lines.insert(at, "  zz_broken: '[unclosed'")

    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    add_rule_file(rules_copy, rule_file("  - id: test.uses_broken\n    pattern: '{number}{zz_broken}'\n"))

    assert_points_at(load_error(rules_copy), path, at + 1, "{zz_broken}", "broken pattern")


def test_not_a_rules_folder(tmp_path):
    err = load_error(tmp_path)

    assert Path(err.path) == tmp_path and "patterns.yaml" in str(err)


def test_cli_reports_a_broken_rule_on_one_line(rules_copy):
    path = add_rule_file(rules_copy, rule_file(
        "  - id: test.broken\n"                # line 4
        "    pattern: '(?P<number>\\d+'\n"))

    result = run_cli("extract", "--rules", str(rules_copy), str(ROOT / "corpus" / "seeds"))

    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert f"{path}:4: " in lines[0] and "test.broken" in lines[0]


_SPACES = [" ", "  ", "\t", "\n", "\r", "\x0b", "\x1c", "\x85", "\xa0", "\u2009", "\u202f", "\u2028", "\u3000", "\u200b"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([*_SPACES, "a", "B", "é", "-", "5", "\x00"]), max_size=12).map("".join))
def test_any_run_of_white_space_reads_as_one_space(text):
    assert single_spaced(text) == " ".join(text.split())


def test_a_table_holds_its_base_under_its_own_entries(rules_copy):
    (rules_copy / "lexicon" / "zz_base.yaml").write_text(
        "doc: A test.\ntables:\n"
        "  zz_generated:\n    entries:\n      furlong: {unit: fur}\n      knot: {unit: wrong}\n"
        "  zz_hand:\n    base: zz_generated\n    entries:\n      knot: {unit: kn}\n", encoding="utf-8")
    lexicon = load_rules(rules_copy).lexicon

    assert lexicon.lookup("zz_hand", "furlong") == {"unit": "fur"}
    assert lexicon.lookup("zz_hand", "knot") == {"unit": "kn"}
    assert lexicon.lookup("zz_generated", "knot") == {"unit": "wrong"}


@pytest.mark.parametrize("base", ["zz_missing", "zz_loop"])
def test_a_base_that_is_missing_or_a_loop_names_the_table(rules_copy, base):
    path = rules_copy / "lexicon" / "zz_base.yaml"
    path.write_text("doc: A test.\ntables:\n"
                    f"  zz_loop:\n    base: zz_hand\n    entries: {{a: 1}}\n"
                    f"  zz_hand:\n    base: {base}\n    entries: {{b: 2}}\n", encoding="utf-8")

    assert_points_at(load_error(rules_copy), path, 7, "base")


def test_installing_without_e_ships_the_rules_in_the_wheel(tmp_path):
    """A plain install has no checkout around it: the rules must come inside the package.
    The wheel is built from a clean copy: a build/ or egg-info left by an earlier build would hide a gap."""
    source = tmp_path / "source"
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("facts-*.whl")
    installed = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(installed)
    shipped = {p.relative_to(installed / "facts" / "rules" / "en") for p in (installed / "facts" / "rules" / "en").rglob("*.yaml")}
    assert shipped == {p.relative_to(RULES) for p in RULES.rglob("*.yaml")}

    # A process of its own: the package as installed from the wheel, on a path with no checkout.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "FACTS_RULES"} | {"PYTHONPATH": str(installed)}
    result = subprocess.run([sys.executable, "-m", "facts", "extract", "--stdin"], input="Trade reached $3 million.",
                            capture_output=True, text=True, timeout=120, cwd=elsewhere, env=env)
    assert result.returncode == 0, result.stderr
    assert '"text": "$3 million"' in result.stdout
