"""Compiled patterns kept on disk between processes, as Python keeps compiled modules in `__pycache__`.

Both regex engines parse a pattern in Python and hand what they make of it (a list of opcodes and the
group tables) to their C core. For the rules that parsing is most of what a command spends before it
reads its first character, so the hand-over is recorded once per pattern and replayed by later
processes, which then build the pattern in the C core directly.

The record is each engine's private interface (`regex._regex.compile`, `re._compiler._sre.compile`),
so it is read back only by the same engines: the file's name holds the Python build and the `regex`
version, and its content a checksum. Where an engine is not shaped as this module expects, or
`$FACTS_CACHE_DIR` is `off`, or the folder cannot be written, patterns are compiled as usual, only more
slowly. `tests/test_compiled.py` checks that a replayed pattern matches as a compiled one.
"""
from __future__ import annotations

import atexit
import hashlib
import marshal
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

import regex

try:
    import re._compiler as _re_compiler
except ImportError:  # not this CPython's private module: nothing recorded for `re`
    _re_compiler = None

CACHE_DIR_ENV = "FACTS_CACHE_DIR"
# Entries no process has used for this many days are dropped when the file is written again, and of
# the entries this process did not use, the most recently used are kept up to this many times as many
# as it used, or KEEP_AT_LEAST (a few rule sets: a command that compiles a few patterns of its own
# must not drop the rules): a rule author's edits leave a few earlier versions of the rules, not all.
KEEP_DAYS = 30
KEEP_OTHERS = 3
KEEP_AT_LEAST = 1500
_FORMAT = 1
_ENGINES = f"{sys.version}|{sys.implementation.cache_tag}|regex {regex.__version__}|{_FORMAT}"
_ENGINE_TAG = hashlib.blake2b(_ENGINES.encode(), digest_size=8).hexdigest()


def cache_dir() -> Path | None:
    """`$FACTS_CACHE_DIR` (`off` for none), else `$XDG_CACHE_HOME/facts`, else `~/.cache/facts`."""
    value = os.environ.get(CACHE_DIR_ENV)
    if value is not None and value.strip():
        return None if value.strip().lower() == "off" else Path(value)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "facts"


class _Recorder:
    """Stands in for an engine's C module while one pattern is compiled, and keeps what `compile` got."""

    def __init__(self, core):
        self._core = core
        self.thread = threading.get_ident()
        self.args: tuple | None = None

    def compile(self, *args):
        if threading.get_ident() == self.thread:
            self.args = args
        return self._core.compile(*args)

    def __getattr__(self, name: str):
        return getattr(self._core, name)


class PatternCache:
    """Recorded hand-overs by key (engine, flags, pattern), read from and written to one file."""

    def __init__(self, folder: Path | None):
        self.path = folder / f"patterns-{_ENGINE_TAG}.marshal" if folder is not None else None
        self.entries: dict[str, list] = {}
        self.used: dict[str, int] = {}
        self.used_here: set[str] = set()
        self.dirty = False
        self._loaded = False
        self._lock = threading.Lock()

    def compile_regex(self, pattern: str, flags: int = 0) -> regex.Pattern:
        """`regex.compile(pattern, flags)`, replayed where it was recorded."""
        return self._compiled("regex", pattern, flags, regex._main, "_regex", lambda: regex.compile(pattern, flags))

    def compile_re(self, pattern: str, flags: int = 0) -> re.Pattern:
        """`re.compile(pattern, flags)`, replayed where it was recorded."""
        return self._compiled("re", pattern, flags, _re_compiler, "_sre", lambda: re.compile(pattern, flags))

    def _compiled(self, engine: str, pattern: str, flags: int, module, core_name: str, compile_it):
        if self.path is None or module is None or not hasattr(module, core_name):
            return compile_it()
        key = hashlib.blake2b(f"{engine}\0{int(flags)}\0{pattern}".encode(), digest_size=16).hexdigest()
        with self._lock:
            self._load()
            args = self.entries.get(key)
        core = getattr(module, core_name)
        if args is not None:
            try:
                compiled = core.compile(*args)
            except Exception:  # a record this engine does not take: compile it again, below
                compiled = None
            if compiled is not None and compiled.pattern == pattern:
                self._use(key)
                return compiled
        with self._lock:
            recorder = _Recorder(core)
            setattr(module, core_name, recorder)
            try:
                compiled = compile_it()
            finally:
                setattr(module, core_name, core)
        record = _plain(recorder.args) if recorder.args is not None else None
        if record is not None:
            with self._lock:
                self.entries[key] = record
                self._use(key)
                self.dirty = True
        return compiled

    def remembered(self, computed_by: str, key: str, compute):
        """`compute()`, kept with the patterns: a value (strings, numbers, lists, None) derived from `key`
        alone by the code of the module file `computed_by` (its content is part of the key, so an edit
        of that code is never answered from the cache)."""
        if self.path is None:
            return compute()
        source = _source_digest(computed_by)
        digest = hashlib.blake2b(f"value\0{source}\0{key}".encode(), digest_size=16).hexdigest()
        with self._lock:
            self._load()
            if digest in self.entries:
                self._use(digest)
                return self.entries[digest]
        value = compute()
        try:
            marshal.dumps(value)
        except ValueError:
            return value
        with self._lock:
            self.entries[digest] = value
            self._use(digest)
            self.dirty = True
        return value

    def _use(self, key: str) -> None:
        self.used[key] = _today()
        self.used_here.add(key)

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        try:
            data = self.path.read_bytes()
        except OSError:
            return
        digest, payload = data[:32], data[32:]
        if hashlib.blake2b(payload, digest_size=32).digest() != digest:
            return
        try:
            entries, used = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return
        if isinstance(entries, dict) and isinstance(used, dict):
            self.entries, self.used = entries, used

    def save(self) -> None:
        """Write the file if this process recorded a pattern: whole or not at all (a temporary file
        renamed over it), so a process killed meanwhile or another one writing too leaves a good file."""
        with self._lock:
            if not self.dirty or self.path is None:
                return
            oldest = _today() - KEEP_DAYS
            others = sorted((k for k in self.entries if k not in self.used_here and self.used.get(k, 0) >= oldest),
                            key=lambda k: -self.used.get(k, 0))
            keep = {k: self.entries[k] for k in [*self.used_here, *others[:max(KEEP_AT_LEAST, KEEP_OTHERS * len(self.used_here))]]}
            payload = marshal.dumps((keep, {k: self.used[k] for k in keep}))
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".patterns-", suffix=".tmp")
                try:
                    with os.fdopen(fd, "wb") as out:
                        out.write(hashlib.blake2b(payload, digest_size=32).digest() + payload)
                    os.replace(temp, self.path)
                except BaseException:
                    os.unlink(temp)
                    raise
            except OSError:
                return  # a folder that cannot be written: the next process compiles again
            self.dirty = False


_sources: dict[str, str] = {}


def _source_digest(path: str) -> str:
    if path not in _sources:
        _sources[path] = hashlib.blake2b(Path(path).read_bytes(), digest_size=16).hexdigest()
    return _sources[path]


def _today() -> int:
    return int(time.time() // 86400)


def _plain(args: tuple) -> list | None:
    """The record as marshal writes it (flags are `IntFlag`s: their ints), or None where it holds more."""
    def plain(value):
        if isinstance(value, bool) or value is None or type(value) in (str, float, bytes):
            return value
        if isinstance(value, int):
            return int(value)
        if isinstance(value, (list, tuple)):
            items = [plain(v) for v in value]
            return items if isinstance(value, list) else tuple(items)
        if isinstance(value, dict):
            return {plain(k): plain(v) for k, v in value.items()}
        raise ValueError(type(value).__name__)

    try:
        record = [plain(a) for a in args]
        marshal.dumps(record)
    except ValueError:
        return None
    return record


_cache: PatternCache | None = None


def pattern_cache() -> PatternCache:
    """The process's cache, for the folder `cache_dir` gives when it is first asked for."""
    global _cache
    if _cache is None:
        _cache = PatternCache(cache_dir())
        atexit.register(_cache.save)
    return _cache


def compile_regex(pattern: str, flags: int = 0) -> regex.Pattern:
    return pattern_cache().compile_regex(pattern, flags)


def compile_re(pattern: str, flags: int = 0) -> re.Pattern:
    return pattern_cache().compile_re(pattern, flags)


def remembered(computed_by: str, key: str, compute):
    return pattern_cache().remembered(computed_by, key, compute)
