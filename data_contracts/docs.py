"""The contract-compliance site people read: offline, self-contained zh-CN HTML, no JavaScript.

GX's own Data Docs load Bootstrap/jQuery from CDNs (see shared/PITFALLS.md); this site has inline CSS,
relative links only, and every data value passes through `html.escape`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from html import escape
from pathlib import Path
from typing import Any

from data_contracts.compiler import Rule, compile_rules, condition_zh
from data_contracts.model import Contract, Field, load_codes, load_contracts

TYPE_ZH = {
    "text": "文本", "code": "代码", "code_list": "代码（可多值，以“;”分隔）", "list": "列表（以“;”分隔）",
    "uscc": "统一社会信用代码（GB 32100）", "id_no": "证件号码", "region_code": "行政区划代码（GB/T 2260）",
    "date": "日期", "date_or_long_term": "日期或“长期”", "datetime": "日期时间（北京时间）",
    "amount": "金额（入库为元，两位小数）", "decimal": "数值", "integer": "整数", "boolean": "是/否",
}
PERSONAL_ZH = {"name": "姓名（假名化）", "id": "证件号码（假名化）", "phone": "电话（假名化或删除）"}
# A shown hash prefix stays at 8 characters: at most 8 digits in a row can never read as a phone, card or
# ID number to the PII gate (a 12-character prefix such as a0208875387b did: 0208875387 is a landline).
SHA_SHOWN = 8
SEVERITY_ZH = {"error": "错误（隔离该行）", "warning": "提示（仅报告）"}

CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:0;color:#1f2933;
background:#f5f7fa;line-height:1.5}
header{background:#243b53;color:#fff;padding:16px 32px}header a{color:#d9e2ec}
main{padding:16px 32px;max-width:1400px}
h1{font-size:22px;margin:0}h2{font-size:19px;margin-top:32px;border-bottom:2px solid #bcccdc}
h3{font-size:16px;margin-top:20px}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0 16px;font-size:13px}
th,td{border:1px solid #d9e2ec;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#e4e7eb;white-space:nowrap}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.bar{background:#e4e7eb;width:120px;height:10px;display:inline-block;vertical-align:middle;margin-left:6px}
.bar span{display:block;height:10px;background:#3ebd93}
.low .bar span{background:#ef4e4e}.mid .bar span{background:#f7c948}
.warning{color:#8d2b0b}.error{color:#ab091e}.muted{color:#7b8794}.en{color:#52606d;font-size:12px}
code{background:#f0f4f8;padding:0 3px}
ul.codes{margin:0;padding-left:18px}
"""


def _e(value: Any) -> str:
    return "" if value is None else escape(str(value), quote=True)


def _page(title: str, body: str, *, home: bool = False) -> str:
    nav = "" if home else '<p><a href="index.html">← 返回总览</a></p>'
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{_e(title)}</h1>{nav}</header>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _rate(good: float, total: float) -> float | None:
    return None if not total else good / total


FILE_STATUS_ZH = {"loaded": "已入库", "partial": "部分入库", "rejected": "已拒收", "duplicate": "重复文件，未再载入",
                  "skipped": "已跳过"}


def _pct_text(rate: float) -> str:
    """Rounded down, so that a rate with any failure never reads 100.0% (99.97% → 99.9%)."""
    shown = math.floor(rate * 1000) / 10
    return f"{shown:.1f}%"


def _rate_cell(rate: float | None) -> str:
    if rate is None:
        return '<td class="n muted">—</td>'
    cls = "low" if rate < 0.9 else "mid" if rate < 0.99 else ""
    width = max(0.0, min(1.0, rate)) * 100
    return (f'<td class="n {cls}">{_pct_text(rate)}<span class="bar"><span style="width:{width:.1f}%">'
            "</span></span></td>")


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _table(headers: Iterable[str], rows: Iterable[str]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "\n".join(rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"


def _num(value: Any) -> str:
    return f'<td class="n">{_e(value)}</td>'


# --------------------------------------------------------------------------------------------------
# index.html


def _feed_key(feed: Any, contracts: dict[str, Contract]) -> str:
    """Feeds may be named by contract id (penalty_ledger) or by code (F1)."""
    for c in contracts.values():
        if feed in (c.id, c.feed):
            return c.id
    return str(feed)


def _loaded_at(f: dict[str, Any]) -> Any:
    return f.get("loaded_at") or f.get("ingested_at") or ""


def _files_section(files: list[dict[str, Any]]) -> str:
    rows = []
    for f in sorted(files, key=lambda r: str(_loaded_at(r)), reverse=True):
        loaded, quarantined = _int(f.get("rows_loaded")), _int(f.get("rows_quarantined"))
        sha = str(f.get("file_sha256") or "")
        rows.append(
            f"<tr><td>{_e(f.get('file_name'))}</td><td><code title=\"{_e(sha)}\">{_e(sha[:SHA_SHOWN])}</code></td>"
            f"<td>{_e(FILE_STATUS_ZH.get(str(f.get('status')), f.get('status')))}</td>"
            f"{_num(_int(f.get('rows_read')))}{_num(loaded)}{_num(quarantined)}"
            f"{_num(_int(f.get('rows_non_data')))}{_num(_int(f.get('rows_duplicate')))}"
            f"{_rate_cell(_rate(loaded, loaded + quarantined))}"
            f"<td>{_e(_loaded_at(f))}</td></tr>"
        )
    if not rows:
        return '<p class="muted">尚无文件。</p>'
    headers = ["文件", "SHA-256", "状态", "读取行", "入库行", "隔离行", "非数据行", "重复行", "通过率", "入库时间"]
    return _table(headers, rows)


def _units_section(results: list[dict[str, Any]]) -> str:
    agg: dict[Any, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in results:
        a = agg[r.get("unit_name")]
        if r.get("severity") == "warning":
            a[2] += _int(r.get("unexpected_count"))
        else:
            a[0] += _int(r.get("element_count"))
            a[1] += _int(r.get("unexpected_count"))
    rows = []
    for unit, (checks, failed, warnings) in sorted(agg.items(), key=lambda kv: (-kv[1][1], str(kv[0]))):
        name = _e(unit) if unit is not None else '<span class="muted">（未填写单位）</span>'
        rows.append(f"<tr><td>{name}</td>{_num(checks)}{_num(failed)}{_num(warnings)}"
                    f"{_rate_cell(_rate(checks - failed, checks))}</tr>")
    if not rows:
        return '<p class="muted">尚无检查结果。</p>'
    return _table(["单位", "检查次数", "未通过（错误）", "提示", "检查通过率"], rows)


def _rules_section(results: list[dict[str, Any]], contract: Contract | None) -> str:
    agg: dict[str, dict[str, Any]] = {}
    for r in results:
        a = agg.setdefault(str(r.get("rule_id")), {"row": r, "element": 0, "unexpected": 0, "rows": []})
        a["element"] += _int(r.get("element_count"))
        a["unexpected"] += _int(r.get("unexpected_count"))
        if r.get("failed_rows") and len(a["rows"]) < 10:
            a["rows"].extend(str(r["failed_rows"]).split(",")[: 10 - len(a["rows"])])
    order = {rid: i for i, rid in enumerate(agg)}
    rows = []
    for rid, a in sorted(agg.items(), key=lambda kv: (-kv[1]["unexpected"], order[kv[0]])):
        r = a["row"]
        sev = str(r.get("severity") or "error")
        sample = "、".join(a["rows"]) + ("…" if a["unexpected"] > len(a["rows"]) else "")
        rate = _rate(a["element"] - a["unexpected"], a["element"])
        rows.append(
            f"<tr><td><code>{_e(rid)}</code></td><td class=\"{_e(sev)}\">{_e(SEVERITY_ZH.get(sev, sev))}</td>"
            f"<td>{_e(r.get('message_zh'))}<div class=\"en\">{_e(r.get('message_en'))}</div></td>"
            f"{_num(a['element'])}{_num(a['unexpected'])}{_rate_cell(rate)}<td>{_e(sample)}</td></tr>"
        )
    if not rows:
        return '<p class="muted">尚无检查结果。</p>'
    headers = ["规则", "级别", "说明", "检查行数", "未通过行数", "通过率", "未通过的表格行号（示例）"]
    return _table(headers, rows)


def _index(results: list[dict[str, Any]], files: list[dict[str, Any]], contracts: dict[str, Contract],
           generated: str) -> str:
    res_by_feed: dict[str, list[dict[str, Any]]] = defaultdict(list)
    files_by_feed: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        res_by_feed[_feed_key(r.get("feed"), contracts)].append(r)
    for f in files:
        files_by_feed[_feed_key(f.get("feed"), contracts)].append(f)
    feeds = list(contracts) + sorted((set(res_by_feed) | set(files_by_feed)) - set(contracts))

    overview, sections = [], []
    for feed in feeds:
        c = contracts.get(feed)
        fs, rs = files_by_feed.get(feed, []), res_by_feed.get(feed, [])
        loaded = sum(_int(f.get("rows_loaded")) for f in fs)
        quarantined = sum(_int(f.get("rows_quarantined")) for f in fs)
        errors = [r for r in rs if r.get("severity") != "warning"]
        checks = sum(_int(r.get("element_count")) for r in errors)
        failed = sum(_int(r.get("unexpected_count")) for r in errors)
        title = f"{c.feed} {c.title}" if c else feed
        link = f'<a href="contract_{_e(feed)}.html">{_e(title)}</a>' if c else _e(title)
        overview.append(
            f"<tr><td>{link}</td>{_num(len(fs))}{_num(sum(_int(f.get('rows_read')) for f in fs))}"
            f"{_num(loaded)}{_num(quarantined)}{_rate_cell(_rate(loaded, loaded + quarantined))}"
            f"{_num(checks)}{_num(failed)}{_rate_cell(_rate(checks - failed, checks))}</tr>"
        )
        sections.append(
            f'<h2 id="{_e(feed)}">{link}</h2>\n<h3>文件</h3>\n{_files_section(fs)}\n'
            f"<h3>按单位</h3>\n{_units_section(rs)}\n<h3>按规则</h3>\n{_rules_section(rs, c)}"
        )
    intro = (
        f'<p class="muted">生成时间 {_e(generated)}。行通过率 = 入库行 ÷（入库行 + 隔离行）；'
        "检查通过率 = 通过的检查 ÷ 全部检查（仅计“错误”级规则）。各表的说明见每个数据契约页面。</p>"
    )
    headers = ["数据项", "文件数", "读取行", "入库行", "隔离行", "行通过率",
               "检查次数", "未通过", "检查通过率"]
    body = intro + "<h2>总览</h2>\n" + _table(headers, overview) + "\n" + "\n".join(sections)
    return _page("府检联动数据契约检查报告", body, home=True)


# --------------------------------------------------------------------------------------------------
# contract_<id>.html


def _required_zh(contract: Contract, f: Field) -> str:
    if f.required:
        return "必填" + ("（可填“长期”）" if f.type == "date_or_long_term" else "")
    if f.required_when is not None:
        return f"条件必填：{condition_zh(contract, f.required_when)}"
    return "选填"


def _codes_cell(f: Field) -> str:
    if not f.codes:
        return ""
    cl = load_codes()[f.codes]
    parts = [f"<b>{_e(cl.title)}</b>：" + "、".join(_e(v) for v in cl.values)]
    if cl.open_prefix:
        parts.append(f"表外的值写作 <code>{_e(cl.open_prefix)}名称</code>")
    if cl.aliases:
        parts.append("入库时转换：" + "；".join(f"{_e(k)} → {_e(v)}" for k, v in cl.aliases.items()))
    if cl.legacy_license_wording:
        legacy = "、".join(_e(v) for v in cl.legacy_license_wording)
        parts.append(f"旧表述（按处罚内容中的“暂扣/吊销”判断）：{legacy}")
    return "<br>".join(parts)


def _rules_cell(rules: list[Rule]) -> str:
    if not rules:
        return ""
    items = [
        f'<li><span class="{_e(r.severity)}">{_e(r.message_zh)}</span>'
        f'<div class="en">{_e(r.message_en)} · <code>{_e(r.rule_id)}</code></div></li>'
        for r in rules
    ]
    return '<ul class="codes">' + "".join(items) + "</ul>"


def _contract_page(contract: Contract, today: date) -> str:
    rules = compile_rules(contract, today)
    by_field: dict[str, list[Rule]] = defaultdict(list)
    for r in rules:
        by_field[r.field].append(r)
    rows = []
    for i, f in enumerate(contract.fields, start=1):
        type_zh = TYPE_ZH.get(f.type, f.type)
        if f.max_length:
            type_zh += f"，≤{f.max_length} 字"
        if f.unit:
            type_zh += f"，表头无单位时按{f.unit}"
        personal = PERSONAL_ZH.get(f.personal_kind or "", f.personal_kind or "")
        if f.personal_when is not None:
            personal += f"，{condition_zh(contract, f.personal_when)}"
        rows.append(
            f"<tr>{_num(i)}<td><b>{_e(f.header)}</b><div class=\"en\"><code>{_e(f.name)}</code></div></td>"
            f"<td>{'、'.join(_e(s) for s in f.synonyms)}</td><td>{_e(type_zh)}</td>"
            f"<td>{_e(_required_zh(contract, f))}</td><td>{_codes_cell(f)}</td><td>{_e(personal)}</td>"
            f"<td>{_rules_cell(by_field.get(f.name, []))}</td></tr>"
        )
    key_headers = " + ".join(contract.field(k).header for k in contract.key)
    order = "、".join(contract.field(v).header for v in contract.version_order)
    meta = _table(["项目", "内容"], [
        f"<tr><td>数据项</td><td>{_e(contract.feed)} {_e(contract.title)}"
        f"（{_e(contract.title_en)}）</td></tr>",
        f"<tr><td>契约版本</td><td>{_e(contract.version)}（<code>{_e(contract.id)}</code>）</td></tr>",
        f"<tr><td>主键</td><td>{_e(key_headers)}（<code>{_e(', '.join(contract.key))}</code>）；"
        "同一批数据中主键不得重复，后到文件的同主键记录替换先前记录</td></tr>",
        f"<tr><td>报送单位列</td><td>{_e(contract.field(contract.unit_field).header)}（按单位统计）</td></tr>",
        f"<tr><td>版本先后</td><td>{_e(order)}</td></tr>",
    ])
    key_rules = _rules_cell([r for r in rules if r.rule_id == "key.unique"])
    headers = ["#", "表头", "也可写作", "类型", "是否必填", "代码表", "个人信息",
               "检查规则（中文 / English）"]
    fields = _table(headers, rows)
    body = (
        '<p class="muted">表头比对前会去掉空格、换行和单位括号，并统一全角/半角字符。'
        "“错误”级规则不通过的行被隔离，不入库；“提示”级规则只报告。</p>"
        f"{meta}<h2>字段</h2>{fields}<h2>整行规则</h2>{key_rules}"
    )
    return _page(f"数据契约：{contract.feed} {contract.title}", body)


# `meta.contract_results` summed per (feed, unit, rule) in the database: the report only adds these counts up
# and shows at most 10 failed row numbers per rule, so it need not fetch one row per file and rule (340,000
# at bench scale 0.25, ~10 s to fetch as dicts; 22,000 after summing). `{where}` narrows it (a publication).
RESULTS_SQL = """
    select feed, unit_name, rule_id, severity, message_zh, message_en,
           sum(element_count) as element_count, sum(unexpected_count) as unexpected_count,
           array_to_string(list(failed_rows order by file_name, file_sha256)
                           filter (where coalesce(failed_rows, '') <> '')[1:10], ',') as failed_rows
    from meta.contract_results {where}
    group by all order by feed, unit_name, rule_id, severity"""


def build_data_docs(out_dir: Path, results: list[dict[str, Any]], files: list[dict[str, Any]], *,
                    today: date | None = None) -> Path:
    """Write index.html and one contract_<feed>.html per contract into `out_dir`; return index.html.

    `results` are `meta.contract_results` rows (see report.results_by_unit), `files` the file-load log
    rows (file_sha256, file_name, feed, status, rows_read, rows_loaded, rows_quarantined, rows_non_data,
    rows_duplicate, loaded_at).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    today = today or date.today()
    contracts = load_contracts()
    generated = datetime.now().strftime("%Y-%m-%d %H:%M")
    for contract in contracts.values():
        page = out_dir / f"contract_{contract.id}.html"
        page.write_text(_contract_page(contract, today), encoding="utf-8")
    index = out_dir / "index.html"
    index.write_text(_index(list(results), list(files), contracts, generated), encoding="utf-8")
    return index
