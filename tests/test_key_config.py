"""Where the pseudonymisation key comes from, and what happens without one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from warehouse.errors import UserError
from warehouse.settings import DEMO_KEY, load_settings


def test_env_key_wins(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("LIANDONG_SECRET_KEY", "an-environment-key-of-enough-length")
    assert load_settings(tmp_path).secret_key() == b"an-environment-key-of-enough-length"


def test_short_env_key_is_refused(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("LIANDONG_SECRET_KEY", "short")
    with pytest.raises(UserError, match="too short"):
        load_settings(tmp_path).secret_key()


def test_key_file_must_be_owner_only(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("LIANDONG_SECRET_KEY", raising=False)
    monkeypatch.delenv("LIANDONG_SECRET_KEY_FILE", raising=False)
    key = tmp_path / "secret.key"
    key.write_bytes(b"a-key-file-with-enough-bytes\n")
    os.chmod(key, 0o644)
    with pytest.raises(UserError, match="chmod 600"):
        load_settings(tmp_path).secret_key()
    os.chmod(key, 0o600)
    assert load_settings(tmp_path).secret_key() == b"a-key-file-with-enough-bytes"


def test_no_key_stops_ingest_but_demo_uses_the_demo_key(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("LIANDONG_SECRET_KEY", raising=False)
    monkeypatch.delenv("LIANDONG_SECRET_KEY_FILE", raising=False)
    settings = load_settings(tmp_path)
    with pytest.raises(UserError) as info:
        settings.secret_key()
    assert "LIANDONG_SECRET_KEY" in info.value.message_zh and "LIANDONG_SECRET_KEY" in info.value.message_en
    assert settings.secret_key(demo=True) == DEMO_KEY
