"""A province of jurisdictions for the benchmark: the five seed regions of the sample first, then made-up
districts and counties with the same naming scheme (region name + department, alias 区/县 + short name).

Every region has the same 20 member units: 16 penalty-issuing agencies (one per role of the sample's offence
catalogue), the procuratorate, the police, the 12345 centre and the court. USCCs come from
`sample_data.ids.stable_uscc`, so a unit keeps its code whatever the scale or seed.
"""

from __future__ import annotations

from sample_data.ids import stable_uscc
from sample_data.units import REGIONS as SEED_REGIONS
from sample_data.units import Region, Unit

UNITS_PER_REGION = 20
# role → (full-name suffix, alias suffix, unit kind, enforcement domain)
ROLES: dict[str, tuple[str, str, str, str | None]] = {
    "market": ("市场监督管理局", "市场监管局", "政府部门", "市场监管"),
    "env": ("生态环境局", "生态环境局", "政府部门", "生态环境"),
    "land": ("自然资源和规划局", "自然资源局", "政府部门", "自然资源"),
    "forest": ("林业和草原局", "林草局", "政府部门", "林业草原"),
    "agri": ("农业农村局", "农业农村局", "政府部门", "农业农村"),
    "tax": ("税务局", "税务局", "政府部门", "税务"),
    "hrss": ("人力资源和社会保障局", "人社局", "政府部门", "人力资源社会保障"),
    "safety": ("应急管理局", "应急局", "政府部门", "应急管理"),
    "health": ("卫生健康委员会", "卫健委", "政府部门", "卫生健康"),
    "urban": ("城市管理局", "城管局", "政府部门", "城市管理"),
    "transport": ("交通运输局", "交通局", "政府部门", "交通运输"),
    "housing": ("住房和城乡建设局", "住建局", "政府部门", "住房城乡建设"),
    "water": ("水务局", "水务局", "政府部门", "水务"),
    "tobacco": ("烟草专卖局", "烟草专卖局", "政府部门", "烟草专卖"),
    "fire": ("消防救援大队", "消防救援大队", "政府部门", "消防"),
    "culture": ("文化广电和旅游局", "文旅局", "政府部门", "文化旅游"),
    "proc": ("人民检察院", "检察院", "检察院", None),
    "police": ("公安局", "公安局", "公安机关", "公安"),
    "hotline": ("12345政务服务便民热线中心", "12345热线中心", "热线中心", None),
    "court": ("人民法院", "法院", "其他", None),
}
AGENCY_ROLES = tuple(r for r in ROLES if r not in ("proc", "police", "hotline", "court"))
# How many penalties each kind of agency decides, relative to the others.
ROLE_WEIGHTS = {"market": 24, "urban": 12, "transport": 11, "safety": 6, "env": 6, "land": 4, "forest": 3,
                "agri": 4, "tax": 5, "hrss": 3, "health": 5, "housing": 5, "water": 2, "tobacco": 2, "fire": 4,
                "culture": 4}

# (2-digit province code, province, [(2-digit city code, city)]) for made-up districts and counties.
_PROVINCES = (
    ("41", "河南省", (("01", "郑州"), ("03", "洛阳"), ("04", "平顶山"), ("05", "安阳"), ("07", "新乡"),
                    ("13", "南阳"), ("14", "商丘"), ("15", "信阳"))),
    ("42", "湖北省", (("02", "黄石"), ("03", "十堰"), ("05", "宜昌"), ("06", "襄阳"), ("08", "荆门"),
                    ("09", "孝感"), ("10", "荆州"), ("11", "黄冈"))),
    ("51", "四川省", (("03", "自贡"), ("05", "泸州"), ("06", "德阳"), ("07", "绵阳"), ("10", "内江"),
                    ("11", "乐山"), ("13", "南充"), ("15", "宜宾"))),
    ("62", "甘肃省", (("01", "兰州"), ("04", "白银"), ("05", "天水"), ("06", "武威"), ("07", "张掖"),
                    ("08", "平凉"), ("10", "庆阳"), ("11", "定西"))),
)
_DISTRICTS = (("02", "城关", "区"), ("03", "新华", "区"), ("04", "东城", "区"), ("05", "西湖", "区"),
              ("21", "临河", "县"), ("22", "永安", "县"), ("23", "长乐", "县"), ("24", "清平", "县"))
_LETTERS = "ABCDEFGHJKLMNPQRSTWXYZ"


def _made_up_regions() -> list[Region]:
    out: list[Region] = []
    seed_codes = {r.code for r in SEED_REGIONS}
    taken = {r.ticket_abbr for r in SEED_REGIONS}
    abbrs = iter(a + b for a in _LETTERS for b in _LETTERS if a + b not in taken)
    for d_code, d_name, level in _DISTRICTS:
        for p_code, _province, cities in _PROVINCES:
            for i, (c_code, city) in enumerate(cities):
                code = f"{p_code}{c_code}{d_code}"
                if code in seed_codes:
                    continue
                short = f"{d_name}{level}"
                out.append(Region(
                    code=code,
                    name=f"{city}市{short}",
                    short=short,
                    place=city,
                    level=level,
                    doc_prefix=f"{city[0]}{d_name[0]}",
                    proc_abbr=f"{city[0]}{d_name[0]}检",
                    ticket_abbr=next(abbrs),
                    area_code=f"0{int(p_code) * 10 + i + 300}",
                    birth_regions=(code, f"{p_code}{c_code}01", f"{p_code}{c_code}{d_code}"),
                ))
    return out


ALL_REGIONS: tuple[Region, ...] = (*SEED_REGIONS, *_made_up_regions())


def regions(count: int) -> list[Region]:
    if not 1 <= count <= len(ALL_REGIONS):
        raise ValueError(f"regions must be between 1 and {len(ALL_REGIONS)}")
    return list(ALL_REGIONS[:count])


def region_units(region: Region) -> dict[str, Unit]:
    """The 20 member units of a region, keyed by role."""
    units: dict[str, Unit] = {}
    for role, (suffix, alias, kind, domain) in ROLES.items():
        name = f"国家税务总局{region.name}税务局" if role == "tax" else f"{region.name}{suffix}"
        prefix = "12" if role == "hotline" else "11"
        units[role] = Unit(role, name, (f"{region.level}{alias}",), stable_uscc(prefix, region.code, name),
                           region.code, kind, domain, role in AGENCY_ROLES, None, None)
    return units
