"""Plotly figures in the publication's style. Text from the data has <, > and & escaped before Plotly
sees it, since Plotly renders a subset of HTML in labels (quotes are left alone: Plotly would show
`&quot;` literally). Pages carry no inline script (Content-Security-Policy `script-src 'self'`): each
figure is a JSON data block that `assets/figures.js` draws with the bundled plotly.min.js."""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from markupsafe import Markup

FONT = '"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif'
COLORS = ["#2f6fad", "#3ebd93", "#f0b429", "#e66a6a", "#8e6ac8", "#5bb0c8"]
CONFIG = {"displaylogo": False, "responsive": True,
          "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
          "toImageButtonOptions": {"format": "png", "scale": 2}}


SCRIPT = Path(__file__).resolve().parent.parent / "templates" / "figures.js"
_JSON_IN_HTML = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def text(value: Any) -> str:
    return escape(str(value), quote=False)


def layout(fig: go.Figure, title: str, height: int = 380) -> go.Figure:
    fig.update_layout(
        template="none",  # the default template embeds long colour-scale floats that look like card numbers
        title={"text": text(title), "font": {"size": 15}}, height=height, font={"family": FONT, "size": 12},
        margin={"l": 60, "r": 20, "t": 50, "b": 60}, paper_bgcolor="#ffffff", plot_bgcolor="#ffffff",
        legend={"orientation": "h", "y": -0.18}, separators=".,", colorway=COLORS,
    )
    fig.update_xaxes(showgrid=False, automargin=True)
    fig.update_yaxes(gridcolor="#e4e7eb", automargin=True)
    return fig


def html(fig: go.Figure, div_id: str) -> Markup:
    """An empty <div> and the figure as a JSON data block (never executed; `assets/figures.js` draws it).
    <, > and & inside the JSON are written as \\u escapes, so no text can close the block."""
    payload = '{"figure": ' + fig.to_json() + ', "config": ' + json.dumps(CONFIG) + "}"
    body = payload.translate(_JSON_IN_HTML)
    return Markup(f'<div id="{escape(div_id)}" class="plotly-graph-div figure"></div>'
                  f'<script type="application/json" class="figure-data" data-for="{escape(div_id)}">'
                  f"{body}</script>")


def rate_bars(names: Sequence[str], rates: Sequence[float | None], hover: Sequence[str], title: str) -> go.Figure:
    values = [None if r is None else round(r * 100, 1) for r in rates]
    fig = go.Figure(go.Bar(
        x=values, y=[text(n) for n in names], orientation="h", marker_color=COLORS[0],
        # labels outside the bar: a rate of 0 % has no bar to hold its label, and must still read "0.0%"
        text=["无数据" if v is None else f"{v:.1f}%" for v in values], textposition="outside", cliponaxis=False,
        hovertext=[text(h) for h in hover], hoverinfo="text",
    ))
    fig.update_xaxes(range=[0, 112], ticksuffix="%", tickvals=[0, 20, 40, 60, 80, 100])
    fig.update_yaxes(autorange="reversed")
    if values and all(v == 0 for v in values):  # all zero: say so, the chart alone looks empty
        fig.add_annotation(text="各单位均为 0%", x=50, y=0.5, yref="paper", showarrow=False,
                           font={"size": 16, "color": "#b42318"})
    return layout(fig, title, height=max(260, 28 * len(names) + 100))


def monthly_lines(months: Sequence[str], series: dict[str, Sequence[float | None]], title: str, *,
                  percent: bool = True) -> go.Figure:
    fig = go.Figure()
    for name, values in series.items():
        shown = [None if v is None else (round(v * 100, 1) if percent else v) for v in values]
        fig.add_trace(go.Scatter(x=list(months), y=shown, mode="lines+markers", name=text(name),
                                 connectgaps=False))
    if percent:
        fig.update_yaxes(range=[0, 105], ticksuffix="%")
    fig.update_xaxes(type="category")
    return layout(fig, title)


def monthly_bars(months: Sequence[str], series: dict[str, Sequence[int]], title: str) -> go.Figure:
    fig = go.Figure()
    for name, values in series.items():
        fig.add_trace(go.Bar(x=list(months), y=list(values), name=text(name)))
    fig.update_xaxes(type="category")
    fig.update_layout(barmode="group")
    return layout(fig, title)


def heatmap(units: Sequence[str], months: Sequence[str], z: list[list[float | None]],
            hover: list[list[str]], title: str) -> go.Figure:
    fig = go.Figure(go.Heatmap(
        z=[[None if v is None else round(v * 100, 1) for v in row] for row in z],
        x=list(months), y=[text(u) for u in units], zmin=0, zmax=100, colorscale="RdYlGn",
        colorbar={"title": {"text": "到期办复率 %"}}, hovertext=[[text(h) for h in row] for row in hover],
        hoverinfo="text", xgap=2, ygap=2,
    ))
    fig.update_xaxes(type="category")
    fig.update_yaxes(autorange="reversed")
    return layout(fig, title, height=max(300, 26 * len(units) + 120))
