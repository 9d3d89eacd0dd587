"""Claim-level diff: edits of a seed article, the copies of the seed articles, files, folders,
ledgers, and the CLI's exit status through its entry point (`main`, in this process)."""
from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from conftest import CliRun, run_cli

from facts import Document, Ledger, process_document, process_paths
from facts.diff import Change, diff_article, diff_claims, diff_ledgers, diff_paths, format_changes
from facts.text.segment import segment

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"
MONGOLIA, CUTLER, FAZL = "Chimguundari", "Robert M. Cutler", "Syed Fazl-e-Haider"
COPIES = {MONGOLIA: ("000", "001", "002"), CUTLER: ("000", "002"), FAZL: ("000", "001")}


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def article_of(page: str, author: str) -> str:
    """One article's text cut out of a page."""
    found = next(a for a in segment(page) if a.author and a.author.startswith(author))
    return page[found.start:found.end]


def claims_of(text: str, doc: str = "a.txt") -> list:
    return process_document(Document(doc=doc, path=doc, text=text, encoding="utf-8")).claims


@pytest.fixture(scope="module")
def article() -> str:
    return article_of(seed("002"), MONGOLIA)


def move_paragraph(text: str) -> str:
    paragraphs = text.split("\n\n")
    paragraphs.insert(12, paragraphs.pop(6))
    return "\n\n".join(paragraphs)


def reflow(text: str) -> str:
    return "\n\n".join(textwrap.fill(p, 60) for p in text.split("\n\n"))


FIGURE = ("to $93 million", "to $97 million")
EDITS: dict[str, tuple[Callable[[str], str], list[tuple]]] = {
    "figure": (lambda t: t.replace(*FIGURE), [("changed", "money", ("value",), "$97 million")]),
    "year": (lambda t: t.replace("Japarov's 2023 visit", "Japarov's 2021 visit"),
             [("changed", "date", ("value", "period"), "2021")]),
    "qualifier": (lambda t: t.replace("nearly $10 million", "over $10 million"),
                  [("changed", "money", ("qualifier",), "$10 million")]),
    "sentence removed": (lambda t: t.replace(" The visit to Uzbekistan yielded 14 bilateral agreements and the"
                                             " inauguration of Mongolia's Embassy in Tashkent.", ""),
                         [("removed", "count", (), "14")]),
    "paragraph moved": (move_paragraph, []),
    "lines reflowed": (reflow, []),
}


def signature(changes: list[Change]) -> list[tuple]:
    return [(c.status, c.kind, tuple(c.fields), c.side.text) for c in changes]


@pytest.mark.parametrize("name", list(EDITS))
def test_each_edit_gives_exactly_its_changes(article, name):
    edit, expected = EDITS[name]
    edited = edit(article)
    assert edited != article
    assert signature(diff_claims(claims_of(article), claims_of(edited))) == expected


def test_all_edits_at_once(article):
    edited = article
    for name in ("figure", "year", "qualifier", "sentence removed", "paragraph moved"):
        edited = EDITS[name][0](edited)
    changes = diff_claims(claims_of(article), claims_of(edited))
    expected = [e for name in ("sentence removed", "year", "figure", "qualifier") for e in EDITS[name][1]]
    assert signature(changes) == expected  # in the order of the text


def test_reflowed_lines_align_every_claim(article):
    """Reflowing lines keeps every claim's partner and value."""
    changes = diff_claims(claims_of(article), claims_of(reflow(article)))
    assert [c for c in changes if c.status != "changed" or {"value", "unit", "qualifier"} & set(c.fields)] == []


def test_a_change_reads_as_what_changed_and_where(article):
    (change,) = diff_claims(claims_of(article), claims_of(article.replace(*FIGURE)))
    assert change.describe().startswith("changed value: 93 million USD -> 97 million USD in 'Kazakhstan's exports")
    assert change.old.location == change.new.location == "a.txt:2773-2784"
    assert change.new.quote.endswith("to $97 million during the same period.")
    assert format_changes([change]).endswith("changes in claims: 1 changed")
    assert format_changes([]) == ""


def test_same_value_written_otherwise_is_no_change():
    old = claims_of("Trade reached US$ 3.74 billion in 2024.")
    new = claims_of("Trade  reached\u00a0$3,740 million\nin 2024.")
    assert diff_claims(old, new) == []


@pytest.mark.parametrize("author", list(COPIES))
def test_copies_cut_from_their_pages_have_the_same_claims(author):
    first, *others = [claims_of(article_of(seed(page), author), page) for page in COPIES[author]]
    for other in others:
        assert diff_claims(first, other) == []


@pytest.mark.parametrize("author", list(COPIES))
def test_copies_in_a_ledger_have_the_same_claims(seed_ledger, author):
    with Ledger(seed_ledger) as ledger:
        articles = ledger.articles()
        story = articles.loc[articles["author"].str.startswith(author, na=False), "story"].iloc[0]
        assert format_changes(diff_article(ledger, story)) == ""


def test_versions_of_one_file_in_a_ledger(tmp_path, article):
    page, ledger_path = tmp_path / "page.txt", tmp_path / "ledger.db"
    with Ledger(ledger_path) as ledger:
        for text in (article, article.replace(*FIGURE)):
            page.write_text(text, encoding="utf-8")
            list(process_paths([str(page)], ledger=ledger))
        articles = ledger.articles(current_only=False)
        assert len(articles) == 2 and articles["story"].nunique() == 1
        by_story = diff_article(ledger, articles["story"].iloc[0])
        by_article_id = diff_article(ledger, int(articles["id"].iloc[1]))
    assert signature(by_story) == signature(by_article_id) == EDITS["figure"][1]


def test_folders_pair_files_by_name(tmp_path, article):
    old, new = tmp_path / "old", tmp_path / "new"
    (old / "sub").mkdir(parents=True)
    (new / "sub").mkdir(parents=True)
    (old / "sub" / "a.txt").write_text(article, encoding="utf-8")
    (new / "sub" / "a.txt").write_text(article.replace(*FIGURE), encoding="utf-8")
    (old / "gone.txt").write_text(article, encoding="utf-8")
    (new / "new.txt").write_text(article, encoding="utf-8")
    changes = diff_paths(old, new)
    by_file = {(c.status, c.side.location.split(":")[0]) for c in changes}
    assert by_file == {("removed", "gone.txt"), ("added", "new.txt"), ("changed", "sub/a.txt")}
    n = len(claims_of(article))
    assert [c.status for c in changes] == ["removed"] * n + ["added"] * n + ["changed"]


def test_two_ledgers(tmp_path, article):
    ledgers = []
    for name, text in (("old", article), ("new", article.replace(*FIGURE))):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.txt").write_text(text, encoding="utf-8")
        ledgers.append(Ledger(tmp_path / f"{name}.db"))
        list(process_paths([str(tmp_path / name)], ledger=ledgers[-1]))
    assert signature(diff_ledgers(*ledgers)) == EDITS["figure"][1]
    for ledger in ledgers:
        ledger.close()


# ---- the command line ------------------------------------------------------------------


def facts(*args: str) -> CliRun:
    """`facts diff ARGS`, with $NO_COLOR unset: no colour must come of the output not being a terminal."""
    return run_cli("diff", *args, clean=("NO_COLOR", "REFERENCE_DATE", "FACTS_RULES"))


@pytest.fixture
def versions(tmp_path, article) -> tuple[Path, Path]:
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(article, encoding="utf-8")
    new.write_text(move_paragraph(article).replace(*FIGURE), encoding="utf-8")
    return old, new


def test_cli_exit_status_like_diff(versions, tmp_path):
    old, new = versions
    same = facts(str(old), str(old))
    assert (same.returncode, same.stdout) == (0, "")
    changed = facts(str(old), str(new))
    assert changed.returncode == 1
    assert "changed value: 93 million USD -> 97 million USD" in changed.stdout
    assert "\x1b[" not in changed.stdout  # not a terminal: no colour
    nowhere = tmp_path / "nowhere.txt"
    missing = facts(str(old), str(nowhere))
    assert missing.returncode == 2 and missing.stderr.strip() == f"facts: {nowhere}: no such file or directory"
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    unreadable = facts(str(old), str(tmp_path / "binary.txt"))
    assert unreadable.returncode == 2 and str(tmp_path / "binary.txt") in unreadable.stderr
    assert len(unreadable.stderr.splitlines()) == 1
    assert facts(str(old)).returncode == 2


def test_cli_jsonl_and_xlsx(versions, tmp_path):
    old, new = versions
    jsonl = facts(str(old), str(new), "--format", "jsonl")
    assert jsonl.returncode == 1
    assert Change.model_validate_json(jsonl.stdout.splitlines()[0]).fields == ["value"]
    book = tmp_path / "changes.xlsx"
    assert facts(str(old), str(new), "--format", "xlsx", "-o", str(book)).returncode == 1
    sheet = openpyxl.load_workbook(book)["Changes"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:U2"
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("new value") + 1).value == "97 million USD"


def test_cli_ledgers_and_article(tmp_path, versions):
    old, new = versions
    ledger = tmp_path / "ledger.db"
    for path in versions:
        extracted = run_cli("extract", str(path), "--ledger", str(ledger), "-o", str(tmp_path / "out.jsonl"))
        assert extracted.returncode == 0, extracted.stderr
    with Ledger(ledger) as held:
        story = held.articles()["story"].iloc[0]
    assert facts("--ledger", str(ledger), "--article", story).returncode == 1
    assert facts(str(ledger), str(ledger)).returncode == 0
    assert facts("--ledger", str(ledger), "--article", "nope").returncode == 2
    assert facts(str(ledger), str(tmp_path / "none.db")).returncode == 2
