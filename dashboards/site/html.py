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


def _cells(columns: Sequence[Column], row: dict[str, Any]) -> str:
    cells = []
    for c in columns:
        v = c.value(row)
        text = "" if v is None and not c.numeric else c.fmt(v)
        cells.append(f'<td class="n">{e(text)}</td>' if c.numeric else f"<td>{e(text)}</td>")
    return "<tr>" + "".join(cells) + "</tr>"


def _table(columns: Sequence[Column], body: list[str], empty: str, css: str, table_id: str) -> Markup:
    head = "".join(f"<th>{e(c.label)}</th>" for c in columns)
    if not body:
        body = [f'<tr><td colspan="{len(columns)}" class="empty">{e(empty)}</td></tr>']
    cls = f' class="{e(css)}"' if css else ""
    tid = f' id="{e(table_id)}"' if table_id else ""
    return Markup(f'<div class="table-wrap"><table{tid}{cls}><thead><tr>{head}</tr></thead>'
                  f"<tbody>{''.join(body)}</tbody></table></div>")


def table(columns: Sequence[Column], rows: Iterable[dict[str, Any]], *, empty: str = "无数据",
          css: str = "", table_id: str = "") -> Markup:
    return _table(columns, [_cells(columns, row) for row in rows], empty, css, table_id)


def grouped_table(columns: Sequence[Column], groups: Sequence[tuple[str, Sequence[dict[str, Any]]]], *,
                  empty: str = "无数据", css: str = "", table_id: str = "") -> Markup:
    """A table in groups: each group opens with a subtotal row (its title spans the table), then its rows."""
    body = []
    for title, items in groups:
        body.append(f'<tr class="subtotal"><th colspan="{len(columns)}" scope="rowgroup">{e(title)}</th></tr>')
        body.extend(_cells(columns, row) for row in items)
    return _table(columns, body, empty, css, table_id)


def kpi_cards(cards: Sequence[tuple[str, ...]]) -> Markup:
    """(label, value, change, explanation[, "lower"]) cards for the overview. The change is coloured by
    what it means: green when better, red when worse; "lower" marks a count where more is worse
    (应移未移线索), so its ▲ is red."""
    out = []
    for label, value, change, note, *rest in cards:
        lower_is_better = bool(rest) and rest[0] == "lower"
        up, down = change.startswith("▲"), change.startswith("▼")
        better = (down if lower_is_better else up)
        trend = "flat" if not (up or down) else "good" if better else "bad"
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
