"""A drafted document as a list of blocks, written once and rendered twice (Word and PDF), so both carry the
same text and tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Block:
    """kind: docno | title | addressee | para | heading1 | heading2 | placeholder | table | image | note |
    signature | date | pagebreak | annex."""

    kind: str
    text: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)  # relative column widths of a table
    image: Path | None = None


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)
    landscape_annex: bool = False

    def add(self, kind: str, text: str = "", **kw: object) -> Block:
        block = Block(kind, text, **kw)  # type: ignore[arg-type]
        self.blocks.append(block)
        return block


def plain_text(doc: Document) -> str:
    """Every text of the document, a line per paragraph or table cell (what the personal-data gate reads)."""
    lines = [doc.title]
    for b in doc.blocks:
        lines.append(b.text)
        lines.extend(b.header)
        for row in b.rows:
            lines.extend(row)
    return "\n".join(lines)
