"""Figures: labels keep their quotes (no visible &quot;), the JSON data block cannot be closed by data, and a
rate chart where every unit is at 0 % still says so."""

from __future__ import annotations

import json
import re

from dashboards.site import figures


def _spec(markup: str) -> dict:
    body = re.search(r'<script type="application/json" class="figure-data" data-for="f">(.*)</script>$',
                     str(markup), flags=re.S).group(1)
    assert "</script" not in body.lower() and "<" not in body
    return json.loads(body)


def test_labels_keep_quotes_and_data_cannot_close_the_block():
    fig = figures.rate_bars(['某局"执法"支队</script><script>alert(1)</script>'], [0.5], ["h"], "标题")
    spec = _spec(figures.html(fig, "f"))
    label = spec["figure"]["data"][0]["y"][0]
    assert "&quot;" not in label and '"执法"' in label
    assert "&lt;/script&gt;" in label  # Plotly shows the text, never runs it
    assert spec["config"]["displaylogo"] is False


def test_all_zero_rates_are_labelled_not_empty():
    fig = figures.rate_bars(["甲", "乙"], [0.0, 0.0], ["a", "b"], "移送率")
    spec = _spec(figures.html(fig, "f"))
    bar = spec["figure"]["data"][0]
    assert bar["text"] == ["0.0%", "0.0%"] and bar["textposition"] == "outside"
    assert [a["text"] for a in spec["figure"]["layout"]["annotations"]] == ["各单位均为 0%"]
