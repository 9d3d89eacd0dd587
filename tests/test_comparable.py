"""Which claims speak of one fact: the metric read into a family and a modality, periods as days,
subjects matched as sets. The vocabulary is the bundled rules' (`checks.yaml`, `comparable:`)."""
from __future__ import annotations

from datetime import date

import pytest

from facts.checks import load_checks_file
from facts.checks.comparable import period_days, subject_confidence, subject_partners

VOCAB = load_checks_file().comparable


@pytest.mark.parametrize("metric, outlook, read", [
    ("foreign trade turnover", None, ("trade", "outturn")),
    ("Trade Turnover", None, ("trade", "outturn")),
    ("foreign trade growth", None, ("trade growth", "outturn")),
    ("production target", None, ("production", "plan")),
    ("production plan", "plan", ("production", "plan")),
    ("production", "forecast", ("production", "forecast")),
    ("cost estimate", "estimate", ("value", "outturn")),
    ("exports", None, ("exports", "outturn")),
    ("imports", None, ("imports", "outturn")),
    ("gdp share", None, ("gdp share", "outturn")),
])
def test_a_metric_is_read_into_its_family_and_modality(metric, outlook, read):
    assert VOCAB.read_metric(metric, outlook) == read


@pytest.mark.parametrize("metric", [None, "", "plan", "target"])
def test_a_metric_of_nothing_but_a_modality_is_not_compared(metric):
    assert VOCAB.read_metric(metric, None) is None


def test_periods_are_the_days_they_cover():
    year = (date(2024, 1, 1), date(2024, 12, 31))
    assert period_days("2024") == period_days("2024-01/2024-12") == year
    assert period_days("2024-01/2024-07") == (date(2024, 1, 1), date(2024, 7, 31))
    assert period_days(None) is None
    assert period_days("XXXX-03") is False


def test_subjects_meet_themselves_and_the_smaller_sets_they_hold():
    kz_cn, kz, kg_cn = frozenset({"Kazakhstan", "China"}), frozenset({"Kazakhstan"}), frozenset({"Kyrgyzstan", "China"})
    partners = subject_partners([kz_cn, kz, kg_cn])
    assert partners[kz_cn] == [kz_cn, kz]
    assert partners[kg_cn] == [kg_cn]  # China alone is no subject here, and Kazakhstan-China only shares a part
    assert partners[kz] == [kz]


def test_a_flow_named_by_one_end_is_surer_where_the_other_is_its_articles_topic():
    kz_cn, kz = frozenset({"Kazakhstan", "China"}), frozenset({"Kazakhstan"})
    assert subject_confidence(kz_cn, kz_cn, "trade", frozenset(), VOCAB) == (1.0, None)
    assert subject_confidence(kz_cn, kz, "trade", frozenset({"China"}), VOCAB)[0] == VOCAB.confidence.topic_partner
    assert subject_confidence(kz_cn, kz, "trade", frozenset(), VOCAB)[0] == VOCAB.confidence.subset
    assert subject_confidence(kz_cn, kz, "length", frozenset({"China"}), VOCAB)[0] == VOCAB.confidence.subset
