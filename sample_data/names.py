"""Word lists for fake parties: person names, company trade names and shop names.

Trade names are drawn from a pool that shares no two-character word with the person-name pool, so a
person's name never appears by accident inside a company name (the PII test relies on that).
"""

from __future__ import annotations

import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史贺顾毛郝龚邵万"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英建国文辉玉兰红梅鹏飞斌波宇浩凯俊帅晨欣婷雪琳"
    "晶颖慧亮海峰春荣志永庆宏福贵祥东光立云淑凤琴素翠萍玲燕霖彬鑫森楠"
)
TRADE_NAMES = (
    "鑫源",
    "恒达",
    "宏盛",
    "金鼎",
    "瑞丰",
    "汇通",
    "聚福",
    "兴隆",
    "天成",
    "博远",
    "嘉禾",
    "盛世",
    "华泰",
    "鼎盛",
    "众诚",
    "润泽",
    "佳美",
    "恒信",
    "晟达",
    "长青",
    "丰源",
    "泰和",
    "锦程",
    "万通",
    "永顺",
    "裕华",
    "安泰",
    "昌隆",
    "远航",
    "中联",
    "同创",
    "合力",
    "德信",
    "荣昌",
    "祥瑞",
    "宏图",
    "正阳",
    "蓝天",
    "绿源",
    "新元",
    "百川",
    "千禧",
    "致远",
    "启航",
    "卓越",
    "金穗",
    "银河",
    "朝阳",
)
COMPANY_TRADES = (
    "商贸",
    "食品",
    "建材",
    "物流",
    "餐饮管理",
    "农业开发",
    "环保科技",
    "机械制造",
    "化工",
    "建筑工程",
    "房地产开发",
    "医药",
    "矿业",
    "木业",
    "水产养殖",
    "汽车服务",
    "电子科技",
    "印刷",
    "纺织",
    "再生资源",
)
COMPANY_FORMS = ("有限公司", "有限责任公司", "股份有限公司")
SHOP_KINDS = (
    "便利店",
    "烟酒店",
    "副食店",
    "餐馆",
    "小吃店",
    "五金店",
    "农资店",
    "药店",
    "理发店",
    "水果店",
    "汽车修理部",
    "建材经营部",
    "服装店",
    "快餐店",
    "粮油店",
)


def person_name(rng: random.Random) -> str:
    """A 2- or 3-character Chinese name (mostly 3, which are rarer as accidental substrings)."""
    given = rng.choice(GIVEN_CHARS)
    if rng.random() < 0.85:
        given += rng.choice(GIVEN_CHARS)
    return rng.choice(SURNAMES) + given


def company_name(rng: random.Random, place: str, trade: str | None = None) -> str:
    """E.g. 酒泉鑫源商贸有限公司."""
    return f"{place}{rng.choice(TRADE_NAMES)}{trade or rng.choice(COMPANY_TRADES)}{rng.choice(COMPANY_FORMS)}"


def shop_name(rng: random.Random, place: str, kind: str | None = None) -> str:
    """An 个体工商户 name such as 惠济区恒达便利店 (no person's name inside)."""
    return f"{place}{rng.choice(TRADE_NAMES)}{kind or rng.choice(SHOP_KINDS)}"
