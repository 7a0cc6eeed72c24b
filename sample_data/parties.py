"""Parties of penalty cases: companies, 个体工商户 and natural persons, each unique within one sample.

Background parties never repeat, so the only repeat offenders in the sample are the planted ones.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sample_data import ids, names
from sample_data.units import Region

LEGAL_PERSON = "法人及非法人组织"
SOLE_TRADER = "个体工商户"
NATURAL_PERSON = "自然人"


@dataclass(frozen=True)
class Party:
    """Who was penalised. `id_no` is the person's own 18-digit number (legacy form is a display choice)."""

    category: str
    name: str
    uscc: str | None = None
    rep_name: str | None = None  # 法定代表人 / 经营者 (a natural person)
    rep_id: str | None = None  # 法定代表人证件号码, when the ledger shows it
    id_no: str | None = None  # 自然人's 身份证
    phone: str | None = None


class PartyFactory:
    """Makes parties for one region; identifiers are unique across the whole sample via `taken`."""

    def __init__(self, rng: random.Random, region: Region, taken: set[str]):
        self.rng, self.region, self.taken = rng, region, taken

    def _fresh(self, make: object) -> str:
        for _ in range(100):
            value = make()  # type: ignore[operator]
            if value not in self.taken:
                self.taken.add(value)
                return value
        raise RuntimeError("could not draw a fresh identifier")

    def person_id(self, last_year: int = 2000) -> str:
        """A fresh 18-digit 身份证 of someone born 1960–last_year at one of the region's address codes."""
        rng = self.rng
        return self._fresh(
            lambda: ids.make_ric(
                rng.choice(self.region.birth_regions), ids.random_birth(rng, 1960, last_year), rng
            )
        )

    def uscc(self, prefix2: str) -> str:
        return self._fresh(lambda: ids.make_uscc(prefix2, self.region.code, self.rng))

    def company(self, trade: str | None = None, prefix2: str = "91", name: str | None = None) -> Party:
        rng = self.rng
        with_id = rng.random() < 0.35
        return Party(
            LEGAL_PERSON,
            name or names.company_name(rng, self.region.place, trade),
            self.uscc(prefix2),
            names.person_name(rng),
            self.person_id() if with_id else None,
            None,
            ids.make_mobile(rng),
        )

    def shop(self, kind: str | None = None) -> Party:
        rng = self.rng
        return Party(
            SOLE_TRADER,
            names.shop_name(rng, self.region.short, kind),
            self.uscc("92"),
            names.person_name(rng),
            self.person_id() if rng.random() < 0.5 else None,
            None,
            ids.make_mobile(rng),
        )

    def person(self, last_year: int = 2000) -> Party:
        """A natural person; last_year < 2000 guarantees a legacy 15-digit form exists."""
        rng = self.rng
        return Party(
            NATURAL_PERSON,
            names.person_name(rng),
            id_no=self.person_id(last_year),
            phone=ids.make_mobile(rng),
        )

    def collective(self, village: str) -> Party:
        """A 农村集体经济组织: USCC prefix N2 (村级), exercising the letter-prefixed check."""
        return self.company(prefix2="N2", name=f"{village}股份经济合作社")

    def military_shop(self) -> Party:
        """A unit registered by the military (USCC prefix A1)."""
        return self.company(
            prefix2="A1", name=f"{self.region.place}{self.rng.choice(names.TRADE_NAMES)}军人服务社"
        )

    def other_org(self) -> Party:
        """An organisation registered by another authority (USCC prefix Y1)."""
        return self.company(
            prefix2="Y1", name=f"{self.region.place}{self.rng.choice(names.TRADE_NAMES)}行业服务联合会"
        )

    def of_kind(self, kind: str) -> Party:
        """kind: company | shop | person."""
        return {"company": self.company, "shop": self.shop, "person": self.person}[kind]()
