"""The wording and defaults of the drafted documents: `reports/config.yml`, overridden key by key by
`$LIANDONG_HOME/reports.yml` when a jurisdiction has one."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from warehouse.errors import UserError

SHIPPED = Path(__file__).resolve().parent / "config.yml"


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def load_config(home: Path | None = None) -> dict[str, Any]:
    cfg = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    home = home or (Path(os.environ["LIANDONG_HOME"]) if os.environ.get("LIANDONG_HOME") else None)
    own = home / "reports.yml" if home else None
    if own and own.exists():
        try:
            over = yaml.safe_load(own.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise UserError(f"{own} 不是有效的 YAML：{exc}", f"{own} is not valid YAML: {exc}") from None
        if not isinstance(over, dict):
            raise UserError(f"{own} 应为键值映射", f"{own} must be a mapping of keys to values")
        cfg = _merge(cfg, over)
    return cfg
