"""Scorecard configuration (考核细则): one YAML per jurisdiction, the bundled default otherwise.

The configuration is loaded into `meta.scorecard_config` before dbt runs, so the scorecard models read it
as a source, and every scorecard row can name the configuration and fingerprint it was scored with.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from warehouse.errors import UserError
from warehouse.schema import META_DDL

DEFAULT_CONFIG = Path(__file__).parent / "scorecard" / "default.yml"
DEFAULT_REGION = "*"
INDICATORS = (
    "transfer_rate", "non_transfer_clues_per_100", "supervision_reply_timeliness", "rectification_rate",
    "adoption_rate", "entry_timeliness", "data_standard_compliance", "dual_push_timeliness",
    "hotline_on_time_close_rate", "hotline_satisfaction_rate", "task_completion",
)
ENTRY_DEADLINE = "dbt_project/seeds/rules/deadline_rules.csv"  # 录入及时率's window: its penalty_entry rule
METHODS = {"ratio_to_target": "target", "lower_is_better": "zero_points_at"}
COLUMNS = ("region_code", "config_name", "config_version", "config_source", "config_fingerprint",
           "indicator_code", "indicator_block", "indicator_name", "sort_order", "points", "scoring_method",
           "target", "zero_points_at")


@dataclass(frozen=True)
class ScorecardConfig:
    region_code: str
    name: str
    version: str
    source: str
    fingerprint: str
    indicators: tuple[dict[str, Any], ...]

    def rows(self) -> list[tuple[Any, ...]]:
        out = []
        for i, ind in enumerate(self.indicators, start=1):
            s = ind["scoring"]
            out.append((self.region_code, self.name, self.version, self.source, self.fingerprint, ind["code"],
                        ind["block"], ind["name"], i, float(ind["points"]), s["method"], s.get("target"),
                        s.get("zero_points_at")))
        return out


def _bad(path: Path, zh: str, en: str) -> UserError:
    return UserError(f"考核细则 {path}：{zh}", f"scorecard configuration {path}: {en}")


def load_config(path: Path, region_code: str) -> ScorecardConfig:
    """Read and check one configuration file; any mistake is a sentence naming the file and the entry."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise _bad(path, f"无法读取（{exc}）", f"cannot be read ({exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("indicators"), list) or not raw["indicators"]:
        raise _bad(path, "缺少 indicators 列表", "has no `indicators` list")
    seen: set[str] = set()
    for n, ind in enumerate(raw["indicators"], start=1):
        if not isinstance(ind, dict):
            raise _bad(path, f"第 {n} 项指标格式错误", f"indicator {n} is not a mapping")
        code = ind.get("code")
        if code not in INDICATORS:
            raise _bad(path, f"第 {n} 项指标代码 {code!r} 未知（可用：{'、'.join(INDICATORS)}）",
                       f"indicator {n} has unknown code {code!r} (known: {', '.join(INDICATORS)})")
        if code in seen:
            raise _bad(path, f"指标 {code} 重复", f"indicator {code} appears twice")
        seen.add(code)
        points = ind.get("points")
        if not isinstance(points, int | float) or isinstance(points, bool) or points <= 0:
            raise _bad(path, f"指标 {code} 的分值应为正数", f"indicator {code} needs positive `points`")
        scoring = ind.setdefault("scoring", {"method": "ratio_to_target", "target": 1.0})
        method = scoring.get("method")
        if method not in METHODS:
            raise _bad(path, f"指标 {code} 的计分方法 {method!r} 未知", f"indicator {code}: unknown method {method!r}")
        param = scoring.get(METHODS[method], 1.0 if method == "ratio_to_target" else None)
        if not isinstance(param, int | float) or param <= 0:
            raise _bad(path, f"指标 {code} 需要正数参数 {METHODS[method]}",
                       f"indicator {code} needs a positive `{METHODS[method]}`")
        scoring[METHODS[method]] = float(param)
        if "working_days" in scoring:
            raise _bad(path, f"指标 {code}：录入期限不在考核细则中设定，请修改 {ENTRY_DEADLINE} 的 penalty_entry 行",
                       f"indicator {code}: the entry deadline is not set in the scorecard; edit the penalty_entry "
                       f"row of {ENTRY_DEADLINE}")
        ind.setdefault("block", "其他")
        ind.setdefault("name", code)
    canonical = json.dumps(raw["indicators"], ensure_ascii=False, sort_keys=True)
    return ScorecardConfig(
        region_code=region_code, name=str(raw.get("name") or path.stem), version=str(raw.get("version") or ""),
        source=path.name if path == DEFAULT_CONFIG else str(path),
        fingerprint=hashlib.sha256(canonical.encode()).hexdigest()[:32],  # 32 hex: never read as a number
        indicators=tuple(raw["indicators"]),
    )


def load_all(config_dir: Path) -> list[ScorecardConfig]:
    """The default (region `*`) and every `<region_code>.yml` under the jurisdiction folder."""
    configs = [load_config(DEFAULT_CONFIG, DEFAULT_REGION)]
    if config_dir.is_dir():
        for path in sorted(config_dir.glob("*.yml")):
            if not re.fullmatch(r"\d{6}", path.stem):
                raise _bad(path, "文件名应为六位行政区划代码，如 410108.yml",
                           "the file name must be a 6-digit region code, e.g. 410108.yml")
            configs.append(load_config(path, path.stem))
    return configs




def write_config(con: Any, configs: list[ScorecardConfig]) -> int:
    """Replace `meta.scorecard_config` in one transaction (the caller holds the writer lock)."""
    rows = [row for c in configs for row in c.rows()]
    con.execute(META_DDL)
    con.execute("begin")
    try:
        con.execute("delete from meta.scorecard_config")
        con.executemany(f"insert into meta.scorecard_config ({', '.join(COLUMNS)}) "
                        f"values ({', '.join('?' * len(COLUMNS))})", rows)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return len(rows)
