"""Rule files as data: YAML read with the line of every key, validated into typed models, every mistake
reported with file and line (`RuleError`), because a rule that fails silently is worse than no rule."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..models import KINDS

NEGATIVE = "negative"


class RuleFileModel(BaseModel):
    """A mapping of a rules folder's YAML: a key it does not know is a mistake, and it knows its line
    (`__line__`, from `read_yaml`), so an error names where it stands."""

    model_config = ConfigDict(extra="forbid")

    line: int = Field(default=0, alias="__line__")


class RuleError(Exception):
    """A rule file that cannot be used; the message names the file and line."""

    def __init__(self, path: Path | str, line: int | None, reason: str):
        self.path, self.line, self.reason = str(path), line, reason
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {reason}")


def without_line_key(value: Any) -> Any:
    """Mappings of names carry the loader's `__line__` key; it is no name."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k != "__line__"}
    return value


class Example(RuleFileModel):
    """Text a rule must find, with what it must find there; `span` defaults to the whole text."""

    text: str
    span: str | None = None
    value: Any = None
    unit: str | None = None
    qualifier: str | None = None
    low: Any = None
    high: Any = None
    mod: str | None = None
    relative: bool | None = None
    resolved: str | None = None
    reference: str | None = None


class Rule(RuleFileModel):
    id: str
    pattern: str
    priority: int = 0
    doc: str | None = None
    examples: list[Example] = []
    counter_examples: list[str] = []
    kind: str = ""
    path: str = ""
    # Whether the rule reads the number tokens (`{num}`); unsaid, its file's `on_tokens` says.
    on_tokens: bool | None = None

    @field_validator("counter_examples", mode="before")
    @classmethod
    def _plain_strings(cls, value: Any) -> Any:
        return [c["text"] if isinstance(c, dict) and "text" in c else c for c in value or []]


class RuleFile(RuleFileModel):
    kind: str
    doc: str | None = None
    # Every rule of the kind starts its match at an anchor: it is tried at anchors only (faster).
    starts_at_anchor: bool = False
    # The kind's rules run over the text with its numbers masked as tokens (`{num}`; engine/tokens.py); a
    # rule may say otherwise.
    on_tokens: bool = False
    rules: list[Rule]

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in KINDS and kind != NEGATIVE:
            raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS + (NEGATIVE,))}")
        return kind


class LexiconTable(RuleFileModel):
    """Phrases and what they mean; the table's name is also a `{name}` for patterns."""

    case: Literal["insensitive", "exact"] = "insensitive"
    doc: str | None = None
    # A table (a generated one, `units_registry.yaml`) whose entries this one starts from; its own entries win.
    base: str | None = None
    entries: dict[str, Any]

    _entries = field_validator("entries", mode="before")(without_line_key)


class LexiconFile(RuleFileModel):
    doc: str | None = None
    tables: dict[str, LexiconTable]

    _tables = field_validator("tables", mode="before")(without_line_key)


class TokenInText(RuleFileModel):
    """A class of numbers read in the text from a number's start to its end (engine/tokens.py, IN_TEXT)."""

    in_text: str


class PatternsFile(RuleFileModel):
    doc: str | None = None
    patterns: dict[str, str]
    # The number pass (engine/tokens.py): `number`, what a number is, and the classes of numbers by name.
    tokens: dict[str, str | TokenInText] = {}

    _patterns = field_validator("patterns", mode="before")(without_line_key)
    _tokens = field_validator("tokens", mode="before")(without_line_key)


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml, the C parser, when present
    """Records the line of every mapping as `__line__`, so errors can point at it."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


def strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


def read_yaml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise RuleError(path, mark.line + 1 if mark else None, f"not valid YAML: {exc.problem}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(path, None, f"cannot read: {exc}") from None
    if not isinstance(data, dict):
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        line = node.start_mark.line + 1 if node is not None else 1
        raise RuleError(path, line, "expected a mapping at the top of the file")
    return data


def key_lines(path: Path, section: str) -> dict[str, int]:
    """Line of each key of a top-level mapping (`patterns:`), for errors about one entry."""
    node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    for key, value in node.value if isinstance(node, yaml.MappingNode) else ():
        if key.value == section and isinstance(value, yaml.MappingNode):
            return {k.value: k.start_mark.line + 1 for k, _ in value.value}
    return {}


def validated(model: type[BaseModel], data: dict, path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        node: Any = data
        line = data.get("__line__")
        for key in err["loc"]:
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                break
            if isinstance(node, dict) and "__line__" in node:
                line = node["__line__"]
        where = ".".join(str(k) for k in err["loc"])
        reason = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        raise RuleError(path, line, f"{where}: {reason}") from None


def load_data_file(model: type[BaseModel], path: Path | str) -> Any:
    """Read and validate a YAML data file (checks, layout cues, attribution), errors with file and line."""
    path = Path(path)
    return validated(model, read_yaml(path), path)
