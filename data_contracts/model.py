"""Load the feed contracts (YAML) into typed objects; the single reader of `contracts/*.yml`."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CONTRACTS_DIR = Path(__file__).parent / "contracts"
FEEDS = ("penalty_ledger", "supervision_ledger", "hotline_exchange", "member_units", "task_list")

FIELD_TYPES = {
    "text", "code", "code_list", "list", "uscc", "id_no", "region_code", "date", "date_or_long_term",
    "datetime", "amount", "decimal", "integer", "boolean",
}


@dataclass(frozen=True)
class Condition:
    """A row condition such as `party_category in [自然人]`; used by conditional rules."""

    field: str
    op: str  # in | not_in | contains_any | is | not_null
    values: tuple[Any, ...] = ()

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> Condition:
        (fld,) = [raw["field"]]
        for op in ("in", "not_in", "contains_any"):
            if op in raw:
                return cls(fld, op, tuple(raw[op]))
        if "is" in raw:
            return cls(fld, "is", (raw["is"],))
        if raw.get("not_null"):
            return cls(fld, "not_null")
        raise ValueError(f"unknown condition {raw!r}")

    def describe_zh(self) -> str:
        vals = "、".join(str(v) for v in self.values)
        return {
            "in": f"{self.field} 为 {vals} 时",
            "not_in": f"{self.field} 不为 {vals} 时",
            "contains_any": f"{self.field} 含 {vals} 时",
            "is": f"{self.field} 为 {vals} 时",
            "not_null": f"{self.field} 有值时",
        }[self.op]


@dataclass(frozen=True)
class CodeList:
    name: str
    title: str
    values: tuple[str, ...]
    aliases: dict[str, str] = field(default_factory=dict)
    open_prefix: str | None = None
    legacy_license_wording: tuple[str, ...] = ()

    def accepts(self, value: str) -> bool:
        return value in self.values or bool(self.open_prefix and value.startswith(self.open_prefix))


@dataclass(frozen=True)
class Field:
    name: str
    header: str
    type: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    required_when: Condition | None = None
    max_length: int | None = None
    codes: str | None = None
    unit: str | None = None  # default unit of an amount when the header carries none
    personal: dict[str, Any] | None = None
    id_type_field: str | None = None
    not_future: bool = False
    gte: tuple[str, ...] = ()
    lte: tuple[str, ...] = ()
    starts_with: dict[str, Any] | None = None
    flag_when_missing: str | None = None
    unique: bool = False

    @property
    def personal_kind(self) -> str | None:
        return self.personal["kind"] if self.personal else None

    @property
    def personal_when(self) -> Condition | None:
        if self.personal and "when" in self.personal:
            return Condition.parse(self.personal["when"])
        return None


@dataclass(frozen=True)
class Contract:
    id: str
    feed: str
    title: str
    title_en: str
    version: str
    key: tuple[str, ...]
    unit_field: str
    version_order: tuple[str, ...]
    fields: tuple[Field, ...]
    path: Path

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def required_fields(self) -> list[Field]:
        """Fields whose column must be present in a file (unconditionally required)."""
        return [f for f in self.fields if f.required]


def _field(raw: dict[str, Any]) -> Field:
    req = raw.get("required", False)
    ftype = raw["type"]
    if ftype not in FIELD_TYPES:
        raise ValueError(f"field {raw['name']}: unknown type {ftype}")
    return Field(
        name=raw["name"],
        header=raw["header"],
        type=ftype,
        synonyms=tuple(raw.get("synonyms", ())),
        required=req is True,
        required_when=Condition.parse(req["when"]) if isinstance(req, dict) else None,
        max_length=raw.get("max_length"),
        codes=raw.get("codes"),
        unit=raw.get("unit"),
        personal=raw.get("personal"),
        id_type_field=raw.get("id_type_field"),
        not_future=raw.get("not_future", False),
        gte=tuple(raw.get("gte", ())),
        lte=tuple(raw.get("lte", ())),
        starts_with=raw.get("starts_with"),
        flag_when_missing=raw.get("flag_when_missing"),
        unique=raw.get("unique", False),
    )


@cache
def load_contract(feed: str) -> Contract:
    """The contract of one feed (cached: contracts are read-only at run time)."""
    path = CONTRACTS_DIR / f"{feed}.yml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Contract(
        id=raw["id"],
        feed=raw["feed"],
        title=raw["title"],
        title_en=raw["title_en"],
        version=str(raw["version"]),
        key=tuple(raw["key"]),
        unit_field=raw["unit_field"],
        version_order=tuple(raw.get("version_order", ())),
        fields=tuple(_field(f) for f in raw["fields"]),
        path=path,
    )


def load_contracts() -> dict[str, Contract]:
    return {feed: load_contract(feed) for feed in FEEDS}


@cache
def load_codes() -> dict[str, CodeList]:
    raw = yaml.safe_load((CONTRACTS_DIR / "codes.yml").read_text(encoding="utf-8"))
    return {
        name: CodeList(
            name=name,
            title=spec["title"],
            values=tuple(str(v) for v in spec["values"]),
            aliases={str(k): str(v) for k, v in (spec.get("aliases") or {}).items()},
            open_prefix=spec.get("open_prefix"),
            legacy_license_wording=tuple(spec.get("legacy_license_wording", ())),
        )
        for name, spec in raw.items()
    }
