"""Settings in one place, read from the environment with repository-relative defaults.

Runtime state lives under one home folder, `$LIANDONG_HOME` (default `./.liandong/`).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from warehouse.errors import UserError

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DEMO_KEY = b"liandong-demo-key: for bundled sample data only, never for real ledgers"
MIN_KEY_BYTES = 16
DEFAULT_TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Settings:
    home: Path

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def landing(self) -> Path:
        return self.home / "landing"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def site(self) -> Path:
        return self.home / "site"

    @property
    def exports(self) -> Path:
        return self.home / "exports"

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def scorecard_config_dir(self) -> Path:
        """Per-jurisdiction 考核细则: `<region_code>.yml`; the bundled default applies elsewhere."""
        return self.home / "scorecard"

    @property
    def lock(self) -> Path:
        return self.home / "warehouse.lock"

    @property
    def pii_audit_state(self) -> Path:
        """What passing PII audits saw (hashes and counts only), so unchanged content is not read again."""
        return self.home / "pii_audit.duckdb"

    @property
    def dbt_target_dir(self) -> Path:
        """dbt's artefacts (manifest, run results) of this home; the Spark target's under `spark/`."""
        return self.home / "dbt" / "target"

    @property
    def dbt_log_dir(self) -> Path:
        return self.home / "dbt" / "logs"

    def today(self) -> date:
        """"Today" where the ledgers are kept (`LIANDONG_TIMEZONE`, default Asia/Shanghai), not the server's."""
        return datetime.now(ZoneInfo(os.environ.get("LIANDONG_TIMEZONE") or DEFAULT_TIMEZONE)).date()

    def resolve_as_of(self, as_of: date | None) -> date:
        """The one as-of of a run: the date asked for, else today; resolved once and passed everywhere."""
        return as_of or self.today()

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    @property
    def key_file(self) -> Path:
        return Path(os.environ.get("LIANDONG_SECRET_KEY_FILE", self.home / "secret.key"))

    def secret_key(self, *, demo: bool = False) -> bytes:
        """The pseudonymisation key: LIANDONG_SECRET_KEY, else an owner-only key file; demo key only for demo."""
        env = os.environ.get("LIANDONG_SECRET_KEY")
        if env:
            if len(env.encode()) < MIN_KEY_BYTES:
                raise UserError(f"LIANDONG_SECRET_KEY 太短（至少 {MIN_KEY_BYTES} 字节）",
                                f"LIANDONG_SECRET_KEY is too short (at least {MIN_KEY_BYTES} bytes)")
            return env.encode()
        if self.key_file.exists():
            mode = self.key_file.stat().st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise UserError(f"密钥文件 {self.key_file} 可被他人读取，请执行 chmod 600",
                                f"key file {self.key_file} is readable by others; run chmod 600 on it")
            key = self.key_file.read_bytes().strip()
            if len(key) < MIN_KEY_BYTES:
                raise UserError("密钥文件内容太短", "the key file is too short")
            return key
        if demo:
            return DEMO_KEY
        raise UserError(
            "未配置假名化密钥：请设置环境变量 LIANDONG_SECRET_KEY，或在 "
            f"{self.key_file} 放置仅本人可读（chmod 600）的密钥文件",
            "no pseudonymisation key is configured: set LIANDONG_SECRET_KEY or put an owner-only "
            f"(chmod 600) key file at {self.key_file}",
        )

    def prepare(self) -> None:
        """Create the home layout and a telemetry-free Dagster instance with one warehouse writer."""
        for folder in (self.home, self.site, self.inbox, self.quarantine, self.dagster_home):
            folder.mkdir(parents=True, exist_ok=True)
        self.landing.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.landing, 0o700)
        cfg = self.dagster_home / "dagster.yaml"
        if not cfg.exists():
            cfg.write_text(
                "telemetry:\n  enabled: false\n"
                "concurrency:\n  pools:\n    default_limit: 1\n",
                encoding="utf-8",
            )


def load_settings(home: str | Path | None = None) -> Settings:
    root = Path(home or os.environ.get("LIANDONG_HOME") or Path.cwd() / ".liandong")
    return Settings(home=root.expanduser().resolve())
