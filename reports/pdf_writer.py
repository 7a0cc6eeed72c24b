"""The PDF rendering of a `Document` with reportlab's built-in CID font STSong-Light: no font file, no
network, the same on every machine (a PDF reader supplies the glyphs)."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    Image,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from reports.document import Document

FONT = "STSong-Light"


def _styles() -> dict[str, ParagraphStyle]:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=20, wordWrap="CJK", firstLineIndent=24)
    return {
        "para": base,
        "placeholder": ParagraphStyle("ph", parent=base, backColor=colors.HexColor("#FFF59D")),
        "note": ParagraphStyle("note", parent=base, fontSize=9, leading=13, firstLineIndent=0),
        "docno": ParagraphStyle("docno", parent=base, alignment=TA_CENTER, firstLineIndent=0),
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=28, alignment=TA_CENTER,
                                firstLineIndent=0, spaceBefore=12, spaceAfter=12),
        "addressee": ParagraphStyle("addr", parent=base, firstLineIndent=0),
        "heading1": ParagraphStyle("h1", parent=base, fontSize=13, spaceBefore=8, spaceAfter=4),
        "heading2": ParagraphStyle("h2", parent=base, fontSize=12, spaceBefore=4, spaceAfter=2),
        "signature": ParagraphStyle("sig", parent=base, alignment=TA_RIGHT, firstLineIndent=0, spaceBefore=18),
        "date": ParagraphStyle("date", parent=base, alignment=TA_RIGHT, firstLineIndent=0),
        "annex": ParagraphStyle("annex", parent=base, fontSize=13, firstLineIndent=0, spaceAfter=6),
        "cell": ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10, wordWrap="CJK"),
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(header: list[str], rows: list[list[str]], widths: list[float], width: float, cell) -> Table:
    weights = widths or [1.0] * len(header)
    col = [width * w / sum(weights) for w in weights]
    data = [[Paragraph(_escape(h), cell) for h in header]] + [[Paragraph(_escape(v), cell) for v in r] for r in rows]
    t = Table(data, colWidths=col, repeatRows=1)
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
                           ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return t


def write_pdf(doc: Document, out: Path) -> Path:
    s = _styles()
    out.parent.mkdir(parents=True, exist_ok=True)
    portrait_frame = Frame(2.5 * cm, 2.5 * cm, A4[0] - 5 * cm, A4[1] - 5 * cm, id="p")
    wide = landscape(A4)
    landscape_frame = Frame(2 * cm, 2 * cm, wide[0] - 4 * cm, wide[1] - 4 * cm, id="l")
    template = BaseDocTemplate(str(out), pagesize=A4, title=doc.title, author="", subject=doc.title)
    template.addPageTemplates([PageTemplate("portrait", [portrait_frame], pagesize=A4),
                               PageTemplate("landscape", [landscape_frame], pagesize=wide)])
    story: list[Flowable] = []
    width = portrait_frame._width
    for b in doc.blocks:
        if b.kind == "pagebreak":
            story.append(PageBreak())
        elif b.kind == "annex":
            if doc.landscape_annex:
                story += [NextPageTemplate("landscape"), PageBreak()]
                width = landscape_frame._width
            else:
                story.append(PageBreak())
            story.append(Paragraph(_escape(b.text), s["annex"]))
        elif b.kind == "table":
            story += [_table(b.header, b.rows, b.widths, width, s["cell"]), Spacer(1, 8)]
        elif b.kind == "image" and b.image is not None:
            img = Image(str(b.image))
            scale = min(1.0, (width * 0.9) / img.drawWidth)
            img.drawWidth, img.drawHeight = img.drawWidth * scale, img.drawHeight * scale
            story.append(img)
        elif b.kind in s:
            story.append(Paragraph(_escape(b.text), s[b.kind]))
    template.build(story)
    return out
