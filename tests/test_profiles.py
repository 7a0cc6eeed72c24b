"""Source profiles: a new user's own export gets in without code (issue 14, items 1–4).

Every file here is built by the test in the column layout of a real export (网络问政 message boards, a 60-column
12345 platform export); the real files stay out of the repository.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml
from typer.testing import CliRunner

from ingest.profiles import SHIPPED_DIR, ProfileError, apply_profile, parse_profile
from ingest.readers.grid import Grid
from orchestration.cli import app
from tests.builders import write_csv, write_xlsx

runner = CliRunner()
WLWZ_HEADERS = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间"]


def _wlwz_rows(n: int = 12) -> list[dict[str, str]]:
    """Messages like a 网络问政 board's: id, user id, subject, time, text, reply, reply time (one reply is
    dated before its message: that row must be quarantined)."""
    rows = []
    for i in range(n):
        rows.append({
            "留言编号": str(2500 + i), "留言用户": f"A000{45000 + i}", "留言主题": f"A{i % 7 + 1}区小区物业问题",
            "留言时间": f"2019-04-{10 + i:02d} 09:32:09",
            "留言详情": "2019年4月以来，小区物业公司扬言退出小区，业委会未召开业主大会即制定收费方案，请有关部门处理。",
            "答复意见": "网友您好！您的留言已收悉，现将有关情况回复如下：已责成街道督促物业公司依法履约。",
            "答复时间": f"2019-05-{10 + i:02d} 14:56:53",
        })
    if n > 3:
        rows[3]["答复时间"] = "2019-04-01 10:00:00"  # before its 留言时间 (2019-04-13): closed_at.gte
    return rows


def _raw(home: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _flat(output: str) -> str:
    return "".join(output.split())


def test_draft_a_wlwz_profile_then_ingest_after_editing_only_the_constants(tmp_path: Path, home: Path):
    export = write_csv(tmp_path / "问政留言导出.csv", WLWZ_HEADERS, _wlwz_rows())
    result = runner.invoke(app, ["profile", "draft", str(export), "--name", "wlwz"])
    assert result.exit_code == 0, result.output
    path = home / "profiles" / "wlwz.yml"
    draft = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert draft["feed"] == "hotline"
    assert draft["columns"] == {"留言编号": "工单编号", "留言用户": "来电人", "留言时间": "受理时间",
                                "留言详情": "诉求内容", "答复意见": "办理结果", "答复时间": "办结时间"}
    # drafted from the shipped 网络问政 profile (picked by its headers): only the region code is left to fill in
    assert draft["constants"] == {"来源渠道": "12345", "诉求类型": "其他", "行政区划代码": ""}
    assert draft["ignore"] == ["留言主题"]
    assert "wangluo_wenzheng" in result.output

    # loading before the constants are filled in says which line to edit
    result = runner.invoke(app, ["ingest", str(export), "--profile", "wlwz"])
    assert result.exit_code == 2 and "常量「行政区划代码」还没有值" in _flat(result.output)

    text = path.read_text(encoding="utf-8")  # the user edits the one constant, nothing else
    path.write_text(text.replace('"行政区划代码": ""', '"行政区划代码": "430100"'), encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(export), "--profile", "wlwz"])
    assert result.exit_code == 0, result.output
    assert _raw(home, "select status, rows_read, rows_loaded, rows_quarantined, unknown_headers from meta.files") \
        == [("partial", 12, 11, 1, None)]
    assert _raw(home, "select count(*), min(channel), max(channel), min(region_code), max(region_code), "
                      "min(request_type), max(request_type) from raw.hotline_exchange") \
        == [(11, "12345", "12345", "430100", "430100", "其他", "其他")]
    got = _raw(home, "select ticket_no, received_at, closed_at from raw.hotline_exchange where ticket_no = '2500'")
    assert [(t, str(r), str(c)) for t, r, c in got] == [("2500", "2019-04-10 09:32:09", "2019-05-10 14:56:53")]
    assert _raw(home, "select row_number, rule_id, column_name from meta.quarantine") \
        == [(5, "closed_at.gte.received_at", "答复时间")]
    header_map = json.loads(_raw(home, "select header_map from meta.files")[0][0])
    assert header_map["留言编号"] == "ticket_no" and header_map["行政区划代码（配置 wlwz）"] == "region_code"


def test_a_60_column_12345_export_loads_with_its_platform_columns_reported(tmp_path: Path, home: Path):
    standard = {  # 21 standard columns in 12345 platform spellings
        "工单流水号": "GD{n}", "来源渠道": "12345", "区划代码": "410108", "来电时间": "2024-03-0{d} 09:15",
        "诉求分类": "投诉", "来电内容": "小区噪音扰民", "来电人姓名": "张三", "来电号码": "13800138000",
        "承办部门": "惠济区市场监督管理局", "派单时间": "2024-03-0{d} 10:00", "办理期限": "2024-03-1{d} 18:00",
        "办结时间": "2024-03-0{d} 17:30", "处理结果": "已办结，告知来电人", "满意度": "满意", "是否推送": "否",
        "推送时间": "", "对方工单编号": "", "线索类别": "", "程序性回复时间": "", "反馈时间": "", "反馈结果": "",
    }
    assert len(standard) == 21
    platform = [f"平台字段{i:02d}" for i in range(39)]
    headers: list[str] = []
    std_iter = iter(standard)
    for i in range(60):  # the standard's columns scattered among the platform's
        headers.append(next(std_iter) if i % 3 == 1 or i >= 58 else platform.pop())
    assert len(headers) == 60 and not platform and set(standard) <= set(headers)
    rows = []
    for n in range(1, 6):
        row = {h: v.format(n=n, d=n) for h, v in standard.items()}
        row.update({h: f"平台值{n}" for h in headers if h.startswith("平台字段")})
        rows.append(row)
    export = write_xlsx(tmp_path / "12345导出.xlsx", headers, rows, title="12345热线工单导出")
    result = runner.invoke(app, ["ingest", str(export)])
    assert result.exit_code == 0, result.output
    status, loaded, unknown = _raw(home, "select status, rows_loaded, unknown_headers from meta.files")[0]
    assert (status, loaded) == ("loaded", 5)
    assert sorted(unknown.split("；")) == sorted(h for h in headers if h.startswith("平台字段"))
    assert _raw(home, "select count(*), count(distinct ticket_no) from raw.hotline_exchange "
                      "where handling_unit_name = '惠济区市场监督管理局' and region_code = '410108'") == [(5, 5)]
    assert "平台字段" in result.output and "no header" not in result.output


def _shipped_copy(home: Path, region: str) -> Path:
    """What the README tells a user: copy the shipped profile and add the region code."""
    (home / "profiles").mkdir(parents=True, exist_ok=True)
    target = home / "profiles" / "wangluo_wenzheng.yml"
    text = (SHIPPED_DIR / "wangluo_wenzheng.yml").read_text(encoding="utf-8")
    target.write_text(text.replace('  来源渠道: "12345"', f'  来源渠道: "12345"\n  行政区划代码: "{region}"'),
                      encoding="utf-8")
    return target


def test_a_rejected_file_reingested_with_the_right_profile_loads(tmp_path: Path, home: Path):
    export = write_csv(tmp_path / "留言.csv", WLWZ_HEADERS, _wlwz_rows(6))
    first = runner.invoke(app, ["ingest", str(export)])
    out = _flat(first.output)
    # picked by its headers (shipped profile), refused for the one field no export of this kind carries
    assert first.exit_code == 1 and "缺少必填列：行政区划代码" in out and "wangluo_wenzheng" in out
    assert "读到的表头：留言编号、留言用户、留言主题、留言时间、留言详情、答复意见、答复时间" in out
    assert _raw(home, "select status, rows_loaded from meta.files") == [("rejected", 0)]

    _shipped_copy(home, "430100")
    again = runner.invoke(app, ["ingest", str(export), "--profile", "wangluo_wenzheng"])
    assert again.exit_code == 0, again.output
    assert "已处理过" not in again.output
    assert _raw(home, "select status, rows_loaded, rows_quarantined from meta.files") == [("partial", 5, 1)]
    assert _raw(home, "select count(*) from meta.quarantine") == [(1,)]
    assert _raw(home, "select count(*), min(region_code) from raw.hotline_exchange") == [(5, "430100")]
    # once loaded, the same content is processed: a third run changes nothing
    third = runner.invoke(app, ["ingest", str(export)])
    assert third.exit_code == 0 and "已处理过" in third.output


def test_a_user_profile_is_picked_by_its_signature(tmp_path: Path, home: Path):
    _shipped_copy(home, "430100")
    export = write_csv(tmp_path / "留言.csv", WLWZ_HEADERS, _wlwz_rows(4))
    result = runner.invoke(app, ["validate", str(export)])
    assert result.exit_code == 1  # the one planted bad row
    out = _flat(result.output)
    assert "按配置「wangluo_wenzheng" in out and "按表头自动选用" in out and "closed_at.gte.received_at" in out
    assert "缺少必填列" not in out


def test_a_header_that_fits_no_feed_is_refused_with_what_to_do(tmp_path: Path, home: Path):
    headers = ["序号", "工单编号", "受理时间", "问题分类", "区县编码", "反映问题", "处理部门"]
    text = "路灯不亮已经一周，夜间出行很不方便，请尽快维修处理。"
    rows = [{"序号": "1", "工单编号": "X1", "受理时间": "2024-01-02 08:00", "问题分类": "投诉", "区县编码": "410108",
             "反映问题": text, "处理部门": "城管局"},
            {"序号": "2", "工单编号": "X2", "受理时间": "2024-01-03 08:00", "问题分类": "咨询", "区县编码": "410122",
             "反映问题": text, "处理部门": "城管局"}]
    f = write_csv(tmp_path / "投诉.csv", headers, rows)
    result = runner.invoke(app, ["validate", str(f)])
    out = _flat(result.output)
    assert result.exit_code == 1
    assert "读到的表头：序号、工单编号、受理时间、问题分类、区县编码、反映问题、处理部门" in out
    assert "最接近政务热线工单与检察线索交换，缺少必填字段：来源渠道、行政区划代码、诉求类型" in out
    assert "可能对应：「区县编码」→行政区划代码、「问题分类」→诉求类型。" in out
    assert f"liandongprofiledraft{f}--feedhotline" in out and "nohead" not in out

    draft = runner.invoke(app, ["profile", "draft", str(f)])
    assert draft.exit_code == 0, draft.output
    profile = yaml.safe_load((home / "profiles" / "投诉.yml").read_text(encoding="utf-8"))
    assert profile["columns"] == {"工单编号": "工单编号", "受理时间": "受理时间", "问题分类": "诉求类型",
                                  "区县编码": "行政区划代码", "反映问题": "诉求内容"}
    assert profile["constants"] == {"来源渠道": ""}
    assert "did you mean" in (home / "profiles" / "投诉.yml").read_text(encoding="utf-8")


def test_unsupported_formats_are_named_and_a_folder_lists_what_it_skipped(tmp_path: Path, home: Path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.jsonl").write_text('{"留言编号": 1}\n{"留言编号": 2}\n', encoding="utf-8")
    (folder / "b.md").write_text("| 留言编号 | 留言时间 |\n|---|---|\n", encoding="utf-8")
    (folder / "c.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    (folder / "~$d.xlsx").write_bytes(b"lock")
    write_csv(folder / "e.csv", WLWZ_HEADERS, _wlwz_rows(2))
    result = runner.invoke(app, ["validate", str(folder)])
    out = _flat(result.output)
    assert "跳过4个文件" in out and "a.jsonl" in out and "b.md" in out and "c.pdf" in out and "~$d.xlsx" in out
    assert "e.csv" in out  # read (and refused for its region code)
    for name, kind in (("a.jsonl", "JSONLines"), ("b.md", "Markdown"), ("c.pdf", "PDF")):
        one = runner.invoke(app, ["validate", str(folder / name)])
        assert one.exit_code == 1 and f"不支持的文件格式：{kind}" in _flat(one.output), one.output
    shutil.copy(folder / "c.pdf", tmp_path / "ledger.csv")  # a PDF is named a PDF whatever its extension
    assert "不支持的文件格式：PDF" in _flat(runner.invoke(app, ["validate", str(tmp_path / "ledger.csv")]).output)


def _profile(**overrides: object) -> dict[str, object]:
    raw: dict[str, object] = {"name": "t", "feed": "hotline", "columns": {"留言编号": "工单编号"},
                              "constants": {"来源渠道": "12345"}}
    raw.update(overrides)
    return raw


@pytest.mark.parametrize(("overrides", "zh"), [
    ({"feed": "hotlines"}, "feed 应为 penalty|supervision|hotline|units"),
    ({"columns": {"留言编号": "工单号码"}}, "「工单号码」不是政务热线工单与检察线索交换的字段"),
    ({"constants": {"来源渠道": "12346"}}, "「12346」不是来源渠道的代码；可用：12345、12309"),
    ({"constants": {"行政区划代码": ""}}, "常量「行政区划代码」还没有值"),
    ({"values": {"满意度": {"很满意": "超满意"}}}, "「超满意」不是满意度的代码"),
    ({"date_formats": ["%Q"]}, "日期格式「%Q」无效"),
    ({"amount_unit": "千元"}, "金额单位「千元」无效"),
    ({"colums": {}}, "未知的键：colums"),
])
def test_profiles_are_validated_on_load(overrides: dict[str, object], zh: str):
    with pytest.raises(ProfileError) as caught:
        parse_profile(_profile(**overrides), Path("t.yml"))
    assert zh in caught.value.message_zh and "t.yml" in caught.value.message_zh


def test_value_maps_date_formats_and_constants_rewrite_the_sheet():
    profile = parse_profile(_profile(
        columns={"编号": "工单编号", "登记日期": "受理时间", "评价": "满意度"},
        constants={"来源渠道": "12345", "行政区划代码": "430100", "诉求类型": "咨询"},
        values={"满意度": {"很满意": "满意", "不太满意": "不满意"}}, date_formats=["%Y年%m月%d日%H时%M分"],
        ignore=["备注"]), Path("t.yml"))
    grid = Grid(None, [["某平台导出"], ["编号", "登记日期", "评价", "备注"],
                       ["1", "2024年3月5日14时07分", "很满意", "x"], [None, None, None, None],
                       ["2", "2024-03-06", "不太满意", ""]])
    applied = apply_profile(profile, grid)
    assert applied is not None
    m = applied.match
    assert m.row_index == 1 and m.unknown == []
    assert [(c.header, c.field) for c in m.columns] == [
        ("编号", "ticket_no"), ("登记日期", "received_at"), ("评价", "satisfaction"),
        ("来源渠道（配置 t）", "channel"), ("行政区划代码（配置 t）", "region_code"),
        ("诉求类型（配置 t）", "request_type")]
    assert applied.grid.rows[2] == ["1", "2024-03-05 14:07:00", "满意", "x", "12345", "430100", "咨询"]
    assert applied.grid.rows[3] == [None] * 7  # a blank row stays blank: constants do not make it data
    assert applied.grid.rows[4][1:3] == ["2024-03-06", "不满意"]
    assert applied.grid.rows[0][4:] == [None, None, None]


def test_shipped_profiles_load():
    from ingest.profiles import available_profiles

    names = {p.name: p for p in available_profiles(None)}
    wlwz = names["wangluo_wenzheng"]
    assert wlwz.feed == "hotline_exchange" and wlwz.constants == {"channel": "12345", "request_type": "其他"}
    assert set(wlwz.signature) == {"留言编号", "留言时间", "答复意见"}


def test_the_dagster_inbox_reads_a_file_through_its_profile(tmp_path: Path, home: Path):
    import duckdb
    from dagster import materialize

    from orchestration.assets.ingest import ingest_inbox
    from orchestration.resources import LiandongResource

    (home / "profiles").mkdir(parents=True)
    (home / "profiles" / "own.yml").write_text(yaml.safe_dump({
        "name": "own", "feed": "hotline", "signature": ["件号", "收件时间"],
        "columns": {"件号": "工单编号", "收件时间": "受理时间", "事项": "诉求类型"},
        "constants": {"来源渠道": "12345", "行政区划代码": "430100"}}, allow_unicode=True), encoding="utf-8")
    (home / "inbox").mkdir(parents=True, exist_ok=True)
    write_csv(home / "inbox" / "x.csv", ["件号", "收件时间", "事项"],
              [{"件号": "1", "收件时间": "2024-01-02", "事项": "咨询"}])
    result = materialize([ingest_inbox], resources={"liandong": LiandongResource(home=str(home))})
    assert result.success
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute("select ticket_no, channel, region_code, request_type from raw.hotline_exchange").fetchall()
    finally:
        con.close()
    assert rows == [("1", "12345", "430100", "咨询")]  # without the profile nobody knows this layout


def test_the_profile_amount_unit_applies_only_where_the_header_names_none():
    profile = parse_profile({"name": "p", "feed": "penalty", "amount_unit": "元",
                             "columns": {"罚没款": "罚款金额", "没收金额（万元）": "没收违法所得、没收非法财物的金额",
                                         "文号": "行政处罚决定书文号"}}, Path("p.yml"))
    grid = Grid("台账", [["文号", "罚没款", "没收金额（万元）"], ["惠市监罚〔2024〕1号", "5000", "1.5"]])
    applied = apply_profile(profile, grid)
    assert applied is not None
    units = {c.field: (c.header, c.unit) for c in applied.match.columns}
    assert units == {"decision_no": ("文号", None), "fine_amount": ("罚没款", "元"),
                     "confiscation_amount": ("没收金额（万元）", "万元")}
    assert applied.grid.rows[0] == ["文号", "罚没款", "没收金额（万元）"]  # the export's own names stay


def test_profile_names_and_mismatches_are_sentences(tmp_path: Path, home: Path):
    f = write_csv(tmp_path / "p.csv", ["甲", "乙", "丙"], [{"甲": "1", "乙": "2", "丙": "3"}])
    result = runner.invoke(app, ["validate", str(f), "--profile", "nope"])
    assert result.exit_code == 2 and "找不到配置「nope」" in _flat(result.output)
    assert "wangluo_wenzheng（网络问政平台留言）" in _flat(result.output)
    result = runner.invoke(app, ["validate", str(f), "--profile", "wangluo_wenzheng"])
    out = _flat(result.output)
    assert result.exit_code == 1 and "文件中找不到配置「wangluo_wenzheng」" in out and "读到的表头：甲、乙、丙" in out
    result = runner.invoke(app, ["validate", str(f), "--profile", "wangluo_wenzheng", "--feed", "penalty"])
    assert result.exit_code == 2 and "与 --feed penalty 不符" in result.output
    assert "Traceback" not in result.output


def test_a_draft_names_unusual_date_spellings_and_asks_for_identifier_columns():
    from ingest.profile_draft import draft_for, render

    grid = Grid(None, [["SRNumber", "受理时间", "Owner"],
                       ["1-870704831", "12/31/2017 11:59:58 PM", "BOS"],
                       ["1-870694601", "01/03/2018 10:11:23 AM", "BOS"]])
    draft = draft_for(grid, "hotline_exchange")
    assert draft.date_formats == ["%m/%d/%Y %I:%M:%S %p"]
    assert [f.header for f in draft.missing] == ["工单编号", "来源渠道", "行政区划代码", "诉求类型"]
    text = render(draft, "la", "la.csv")
    profile = yaml.safe_load(text)
    assert profile["columns"] == {"受理时间": "受理时间"} and profile["date_formats"] == ["%m/%d/%Y %I:%M:%S %p"]
    assert profile["constants"] == {"来源渠道": "", "行政区划代码": "", "诉求类型": ""}  # not 工单编号: per row
    assert '# TODO "<导出列名 / export column>": "工单编号"' in text
    edited = text.replace('# TODO "<导出列名 / export column>": "工单编号"', '"SRNumber": "工单编号"')
    for name, value in (("来源渠道", "12345"), ("行政区划代码", "110101"), ("诉求类型", "其他")):
        edited = edited.replace(f'"{name}": ""', f'"{name}": "{value}"')
    applied = apply_profile(parse_profile(yaml.safe_load(edited), Path("la.yml")), grid)
    assert applied is not None and applied.grid.rows[1][:2] == ["1-870704831", "2017-12-31 23:59:58"]


def test_profile_list_shows_every_profile_and_the_broken_ones(home: Path):
    (home / "profiles").mkdir(parents=True)
    bad = home / "profiles" / "bad.yml"
    bad.write_text("name: bad\nfeed: hotline\ncolumns: {编号: 工单号码}\n", encoding="utf-8")
    result = runner.invoke(app, ["profile", "list"])
    out = _flat(result.output)
    assert result.exit_code == 1 and "wangluo_wenzheng" in out
    assert "「工单号码」不是政务热线工单与检察线索交换的字段" in out and "bad.yml" in out
    bad.unlink()
    assert runner.invoke(app, ["profile", "list"]).exit_code == 0


def test_a_file_without_a_header_does_not_put_its_data_in_the_refusal(tmp_path: Path, home: Path):
    from tests.builders import ric

    person = ric("11010519491231002")
    f = write_csv(tmp_path / "无表头.csv", ["张三", person, "13800138000", "2024-01-02"],
                  [{"张三": "李四", person: person, "13800138000": "13900139000", "2024-01-02": "2024-01-03"}])
    result = runner.invoke(app, ["validate", str(f)])
    out = _flat(result.output)
    assert result.exit_code == 1 and "读到的表头" in out
    assert person not in out and "13800138000" not in out
