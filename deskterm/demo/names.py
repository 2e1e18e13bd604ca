"""Pools of realistic Chinese names, companies, phones and plates, drawn through the demo's rng.

Pools are built once per demo so that the hot loops only index into lists.
"""

from __future__ import annotations

import random
from itertools import accumulate

# The common surnames, roughly by frequency (the first ones repeat to weigh them up).
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
)
_SURNAME_CUMULATIVE = list(
    accumulate(12 if i < 10 else 5 if i < 30 else 2 for i in range(len(SURNAMES)))
)

# Given-name characters and pairs, by the gender they usually go with.
GIVEN_MALE = "伟强磊军洋勇杰涛明超平刚鹏辉健斌宇浩凯峰波昊然宁博文彬俊毅帅亮晨阳"
GIVEN_FEMALE = "芳娜敏静丽艳娟秀霞桂英华玲丹萍琳欣怡婷雪梅倩颖蕾佳琪瑶洁燕慧莉"
GIVEN_TWO = (
    "建国",
    "建华",
    "国强",
    "志强",
    "海燕",
    "秀英",
    "桂兰",
    "晓东",
    "晓明",
    "晓燕",
    "文博",
    "子涵",
    "梓萱",
    "浩然",
    "宇轩",
    "欣怡",
    "思远",
    "一鸣",
    "雨婷",
    "佳怡",
    "俊杰",
    "建军",
    "丽娟",
    "春梅",
    "秋菊",
    "冬梅",
    "红梅",
    "玉兰",
    "志明",
    "振华",
    "德明",
    "永红",
    "金凤",
    "立新",
    "卫东",
    "晓峰",
    "婷婷",
    "明辉",
    "家豪",
    "子轩",
    "若曦",
    "诗涵",
    "梦琪",
    "天宇",
    "博文",
    "嘉怡",
    "雅琴",
    "少华",
    "春生",
    "新民",
    "亚楠",
    "慧敏",
    "丽华",
    "思琪",
    "泽宇",
)

COMPANY_CORES = (
    "康宁",
    "华信",
    "中科",
    "云帆",
    "瑞丰",
    "恒达",
    "博远",
    "汇智",
    "启明",
    "天衡",
    "众合",
    "泰和",
    "嘉禾",
    "鼎盛",
    "远航",
    "新锐",
    "东方",
    "卓越",
    "弘毅",
    "明德",
    "锦程",
    "海纳",
    "星辰",
    "鸿运",
    "蓝海",
    "君悦",
    "同创",
    "凯旋",
    "万象",
    "通达",
    "宏图",
    "正源",
    "安信",
    "长风",
    "德润",
    "华章",
    "睿思",
    "聚源",
    "青禾",
    "立信",
)
COMPANY_KINDS = (
    "科技有限公司",
    "网络科技有限公司",
    "信息技术有限公司",
    "贸易有限公司",
    "文化传媒有限公司",
    "投资咨询有限公司",
    "建筑设计有限公司",
    "会计师事务所",
    "律师事务所",
    "教育科技有限公司",
    "医疗器械有限公司",
    "供应链管理有限公司",
    "电子商务有限公司",
    "人力资源有限公司",
)
OTHER_CITIES = ("上海", "宁波", "苏州", "南京", "绍兴", "嘉兴")
CASE2_COMPANY = "杭州康宁制药有限公司"  # DOMAIN.md case 2: the opening ceremony with a lion dance

MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
)
PLATE_PREFIXES = ("浙A", "浙A", "浙A", "浙A", "浙B", "浙C", "浙D", "浙F", "沪A", "苏E", "皖A")
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def person_name(rng: random.Random) -> str:
    surname = rng.choices(SURNAMES, cum_weights=_SURNAME_CUMULATIVE)[0]
    given = GIVEN_MALE if rng.random() < 0.5 else GIVEN_FEMALE
    roll = rng.random()
    if roll < 0.35:
        return surname + rng.choice(given)
    if roll < 0.65:
        return surname + rng.choice(GIVEN_TWO)
    return surname + rng.choice(given) + rng.choice(given)


def mobile(rng: random.Random) -> str:
    """An 11-digit mainland mobile number, 13x/15x/18x."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def plate(rng: random.Random) -> str:
    """ "浙A3K582": a letter or digit, then four digits (one may be a letter)."""
    head = rng.choice(PLATE_LETTERS) if rng.random() < 0.6 else str(rng.randrange(10))
    digits = [str(rng.randrange(10)) for _ in range(4)]
    if rng.random() < 0.3:
        digits[rng.randrange(4)] = rng.choice(PLATE_LETTERS)
    return rng.choice(PLATE_PREFIXES) + head + "".join(digits)


def company_names(rng: random.Random, count: int) -> list[str]:
    """Distinct company names; the first is case 2's pharmaceutical company."""
    names = [CASE2_COMPANY]
    seen = set(names)
    # 杭州 + core + kind gives 560 names; a bigger estate (scale 15 and up) also draws
    # companies registered in other cities, so the loop always ends (same draws below 560).
    capacity = len(COMPANY_CORES) * len(COMPANY_KINDS)
    while len(names) < count:
        city = "杭州" if len(seen) < capacity else rng.choice(OTHER_CITIES)
        name = city + rng.choice(COMPANY_CORES) + rng.choice(COMPANY_KINDS)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def document_tail(rng: random.Random, doc_type: str) -> str:
    """The last four characters of a document number: all that is ever kept (masked)."""
    if doc_type in ("resident_id", "residence_permit", "driving_licence"):
        check = "X" if rng.random() < 0.09 else str(rng.randrange(10))
        return f"{rng.randrange(1000):03d}{check}"
    return f"{rng.randrange(10000):04d}"


def masked(doc_type: str, tail: str) -> str | None:
    """The stored form ("resident_id ****123X") from the last four characters alone."""
    from deskterm.rules.identity import mask_document

    return mask_document(doc_type, None if doc_type == "sighted" else "****" + tail)


class NamePool:
    """Names with their pinyin keys, computed once per distinct name (pypinyin is slow)."""

    def __init__(self) -> None:
        self._keys: dict[str, tuple[str, str]] = {}

    def keys(self, name: str) -> tuple[str, str]:
        found = self._keys.get(name)
        if found is None:
            from deskterm.rules.pinyin import pinyin_keys

            found = self._keys[name] = pinyin_keys(name)
        return found
