"""Static charts for the 通报 (PNG via matplotlib, Agg backend: no display, no network). Chinese labels need a
CJK font on the machine; without one the charts are left out and the document says so (the same figures are
in its tables)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

# names of common CJK fonts, best first (Noto/Source Han on Linux, the Windows and macOS system fonts)
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Serif CJK SC", "WenQuanYi Micro Hei",
                "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "SimSun", "PingFang SC", "Heiti SC",
                "AR PL UMing CN", "Droid Sans Fallback")
NO_FONT_NOTE = "（本机未安装中文字体，图表从略；各项数据见上表。）"


@cache
def cjk_font() -> str | None:
    """The first installed CJK font family matplotlib can use, or None."""
    try:
        from matplotlib import font_manager
    except ImportError:
        return None
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in CJK_FAMILIES if f in installed), None)


def _pyplot(font: str):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["font.family"] = [font, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    return plt


def monthly_charts(monthly: list[dict[str, Any]], year: int, folder: Path) -> list[tuple[Path, str]]:
    """Two charts over the months of the period: cases to transfer against transferred, and the three rates.
    Empty when no CJK font is installed."""
    font = cjk_font()
    if font is None or not monthly:
        return []
    plt = _pyplot(font)
    folder.mkdir(parents=True, exist_ok=True)
    months = [f"{r['month']}月" for r in monthly]
    out = []

    fig, ax = plt.subplots(figsize=(8, 3.6), dpi=150)
    x = range(len(months))
    ax.bar([i - 0.2 for i in x], [r["should"] for r in monthly], width=0.4, label="应当移送", color="#9E9E9E")
    ax.bar([i + 0.2 for i in x], [r["transferred"] for r in monthly], width=0.4, label="已移送", color="#C62828")
    ax.set_xticks(list(x), months)
    ax.set_ylabel("件")
    ax.legend(frameon=False)
    ax.set_title(f"{year}年各月应当移送与已移送案件")
    fig.tight_layout()
    path = folder / "chart_transfer.png"
    fig.savefig(path)
    plt.close(fig)
    out.append((path, f"图1 {year}年各月应当移送与已移送案件（按处罚决定月份）"))

    fig, ax = plt.subplots(figsize=(8, 3.6), dpi=150)
    for key, label, color in (("transfer_rate", "移送率", "#C62828"), ("reply_rate", "到期办复率", "#1565C0"),
                              ("close_rate", "12345 按期办结率", "#2E7D32")):
        ax.plot(months, [None if r[key] is None else r[key] * 100 for r in monthly], marker="o", label=label,
                color=color)
    ax.set_ylim(-3, 105)
    ax.set_ylabel("%")
    ax.legend(frameon=False, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.1))
    ax.set_title(f"{year}年各月主要比率")
    fig.tight_layout()
    path = folder / "chart_rates.png"
    fig.savefig(path)
    plt.close(fig)
    out.append((path, f"图2 {year}年各月移送率、到期办复率与 12345 按期办结率（无数据的月份不画点）"))
    return out
