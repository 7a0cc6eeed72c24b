"""The personal-data gate of the drafted documents: the text of every .docx and .pdf is scanned with the
publication's audit (identifiers, address shapes, the natural persons' names known from the ledgers) before
the files are moved into place; a finding removes the drafts and names the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from privacy.pii_audit import find_in_text, known_names
from warehouse.errors import UserError


def docx_text(path: Path) -> str:
    """Every paragraph and table cell of a Word document, one per line."""
    from docx import Document

    d = Document(str(path))
    lines = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            lines.extend(c.text for c in row.cells)
    return "\n".join(lines)


def check_texts(settings: Any, texts: dict[str, str]) -> None:
    """Raise a UserError naming the document and what was found when any text holds personal data.
    `texts`: document name → its text (the Word file read back; the PDF is rendered from the same blocks)."""
    names = known_names(settings.warehouse, settings.secret_key(demo=True))
    found = [(doc, f.kind) for doc, text in texts.items() for line in text.splitlines()
             for f in find_in_text(line, names)]
    if found:
        where = "；".join(f"{doc}：{kind}" for doc, kind in found[:10])
        raise UserError(f"草稿中发现个人信息，未写出文件（{where}）",
                        f"personal data found in the draft; nothing was written ({where})")


def check_outputs(settings: Any, paths: list[Path], blocks_text: str) -> None:
    """The gate over the written Word files and the blocks every PDF is rendered from."""
    texts = {p.name: docx_text(p) for p in paths if p.suffix == ".docx"}
    texts["PDF"] = blocks_text
    check_texts(settings, texts)
