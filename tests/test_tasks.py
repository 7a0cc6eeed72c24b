"""F4 任务清单 (issue 20 item 1) without a warehouse: free text of the feed is masked like any ledger text, and
the sample's planted statuses follow the calendar rules. The built-sample checks are in tests/test_publish.py."""

from __future__ import annotations

from datetime import date

from data_contracts.model import load_contract
from privacy.protect import protect_row
from sample_data.tasks import DECISIONS, KEY_TASKS

KEY = b"0123456789abcdef0123"


def test_task_text_is_masked_like_other_free_text():
    row = {"task_content": "联系人王小明，电话13912345678，负责联络", "progress": "已走访家住幸福路12号的群众",
           "responsible_units": "区司法局;区公安分局", "task_no": "3"}
    out = protect_row(load_contract("task_list"), row, KEY)
    assert out["task_content"] == "联系人【姓名】，电话【手机号】，负责联络"
    assert "幸福路12号" not in out["progress"] and "【地址】" in out["progress"]
    assert out["responsible_units"] == row["responsible_units"]  # unit names are not personal data


def test_sample_deadlines_sit_on_month_ends_and_holidays():
    """The planted deadlines the marts must roll: 国庆 (10-01, 10-08), Sundays (11-30, 08-31), month-ends."""
    due = {t.due for t in KEY_TASKS + DECISIONS}
    assert {date(2025, 3, 31), date(2025, 10, 1), date(2025, 10, 8), date(2025, 11, 30), date(2025, 8, 31),
            date(2025, 12, 31)} <= due
    assert {t.status_at_as_of for t in KEY_TASKS} == {"按期完成", "逾期完成", "逾期未完成", "进行中"}
