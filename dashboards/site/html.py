"""HTML building blocks. Every value from the data goes through `escape` here or Jinja's autoescape."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class Column:
    label: str
    key: str | Callable[[dict[str, Any]], Any]
    fmt: Callable[[Any], str] = str
    numeric: bool = False

    def value(self, row: dict[str, Any]) -> Any:
        return self.key(row) if callable(self.key) else row.get(self.key)


@dataclass
class Section:
    title: str
    body: Markup
    intro: str = ""
    anchor: str = ""


@dataclass
class Page:
    slug: str
    title: str
    sections: list[Section] = field(default_factory=list)
    has_figures: bool = False

    @property
    def file_name(self) -> str:
        return f"{self.slug}.html"


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def table(columns: Sequence[Column], rows: Iterable[dict[str, Any]], *, empty: str = "无数据",
          css: str = "") -> Markup:
    head = "".join(f"<th>{e(c.label)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for c in columns:
            v = c.value(row)
            text = "" if v is None and not c.numeric else c.fmt(v)
            cells.append(f'<td class="n">{e(text)}</td>' if c.numeric else f"<td>{e(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(columns)}" class="empty">{e(empty)}</td></tr>')
    cls = f' class="{e(css)}"' if css else ""
    return Markup(f'<div class="table-wrap"><table{cls}><thead><tr>{head}</tr></thead>'
                  f"<tbody>{''.join(body)}</tbody></table></div>")


def kpi_cards(cards: Sequence[tuple[str, str, str, str]]) -> Markup:
    """(label, value, change, explanation) cards for the overview."""
    out = []
    for label, value, change, note in cards:
        trend = "up" if change.startswith("▲") else "down" if change.startswith("▼") else "flat"
        out.append(f'<div class="kpi"><div class="kpi-label">{e(label)}</div>'
                   f'<div class="kpi-value">{e(value)}</div>'
                   f'<div class="kpi-change {trend}">较上年同期：{e(change)}</div>'
                   f'<div class="kpi-note">{e(note)}</div></div>')
    return Markup('<div class="kpis">' + "".join(out) + "</div>")


def paragraph(text: str) -> Markup:
    return Markup(f"<p>{e(text)}</p>")


def link(href: str, text: str) -> Markup:
    return Markup(f'<a href="{e(href)}">{e(text)}</a>')


def environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]),
                       keep_trailing_newline=True)
