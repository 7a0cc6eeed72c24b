"""The five seed jurisdictions and their member units (R1), taken from the member lists in seeds 000, 002
and 004 (unit names only) and, for 酒泉 and 安居 whose policies list no members, the usual line-up.

Every unit gets a USCC derived from its name (stable across seeds) so ledgers can reference it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sample_data.ids import stable_uscc


@dataclass(frozen=True)
class Region:
    """A seed jurisdiction and the spellings its ledgers use."""

    code: str
    name: str  # 郑州市惠济区
    short: str  # 惠济区 — prefix of local shop names
    place: str  # 郑州 — prefix of company names
    level: str  # 区 / 市 / 县 — how member aliases start (区市场监管局)
    doc_prefix: str  # 郑惠 — prefix of penalty decision numbers
    proc_abbr: str  # 惠检 — prefix of procuratorate document numbers
    ticket_abbr: str  # HJ — prefix of 12345 ticket numbers
    area_code: str  # 0371 — landline area code
    birth_regions: tuple[str, ...]  # 身份证 address codes of local residents


REGIONS: tuple[Region, ...] = (
    Region(
        "410108",
        "郑州市惠济区",
        "惠济区",
        "郑州",
        "区",
        "郑惠",
        "惠检",
        "HJ",
        "0371",
        ("410108", "410102", "410105", "410122", "411421"),
    ),
    Region(
        "620900",
        "甘肃省酒泉市",
        "酒泉市",
        "酒泉",
        "市",
        "酒",
        "酒检",
        "JQ",
        "0937",
        ("620902", "620921", "620922", "620981", "620982"),
    ),
    Region(
        "420104",
        "武汉市硚口区",
        "硚口区",
        "武汉",
        "区",
        "硚",
        "硚检",
        "QK",
        "027",
        ("420104", "420103", "420106", "420117", "421127"),
    ),
    Region(
        "510904",
        "遂宁市安居区",
        "安居区",
        "遂宁",
        "区",
        "遂安",
        "遂安检",
        "AJ",
        "0825",
        ("510904", "510903", "510921", "511025", "510923"),
    ),
    Region(
        "620321",
        "金昌市永昌县",
        "永昌县",
        "永昌",
        "县",
        "永",
        "永检",
        "YC",
        "0935",
        ("620321", "620302", "620103", "622223", "620502"),
    ),
)
REGION_BY_CODE = {r.code: r for r in REGIONS}


@dataclass(frozen=True)
class Unit:
    """One R1 row. `role` is this generator's handle (market, env, proc …), not part of the file."""

    role: str
    name: str
    aliases: tuple[str, ...]
    uscc: str
    region_code: str
    kind: str
    domain: str | None
    scored: bool
    valid_from: date | None
    valid_to: date | None

    @property
    def alias(self) -> str:
        """The short name most ledgers use (区市场监管局), or the full name when there is none."""
        return self.aliases[0] if self.aliases else self.name


# (role, full name, aliases, kind, domain, scored, USCC prefix)
_Spec = tuple[str, str, tuple[str, ...], str, str | None, bool, str]

_HUIJI: list[_Spec] = [
    ("gov_office", "郑州市惠济区人民政府办公室", ("区政府办",), "政府部门", None, False, "11"),
    ("drc", "郑州市惠济区发展和改革委员会", ("区发展改革委",), "政府部门", None, True, "11"),
    ("stats", "郑州市惠济区统计局", ("区统计局",), "政府部门", None, True, "11"),
    ("finance", "郑州市惠济区财政局", ("区财政局",), "政府部门", None, True, "11"),
    ("hrss", "郑州市惠济区人力资源和社会保障局", ("区人社局",), "政府部门", "人力资源社会保障", True, "11"),
    ("housing", "郑州市惠济区住房和城乡建设局", ("区住建局",), "政府部门", "住房城乡建设", True, "11"),
    ("transport", "郑州市惠济区交通运输局", ("区交通局",), "政府部门", "交通运输", True, "11"),
    ("agri", "郑州市惠济区农业农村工作委员会", ("区农委",), "政府部门", "农业农村", True, "11"),
    ("forest", "郑州市惠济区林业园林局", ("区林业园林局",), "政府部门", "林业草原", True, "11"),
    ("commerce", "郑州市惠济区商务局", ("区商务局",), "政府部门", None, True, "11"),
    ("culture", "郑州市惠济区文化旅游体育局", ("区文旅体局",), "政府部门", "文化旅游", True, "11"),
    ("health", "郑州市惠济区卫生健康委员会", ("区卫健委",), "政府部门", "卫生健康", True, "11"),
    ("safety", "郑州市惠济区应急管理局", ("区应急局",), "政府部门", "应急管理", True, "11"),
    ("audit", "郑州市惠济区审计局", ("区审计局",), "政府部门", None, True, "11"),
    (
        "market",
        "郑州市惠济区市场监督管理局",
        ("区市场监管局", "惠济区市场监管局"),
        "政府部门",
        "市场监管",
        True,
        "11",
    ),
    ("sci", "郑州市惠济区科技和工业信息化局", ("区科工局",), "政府部门", None, True, "11"),
    ("petition", "郑州市惠济区信访局", ("区信访局",), "政府部门", None, True, "11"),
    ("justice", "郑州市惠济区司法局", ("区司法局",), "政府部门", None, True, "11"),
    ("urban", "郑州市惠济区城市管理局", ("区城管局",), "政府部门", "城市管理", True, "11"),
    ("edu", "郑州市惠济区教育局", ("区教育局",), "政府部门", "教育", True, "11"),
    ("civil", "郑州市惠济区民政局", ("区民政局",), "政府部门", None, True, "11"),
    ("veterans", "郑州市惠济区退役军人事务局", ("区退役军人事务局",), "政府部门", None, True, "11"),
    (
        "bigdata",
        "郑州市惠济区政务服务和大数据管理局",
        ("区政务服务和大数据管理局",),
        "政府部门",
        None,
        True,
        "11",
    ),
    ("land", "郑州市自然资源和规划局惠济分局", ("市资源规划局惠济分局",), "政府部门", "自然资源", True, "11"),
    (
        "env",
        "郑州市生态环境局惠济分局",
        ("市生态环境局惠济分局", "生态环境局惠济分局"),
        "政府部门",
        "生态环境",
        True,
        "11",
    ),
    ("medins", "郑州市医疗保障局惠济分局", ("市医保局惠济分局",), "政府部门", "医疗保障", True, "11"),
    ("renewal", "郑州市惠济区城市更新中心", ("区城市更新中心",), "其他", None, False, "12"),
    ("expropriation", "郑州市惠济区征收补偿中心", ("区征收补偿中心",), "其他", None, False, "12"),
    ("river", "郑州惠金黄河河务局", ("惠金河务局",), "其他", "水务", False, "12"),
    ("tax", "国家税务总局郑州市惠济区税务局", ("区税务局",), "政府部门", "税务", True, "11"),
    ("proc", "郑州市惠济区人民检察院", ("区检察院", "惠济区检察院"), "检察院", None, False, "11"),
    ("police", "郑州市公安局惠济分局", ("市公安局惠济分局", "惠济公安分局"), "公安机关", "公安", False, "11"),
    (
        "hotline",
        "郑州市惠济区12345政务服务便民热线受理中心",
        ("12345热线中心", "区12345热线"),
        "热线中心",
        None,
        False,
        "12",
    ),
    ("court", "郑州市惠济区人民法院", ("区法院",), "其他", None, False, "11"),
]
_HUIJI_TOWNS = (
    "新城街道",
    "长兴路街道",
    "迎宾路街道",
    "刘寨街道",
    "老鸦陈街道",
    "大河路街道",
    "花园口镇",
    "古荥镇",
)

_JIUQUAN: list[_Spec] = [
    ("gov_office", "酒泉市人民政府办公室", ("市政府办",), "政府部门", None, False, "11"),
    ("justice", "酒泉市司法局", ("市司法局",), "政府部门", None, True, "11"),
    ("market", "酒泉市市场监督管理局", ("市市场监管局",), "政府部门", "市场监管", True, "11"),
    ("env", "酒泉市生态环境局", ("市生态环境局",), "政府部门", "生态环境", True, "11"),
    ("land", "酒泉市自然资源局", ("市自然资源局",), "政府部门", "自然资源", True, "11"),
    ("forest", "酒泉市林业和草原局", ("市林草局",), "政府部门", "林业草原", True, "11"),
    ("agri", "酒泉市农业农村局", ("市农业农村局",), "政府部门", "农业农村", True, "11"),
    ("tax", "国家税务总局酒泉市税务局", ("市税务局",), "政府部门", "税务", True, "11"),
    ("hrss", "酒泉市人力资源和社会保障局", ("市人社局",), "政府部门", "人力资源社会保障", True, "11"),
    ("safety", "酒泉市应急管理局", ("市应急局",), "政府部门", "应急管理", True, "11"),
    ("health", "酒泉市卫生健康委员会", ("市卫健委",), "政府部门", "卫生健康", True, "11"),
    ("water", "酒泉市水务局", ("市水务局",), "政府部门", "水务", True, "11"),
    ("tobacco", "酒泉市烟草专卖局", ("市烟草专卖局",), "政府部门", "烟草专卖", True, "11"),
    ("transport", "酒泉市交通运输局", ("市交通运输局",), "政府部门", "交通运输", True, "11"),
    ("housing", "酒泉市住房和城乡建设局", ("市住建局",), "政府部门", "住房城乡建设", True, "11"),
    ("police", "酒泉市公安局", ("市公安局",), "公安机关", "公安", False, "11"),
    ("proc", "酒泉市人民检察院", ("市检察院",), "检察院", None, False, "11"),
    ("hotline", "酒泉市12345政务服务便民热线运行管理中心", ("12345热线中心",), "热线中心", None, False, "12"),
    ("court", "酒泉市中级人民法院", ("市中院",), "其他", None, False, "11"),
]

_QIAOKOU: list[_Spec] = [
    ("drc", "武汉市硚口区发展和改革局", ("区发改局",), "政府部门", None, True, "11"),
    ("edu", "武汉市硚口区教育局", ("区教育局",), "政府部门", "教育", True, "11"),
    ("civil", "武汉市硚口区民政局", ("区民政局",), "政府部门", None, True, "11"),
    ("justice", "武汉市硚口区司法局", ("区司法局",), "政府部门", None, True, "11"),
    ("finance", "武汉市硚口区财政局", ("区财政局",), "政府部门", None, True, "11"),
    ("hrss", "武汉市硚口区人力资源局", ("区人资局",), "政府部门", "人力资源社会保障", True, "11"),
    ("urban", "武汉市硚口区城市管理执法委员会", ("区城管执法局",), "政府部门", "城市管理", True, "11"),
    ("water", "武汉市硚口区水务和湖泊局", ("区水务湖泊局",), "政府部门", "水务", True, "11"),
    ("commerce", "武汉市硚口区商务局", ("区商务局",), "政府部门", None, True, "11"),
    ("culture", "武汉市硚口区文化和旅游局", ("区文旅局",), "政府部门", "文化旅游", True, "11"),
    ("health", "武汉市硚口区卫生健康局", ("区卫健局",), "政府部门", "卫生健康", True, "11"),
    ("veterans", "武汉市硚口区退役军人事务局", ("区退役军人事务局",), "政府部门", None, True, "11"),
    ("safety", "武汉市硚口区应急管理局", ("区应急管理局",), "政府部门", "应急管理", True, "11"),
    ("audit", "武汉市硚口区审计局", ("区审计局",), "政府部门", None, True, "11"),
    ("housing", "武汉市硚口区住房和城市更新局", ("区住更局",), "政府部门", "住房城乡建设", True, "11"),
    ("sasac", "武汉市硚口区国有资产监督管理局", ("区国资局",), "政府部门", None, True, "11"),
    ("market", "武汉市硚口区市场监督管理局", ("区市场监管局",), "政府部门", "市场监管", True, "11"),
    ("stats", "武汉市硚口区统计局", ("区统计局",), "政府部门", None, True, "11"),
    ("medins", "武汉市硚口区医疗保障局", ("区医保局",), "政府部门", "医疗保障", True, "11"),
    ("approval", "武汉市硚口区行政审批局", ("区行政审批局",), "政府部门", None, True, "11"),
    ("tax", "国家税务总局武汉市硚口区税务局", ("区税务局",), "政府部门", "税务", True, "11"),
    (
        "land",
        "武汉市自然资源和城乡建设局硚口分局",
        ("区自然资源和城乡建设局",),
        "政府部门",
        "自然资源",
        True,
        "11",
    ),
    ("env", "武汉市生态环境局硚口区分局", ("区生态环境分局",), "政府部门", "生态环境", True, "11"),
    ("police", "武汉市公安局硚口区分局", ("区公安分局",), "公安机关", "公安", False, "11"),
    ("devzone", "武汉硚口经济开发区管理委员会", ("硚口经济开发区管委会",), "其他", None, False, "11"),
    ("proc", "武汉市硚口区人民检察院", ("区检察院",), "检察院", None, False, "11"),
    ("hotline", "武汉市硚口区12345市民服务热线工作专班", ("12345热线中心",), "热线中心", None, False, "12"),
    ("court", "武汉市硚口区人民法院", ("区法院",), "其他", None, False, "11"),
]
_QIAOKOU_TOWNS = (
    "易家街道",
    "长丰街道",
    "古田街道",
    "韩家墩街道",
    "宗关街道",
    "汉水桥街道",
    "宝丰街道",
    "荣华街道",
    "汉中街道",
    "六角亭街道",
    "汉正街道",
)

_ANJU: list[_Spec] = [
    ("gov_office", "遂宁市安居区人民政府办公室", ("区政府办",), "政府部门", None, False, "11"),
    ("justice", "遂宁市安居区司法局", ("区司法局",), "政府部门", None, True, "11"),
    ("market", "遂宁市安居区市场监督管理局", ("区市场监管局",), "政府部门", "市场监管", True, "11"),
    ("env", "遂宁市安居生态环境局", ("区生态环境局",), "政府部门", "生态环境", True, "11"),
    ("land", "遂宁市安居区自然资源和规划局", ("区自然资源规划局",), "政府部门", "自然资源", True, "11"),
    ("forest", "遂宁市安居区林业局", ("区林业局",), "政府部门", "林业草原", True, "11"),
    ("agri", "遂宁市安居区农业农村局", ("区农业农村局",), "政府部门", "农业农村", True, "11"),
    ("tax", "国家税务总局遂宁市安居区税务局", ("区税务局",), "政府部门", "税务", True, "11"),
    ("hrss", "遂宁市安居区人力资源和社会保障局", ("区人社局",), "政府部门", "人力资源社会保障", True, "11"),
    ("safety", "遂宁市安居区应急管理局", ("区应急局",), "政府部门", "应急管理", True, "11"),
    ("health", "遂宁市安居区卫生健康局", ("区卫健局",), "政府部门", "卫生健康", True, "11"),
    ("water", "遂宁市安居区水利局", ("区水利局",), "政府部门", "水务", True, "11"),
    ("transport", "遂宁市安居区交通运输局", ("区交通运输局",), "政府部门", "交通运输", True, "11"),
    ("housing", "遂宁市安居区住房和城乡建设局", ("区住建局",), "政府部门", "住房城乡建设", True, "11"),
    ("devzone", "遂宁安居经济开发区管理委员会", ("安居经开区管委会",), "其他", None, False, "11"),
    ("police", "遂宁市公安局安居区分局", ("区公安分局",), "公安机关", "公安", False, "11"),
    ("proc", "遂宁市安居区人民检察院", ("区检察院",), "检察院", None, False, "11"),
    ("hotline", "遂宁市安居区12345政务服务热线中心", ("12345热线中心",), "热线中心", None, False, "12"),
    ("court", "遂宁市安居区人民法院", ("区法院",), "其他", None, False, "11"),
]
_ANJU_TOWNS = ("安居镇", "东禅镇", "拦江镇", "白马镇", "磨溪镇", "三家镇", "分水镇", "石洞镇")

_YONGCHANG: list[_Spec] = [
    ("justice", "永昌县司法局", ("县司法局",), "政府部门", None, True, "11"),
    ("drc", "永昌县发展和改革局", ("县发改局",), "政府部门", None, True, "11"),
    ("edu", "永昌县教育局", ("县教育局",), "政府部门", "教育", True, "11"),
    ("sci", "永昌县科学技术局", ("县科技局",), "政府部门", None, True, "11"),
    ("industry", "永昌县工业和信息化局", ("县工信局",), "政府部门", None, True, "11"),
    ("police", "永昌县公安局", ("县公安局",), "公安机关", "公安", False, "11"),
    ("civil", "永昌县民政局", ("县民政局",), "政府部门", None, True, "11"),
    ("finance", "永昌县财政局", ("县财政局",), "政府部门", None, True, "11"),
    ("hrss", "永昌县人力资源和社会保障局", ("县人社局",), "政府部门", "人力资源社会保障", True, "11"),
    ("land", "永昌县自然资源局", ("县自然资源局",), "政府部门", "自然资源", True, "11"),
    ("housing", "永昌县住房和城乡建设局", ("县住建局",), "政府部门", "住房城乡建设", True, "11"),
    (
        "transport",
        "永昌县交通运输局",
        ("县交通局", "县交通运输综合行政执法队"),
        "政府部门",
        "交通运输",
        True,
        "11",
    ),
    ("water", "永昌县水务局", ("县水务局",), "政府部门", "水务", True, "11"),
    ("agri", "永昌县农业农村局", ("县农业农村局",), "政府部门", "农业农村", True, "11"),
    ("commerce", "永昌县商务局", ("县商务局",), "政府部门", None, True, "11"),
    ("culture", "永昌县文体广电和旅游局", ("县文体广电和旅游局",), "政府部门", "文化旅游", True, "11"),
    ("health", "永昌县卫生健康局", ("县卫健局",), "政府部门", "卫生健康", True, "11"),
    ("veterans", "永昌县退役军人事务局", ("县退役军人事务局",), "政府部门", None, True, "11"),
    ("safety", "永昌县应急管理局", ("县应急管理局",), "政府部门", "应急管理", True, "11"),
    ("audit", "永昌县审计局", ("县审计局",), "政府部门", None, True, "11"),
    (
        "market",
        "永昌县市场监督管理局",
        ("县市场监督管理局", "县市场监管局"),
        "政府部门",
        "市场监管",
        True,
        "11",
    ),
    ("stats", "永昌县统计局", ("县统计局",), "政府部门", None, True, "11"),
    ("medins", "永昌县医疗保障局", ("县医保局",), "政府部门", "医疗保障", True, "11"),
    ("env", "金昌市生态环境局永昌分局", ("生态环境局永昌分局",), "政府部门", "生态环境", True, "11"),
    ("fire", "永昌县消防救援大队", ("县消防救援局",), "政府部门", "消防", True, "11"),
    ("tax", "国家税务总局永昌县税务局", ("县税务局",), "政府部门", "税务", True, "11"),
    ("proc", "永昌县人民检察院", ("县检察院",), "检察院", None, False, "11"),
    ("hotline", "永昌县12345政务服务便民热线中心", ("12345热线中心",), "热线中心", None, False, "12"),
    ("court", "永昌县人民法院", ("县法院",), "其他", None, False, "11"),
]
_YONGCHANG_TOWNS = (
    "城关镇",
    "河西堡镇",
    "新城子镇",
    "朱王堡镇",
    "东寨镇",
    "水源镇",
    "红山窑镇",
    "焦家庄镇",
    "六坝镇",
    "南坝乡",
)

_SPECS: dict[str, tuple[list[_Spec], tuple[str, ...]]] = {
    "410108": (_HUIJI, _HUIJI_TOWNS),
    "620900": (_JIUQUAN, ()),
    "420104": (_QIAOKOU, _QIAOKOU_TOWNS),
    "510904": (_ANJU, _ANJU_TOWNS),
    "620321": (_YONGCHANG, _YONGCHANG_TOWNS),
}
# Membership changes over time: (region, role) → (valid_from, valid_to).
_VALIDITY: dict[tuple[str, str], tuple[date | None, date | None]] = {
    ("410108", "renewal"): (date(2024, 1, 19), date(2025, 6, 30)),
    ("620321", "tax"): (date(2025, 1, 1), None),
}
_DEFAULT_FROM = {
    "410108": date(2024, 1, 19),
    "620900": None,
    "420104": date(2024, 1, 1),
    "510904": date(2024, 2, 29),
    "620321": date(2024, 1, 1),
}


def _town_full_name(region: Region, town: str) -> str:
    suffix = "办事处" if town.endswith("街道") else "人民政府"
    return f"{region.name.removeprefix('甘肃省')}{town}{suffix}"


def member_units(region: Region) -> list[Unit]:
    """The R1 list of one region, in the order the 联席会议办公室 would keep it."""
    specs, towns = _SPECS[region.code]
    units: list[Unit] = []
    for role, name, aliases, kind, domain, scored, prefix in specs:
        start, end = _VALIDITY.get((region.code, role), (_DEFAULT_FROM[region.code], None))
        units.append(
            Unit(
                role,
                name,
                aliases,
                stable_uscc(prefix, region.code, name),
                region.code,
                kind,
                domain,
                scored,
                start,
                end,
            )
        )
    for town in towns:
        name = _town_full_name(region, town)
        units.append(
            Unit(
                f"town:{town}",
                name,
                (town,),
                stable_uscc("11", region.code, name),
                region.code,
                "乡镇街道",
                None,
                False,
                _DEFAULT_FROM[region.code],
                None,
            )
        )
    return units


def units_by_role(region: Region) -> dict[str, Unit]:
    """Member units of a region keyed by role (market, env, proc, police, hotline, town:新城街道 …)."""
    return {u.role: u for u in member_units(region)}
