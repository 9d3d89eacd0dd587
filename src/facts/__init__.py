"""facts: every figure and date in a pile of articles, as a typed ledger with exact spans.

The public names below are loaded when first used, so `import facts` (and the
command line) starts fast and pulls in pandas, openpyxl or rapidfuzz only for
the stages that need them.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "KINDS": "models", "ClaimRecord": "models", "Flag": "models", "Mention": "models",
    "Document": "text.documents", "InputError": "text.documents", "load_document": "text.documents",
    "load_documents": "text.documents",
    "RuleError": "engine.rulefiles", "RuleSet": "engine.rules", "load_rules": "engine.rules",
    "ProcessedDocument": "pipeline", "extract": "pipeline", "process_document": "pipeline",
    "Summary": "run", "extract_documents": "run", "process_paths": "run",
    "Ledger": "ledger", "LedgerError": "ledger",
    "corroboration": "checks", "find_flags": "checks",
    "Change": "diff", "diff_claims": "diff", "diff_ledgers": "diff", "diff_paths": "diff",
    "to_html": "export.report", "import_verdicts": "export.workbook", "to_xlsx": "export.workbook",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'facts' has no attribute {name!r}")
    value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
