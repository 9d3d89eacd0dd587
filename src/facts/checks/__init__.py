"""Flag claims that cannot both hold: across articles, and inside one article.

The checks and their words are data (`rules/en/checks.yaml`, with examples that
run as tests); the arithmetic is here, one function per checker. Claims are
grouped by key and never compared all against all, so a million claims are
checked in seconds. Copies of one article (the same `story`) are versions, not
independent sources: they are never flagged against each other, and do not
count as corroboration.

`corpus` reads claims into comparable facts, `across` and `within` hold the checkers, `flags` runs them
(`find_flags`); `checkfile` loads `rules/en/checks.yaml` and `comparable` says which facts meet.
"""
from .checkfile import load_checks, load_checks_file
from .corpus import Corpus
from .flags import corroboration, find_flags, flag_places

__all__ = ["Corpus", "corroboration", "find_flags", "flag_places", "load_checks", "load_checks_file"]
