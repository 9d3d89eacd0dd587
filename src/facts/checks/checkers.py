"""The checkers by the name `rules/en/checks.yaml` gives them: each reads the corpus and yields findings."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from .across import event_date_conflict, source_discrepancy, value_conflict
from .corpus import Corpus, Fact
from .within import (
    conversion_vs_figure,
    duration_vs_period,
    multiplier_vs_figures,
    percent_change_vs_figures,
    ratio_vs_figures,
    share_of_total,
)

if TYPE_CHECKING:
    from .checkfile import Check

CHECKERS: dict[str, Callable[[Corpus, Check], Iterator[tuple[Fact, Fact, str]]]] = {
    "value_conflict": value_conflict,
    "source_discrepancy": source_discrepancy,
    "conversion_vs_figure": conversion_vs_figure,
    "event_date_conflict": event_date_conflict,
    "multiplier_vs_figures": multiplier_vs_figures,
    "percent_change_vs_figures": percent_change_vs_figures,
    "share_of_total": share_of_total,
    "ratio_vs_figures": ratio_vs_figures,
    "duration_vs_period": duration_vs_period,
}
