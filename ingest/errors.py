"""Why a file was rejected or a row quarantined: one sentence in Chinese with English beside it, naming file,
sheet, row, column and rule (`warehouse.errors.UserError` is for everything else)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One reason a file was rejected or a row quarantined."""

    rule_id: str
    message_zh: str
    message_en: str
    sheet: str | None = None
    row_number: int | None = None
    column: str | None = None  # the header as written in the file
    value: str | None = None  # masked before it is stored
    field: str | None = None  # the contract field, when the problem concerns one

    def sentence(self, file_name: str) -> str:
        where_zh = [f"文件 {file_name}"]
        where_en = [f"file {file_name}"]
        if self.sheet:
            where_zh.append(f"工作表 {self.sheet}")
            where_en.append(f"sheet {self.sheet}")
        if self.row_number:
            where_zh.append(f"第 {self.row_number} 行")
            where_en.append(f"row {self.row_number}")
        if self.column:
            where_zh.append(f"列「{self.column}」")
            where_en.append(f"column '{self.column}'")
        return (
            f"{'，'.join(where_zh)}：{self.message_zh}（规则 {self.rule_id}）"
            f" / {', '.join(where_en)}: {self.message_en} (rule {self.rule_id})"
        )


class FileRejected(Exception):
    """The whole file cannot be read or does not fit any feed; it is recorded, never loaded."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message_en)
        self.problem = problem
