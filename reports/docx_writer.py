"""The Word rendering of a `Document`, laid out as a government 公文 (GB/T 9704 in spirit): 方正小标宋 title,
黑体 一级标题, 楷体 二级标题, 仿宋 body at 三号/16 pt; editable placeholders highlighted in yellow."""

from __future__ import annotations

from pathlib import Path

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from reports.document import Document

BODY, TITLE, HEI, KAI = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"


def _font(run_or_style, name: str, size: float, bold: bool = False) -> None:
    """Latin and East Asian font of a run or style (Word reads w:eastAsia for Chinese characters)."""
    font = run_or_style.font
    font.name, font.size, font.bold = name, Pt(size), bold
    font.color.rgb = RGBColor(0, 0, 0)
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), name)


def write_docx(doc: Document, out: Path) -> Path:
    d = new_docx()
    section = d.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _font(d.styles["Normal"], BODY, 16)
    for style, name, size in (("Heading 1", HEI, 16), ("Heading 2", KAI, 16), ("Title", TITLE, 22)):
        _font(d.styles[style], name, size)
        d.styles[style].paragraph_format.space_before = Pt(6)
        d.styles[style].paragraph_format.space_after = Pt(6)
    d.core_properties.title = doc.title
    d.core_properties.author = d.core_properties.last_modified_by = ""  # not python-docx's own name
    for b in doc.blocks:
        if b.kind == "docno":
            p = d.add_paragraph(b.text)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif b.kind == "title":
            p = d.add_paragraph(b.text, style="Title")
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif b.kind == "heading1":
            d.add_paragraph(b.text, style="Heading 1").paragraph_format.first_line_indent = Pt(32)
        elif b.kind == "heading2":
            d.add_paragraph(b.text, style="Heading 2").paragraph_format.first_line_indent = Pt(32)
        elif b.kind in ("para", "placeholder"):
            p = d.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(32)
            run = p.add_run(b.text)
            if b.kind == "placeholder":
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        elif b.kind in ("addressee",):
            d.add_paragraph(b.text)
        elif b.kind == "note":
            p = d.add_paragraph()
            _font(p.add_run(b.text), BODY, 12)
        elif b.kind in ("signature", "date"):
            p = d.add_paragraph(b.text)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif b.kind == "pagebreak":
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif b.kind == "annex":
            if doc.landscape_annex:
                new = d.add_section()
                new.orientation = WD_ORIENT.LANDSCAPE
                new.page_width, new.page_height = Cm(29.7), Cm(21.0)
                new.left_margin = new.right_margin = Cm(2.0)
                new.top_margin = new.bottom_margin = Cm(2.0)
            else:
                d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            p = d.add_paragraph()
            _font(p.add_run(b.text), HEI, 16)
        elif b.kind == "table":
            _table(d, b.header, b.rows)
        elif b.kind == "image" and b.image is not None:
            d.add_picture(str(b.image), width=Cm(15))
            d.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    out.parent.mkdir(parents=True, exist_ok=True)
    d.save(str(out))
    return out


def _table(d, header: list[str], rows: list[list[str]]) -> None:
    table = d.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), HEI, 10.5)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), BODY, 10.5)
    d.add_paragraph()
