"""Natural persons' names known from the ledgers' party fields, kept only as keyed hashes.

Ingest records, for every natural person's name in a party field (当事人 of a 自然人, 法定代表人, 来电人), the
HMAC-SHA256 (configured key) of the name and of its first character in `meta.person_name_hashes`. Nobody
without the key can test a guess against them. With the key, a text is searched by hashing its candidate 2–4
character Han sequences and looking each up in the set: the cost depends on the text, never on how many names
are known. Candidates start at a character that begins some known name (recovered once by hashing every CJK
character), which skips most positions.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache

import duckdb
import pyarrow as pa

from privacy.mask import Finding, texts_not_matching

TABLE = "meta.person_name_hashes"
DDL = f"create table if not exists {TABLE} (kind varchar, h varchar, primary key (kind, h))"
_HAN_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,4}$")
_PLAIN_HAN_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}\Z")
_CJK = range(0x4E00, 0xA000)
MIN_CHARS, MAX_CHARS = 2, 4


def _digest(key: bytes, kind: str, value: str) -> str:
    return hmac.digest(key, f"person_{kind}:{value}".encode(), "sha256").hex()[:32]


@lru_cache(maxsize=1 << 16)
def name_hash(key: bytes, name: str) -> str:
    """The keyed hash of a name as written in a party field (spaces and full-width forms folded)."""
    return _digest(key, "name", name)


@lru_cache(maxsize=1 << 12)
def initial_hash(key: bytes, initial: str) -> str:
    """The keyed hash of a name's first character (a few hundred surnames: each hashed once)."""
    return _digest(key, "initial", initial)


def canonical_name(value: str) -> str | None:
    """The form that is hashed: a 2–4 character Han name, or None (a company, a code, a Latin name)."""
    if _PLAIN_HAN_NAME.match(value):  # most names as written: NFKC leaves these characters as they are
        return value
    v = "".join(unicodedata.normalize("NFKC", value).split())
    return v if _HAN_NAME.match(v) and "·" not in v else None


def _hashed(key: bytes, names: Iterable[str]) -> Iterator[tuple[str, str, str]]:
    """(canonical name, its hash, its first character's hash) of each name that is hashed at all."""
    for raw in names:
        name = canonical_name(raw)
        if name:
            yield name, name_hash(key, name), initial_hash(key, name[0])


def hashed_by_name(key: bytes, names: Iterable[str]) -> dict[str, tuple[str, str, str]]:
    """Each name that is hashed at all → (canonical name, its hash, its first character's hash)."""
    return {raw: row for raw in names for row in _hashed(key, (raw,))}


def _rows(hashed: Iterable[tuple[str, str, str]]) -> list[tuple[str, str]]:
    return sorted({row for _, h, initial in hashed for row in (("name", h), ("initial", initial))})


def hash_rows(key: bytes, names: Iterable[str]) -> list[tuple[str, str]]:
    """(kind, hash) rows for `meta.person_name_hashes`: the name ('name') and its first character ('initial')."""
    return _rows(_hashed(key, names))


def store(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, str]]) -> None:
    """Add names' hashes (`hash_rows`, or what `KnownNames.add` returns) to the warehouse (inside the caller's
    transaction; known hashes are kept once)."""
    if not rows:
        return
    con.execute(DDL)
    # One statement over an Arrow table: `executemany` runs a statement per row (minutes per chunk of a
    # province delivery, where a chunk names tens of thousands of persons).
    batch = pa.table({"kind": [k for k, _ in rows], "h": [h for _, h in rows]})
    con.register("_person_name_hashes_batch", batch)
    try:
        con.execute(f"insert or ignore into {TABLE} select kind, h from _person_name_hashes_batch")
    finally:
        con.unregister("_person_name_hashes_batch")


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


@lru_cache(maxsize=1)
def standard_words() -> re.Pattern[str]:
    """The exchange standard's own words: headers and their spellings, code values and titles, and the Han
    phrases of every rule message. With hundreds of thousands of known names, two-character names are also
    pieces of ordinary words (于立 in 不得早于立案日期, seen at province scale); a known name overlapping one
    of the standard's words is that word, not a person."""
    from data_contracts.compiler import compile_rules
    from data_contracts.model import load_codes, load_contracts

    texts: set[str] = set()
    for contract in load_contracts().values():
        for f in contract.fields:
            texts.update((f.header, *f.synonyms))
        for rule in compile_rules(contract, date.today()):
            texts.add(rule.message_zh)
    for codes in load_codes().values():
        texts.update((codes.title, *codes.values, *codes.aliases, *codes.aliases.values()))
    words = {w for t in texts for w in _HAN_RUN.findall(t)}
    return re.compile("|".join(map(re.escape, sorted(words, key=lambda w: (-len(w), w)))))


class KnownNames:
    """The set of known names' hashes and the characters they start with; `find` yields their occurrences."""

    def __init__(self, key: bytes, names: set[str], initials: set[str]) -> None:
        self.key = key
        self.names = names
        self.initials_hashed = initials
        self.initials = "".join(chr(c) for c in _CJK if _digest(key, "initial", chr(c)) in initials)
        self._compile()

    def _compile(self) -> None:
        chars = re.escape(self.initials)
        # Every position where a known initial starts a run of 2–4 Han characters (overlapping: a lookahead).
        self._candidates = re.compile(f"(?=([{chars}][\u4e00-\u9fff]{{1,3}}))") if chars else None
        self._masked: dict[str, str] = {}  # ledgers repeat short texts (unit names, 处罚依据): mask each once

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, key: bytes, table: str = TABLE) -> KnownNames:
        """The known names of a warehouse connection (empty when the table does not exist yet)."""
        try:  # as numpy arrays: ~3 times faster than rows for half a million names
            sets = [set(con.execute(f"select h from {table} where kind = ?", [kind]).fetchnumpy()["h"].tolist())
                    for kind in ("name", "initial")]
        except duckdb.CatalogException:  # nobody known yet
            sets = [set(), set()]
        return cls(key, *sets)

    def add(self, names: Iterable[str]) -> list[tuple[str, str]]:
        """Learn names (of the chunk being loaded) so its own rows' texts are masked for them too. Returns their
        `hash_rows` (each name is hashed once, for both)."""
        return self.learn(list(_hashed(self.key, names)))

    def learn(self, hashed: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
        """`add` of names hashed already (`hashed_by_name`, by the worker process that read them)."""
        self.remember(hashed)
        return _rows(hashed)

    def remember(self, hashed: list[tuple[str, str, str]]) -> None:
        """`learn` without the rows to store (the worker's copy: the parent stores them)."""
        grew, learned = False, False
        for name, h, initial in hashed:
            if h not in self.names:
                self.names.add(h)
                learned = True
            if name[0] not in self.initials:
                self.initials_hashed.add(initial)
                self.initials += name[0]
                grew = True
        if grew:
            self._compile()
        elif learned:  # a text masked before may hold the new name: forget the masks
            self._masked = {}

    def __bool__(self) -> bool:
        return bool(self.names)

    @property
    def initials_pattern(self) -> str | None:
        """A character class (RE2 and Python) of the known initials, for SQL pre-filters; None when none."""
        return f"[{self.initials}]" if self.initials else None

    def find(self, text: str) -> Iterator[Finding]:
        """Each occurrence of a known name in `text` (the longest at a position; spans never overlap)."""
        if not self.names or self._candidates is None or not text:
            return
        end = -1
        words: list[tuple[int, int]] | None = None  # spans of the standard's words, found at the first hit
        for m in self._candidates.finditer(text):
            start = m.start()
            if start < end:
                continue
            run = m.group(1)
            for length in range(len(run), MIN_CHARS - 1, -1):
                if name_hash(self.key, run[:length]) in self.names:
                    if words is None:
                        words = [w.span() for w in standard_words().finditer(text)]
                    if any(s < start + length and start < e for s, e in words):
                        continue
                    end = start + length
                    yield Finding("person_name", start, end, run[:length])
                    break

    def unchanged_texts(self, texts: set[str]) -> set[str]:
        """Those of `texts` that `mask` returns unchanged, for sure: no known initial followed by a Han character
        (one pass in Rust). Empty for a small set, or initials outside the Han block (checked one by one then)."""
        if not self.names or self._candidates is None:
            return set(texts)
        if not all("\u4e00" <= c <= "\u9fff" for c in self.initials):
            return set()
        return texts_not_matching(texts, f"[{self.initials}][\u4e00-\u9fff]")

    def mask(self, text: str, tag: str = "【姓名】") -> str:
        """`text` with every known name replaced by `tag` (memoised until names are added; bounded)."""
        if not text or not self.names:
            return text
        cache_key = text + "\0" + tag
        done = self._masked.get(cache_key)
        if done is not None:
            return done
        out = text
        for f in reversed(list(self.find(text))):
            out = out[: f.start] + tag + out[f.end:]
        if len(self._masked) >= 1 << 15:
            self._masked.clear()
        self._masked[cache_key] = out
        return out
