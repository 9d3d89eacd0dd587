"""The checks file (`rules/en/checks.yaml`): which checkers run, their words and parameters, and examples that run as tests."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import regex
from pydantic import PrivateAttr

from ..engine.rulefiles import RuleError, RuleFileModel, load_data_file
from ..engine.rules import CheckRules, RuleSet, cached_rules
from ..models import Severity
from .checkers import CHECKERS
from .comparable import Vocabulary


class ExpectedFlag(RuleFileModel):
    a: str
    b: str


class CheckExample(RuleFileModel):
    """Texts (one article each) and the pairs the check must flag in them, by their words."""

    doc: str | None = None
    articles: list[str]
    flags: list[ExpectedFlag]


class Check(RuleFileModel):
    id: str
    checker: str
    severity: Severity
    doc: str | None = None
    cues: list[str] = []
    params: dict[str, Any] = {}
    examples: list[CheckExample] = []
    _cues: list[regex.Pattern] = PrivateAttr(default_factory=list)

    def cued(self, sentence: str | None) -> bool:
        """True when the check has no cues, or one of them is in the sentence."""
        return not self._cues or any(cue.search(sentence or "") for cue in self._cues)


class ChecksFile(RuleFileModel):
    doc: str | None = None
    comparable: Vocabulary = Vocabulary()
    checks: list[Check]


def load_checks_file(rules: RuleSet | CheckRules | None = None, path: Path | str | None = None) -> ChecksFile:
    """The checks and the comparison vocabulary, validated: unknown checkers, duplicate ids and broken
    cues are errors naming the file and line."""
    rules = rules or cached_rules()
    path = Path(path) if path else rules.root / "checks.yaml"
    loaded = load_data_file(ChecksFile, path)
    seen: set[str] = set()
    for check in loaded.checks:
        if check.checker not in CHECKERS:
            raise RuleError(path, check.line, f"check {check.id}: unknown checker {check.checker!r}; "
                                              f"expected one of {', '.join(sorted(CHECKERS))}")
        if check.id in seen:
            raise RuleError(path, check.line, f"duplicate check id {check.id!r}")
        seen.add(check.id)
        for cue in check.cues:
            try:
                check._cues.append(regex.compile(cue, regex.IGNORECASE))
            except regex.error as exc:
                raise RuleError(path, check.line, f"check {check.id}: broken cue {cue!r}: {exc}") from None
    return loaded


def load_checks(rules: RuleSet | None = None, path: Path | str | None = None) -> list[Check]:
    return load_checks_file(rules, path).checks


@lru_cache(maxsize=4)
def cached_checks(rules: RuleSet | CheckRules) -> ChecksFile:
    return load_checks_file(rules)
