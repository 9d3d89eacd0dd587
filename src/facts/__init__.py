"""facts: every figure and date in a pile of articles, as a typed ledger with exact spans."""
from __future__ import annotations

__version__ = "0.1.0"

from .documents import Document, InputError, load_document, load_documents  # noqa: E402
from .ledger import Ledger, LedgerError  # noqa: E402
from .models import KINDS, ClaimRecord, Flag, Mention  # noqa: E402
from .pipeline import ProcessedDocument, Summary, extract, extract_documents, process_document, process_paths  # noqa: E402
from .rules import RuleError, RuleSet, load_rules  # noqa: E402

__all__ = [
    "KINDS", "ClaimRecord", "Document", "Flag", "InputError", "Ledger", "LedgerError", "Mention",
    "ProcessedDocument", "RuleError", "RuleSet", "Summary",
    "extract", "extract_documents", "load_document", "load_documents", "load_rules", "process_document",
    "process_paths",
]
