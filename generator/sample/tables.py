"""Tables behind the sample generator: places, industries with their outlets and limits, names."""

from __future__ import annotations

from dataclasses import dataclass

#: City code -> (short id for bodies and e-mail, penalty-number prefix, centre lat, centre lon).
CITIES = {
    "450100": ("nn", "南", 22.82, 108.37),
    "450200": ("lz", "柳", 24.33, 109.43),
    "450300": ("gl", "桂", 25.27, 110.29),
    "450400": ("wz", "梧", 23.48, 111.28),
    "450500": ("bh", "北", 21.48, 109.12),
    "450600": ("fcg", "防", 21.69, 108.35),
    "450700": ("qz", "钦", 21.98, 108.65),
    "450800": ("gg", "贵", 23.11, 109.60),
    "450900": ("yl", "玉", 22.65, 110.18),
    "451000": ("bs", "百", 23.90, 106.62),
    "451100": ("hz", "贺", 24.40, 111.57),
    "451200": ("hc", "河", 24.69, 108.09),
    "451300": ("lb", "来", 23.75, 109.22),
    "451400": ("cz", "崇", 22.38, 107.36),
}

#: County code -> pinyin used in body ids and e-mail addresses (nn-binyang@...).
COUNTY_PINYIN = dict(
    line.split(":")
    for line in """
450102:xingning 450103:qingxiu 450105:jiangnan 450107:xixiangtang 450108:liangqing
450109:yongning 450110:wuming 450123:longan 450124:mashan 450125:shanglin 450126:binyang
450181:hengzhou 450202:chengzhong 450203:yufeng 450204:liunan 450205:liubei 450206:liujiang
450222:liucheng 450223:luzhai 450224:rongan 450225:rongshui 450226:sanjiang 450302:xiufeng
450303:diecai 450304:xiangshan 450305:qixing 450311:yanshan 450312:lingui 450321:yangshuo
450323:lingchuan 450324:quanzhou 450325:xingan 450326:yongfu 450327:guanyang 450328:longsheng
450329:ziyuan 450330:pingle 450332:gongcheng 450381:lipu 450403:wanxiu 450405:changzhou
450406:longxu 450421:cangwu 450422:tengxian 450423:mengshan 450481:cenxi 450502:haicheng
450503:yinhai 450512:tieshangang 450521:hepu 450602:gangkou 450603:fangcheng 450621:shangsi
450681:dongxing 450702:qinnan 450703:qinbei 450721:lingshan 450722:pubei 450802:gangbei
450803:gangnan 450804:qintang 450821:pingnan 450881:guiping 450902:yuzhou 450903:fumian
450921:rongxian 450922:luchuan 450923:bobai 450924:xingye 450981:beiliu 451002:youjiang
451003:tianyang 451022:tiandong 451024:debao 451026:napo 451027:lingyun 451028:leye
451029:tianlin 451030:xilin 451031:longlin 451081:jingxi 451082:pingguo 451102:babu
451103:pinggui 451121:zhaoping 451122:zhongshan 451123:fuchuan 451202:jinchengjiang
451203:yizhou 451221:nandan 451222:tiane 451223:fengshan 451224:donglan 451225:luocheng
451226:huanjiang 451227:bama 451228:duan 451229:dahua 451302:xingbin 451321:xincheng
451322:xiangzhou 451323:wuxuan 451324:jinxiu 451381:heshan 451402:jiangzhou 451421:fusui
451422:ningming 451423:longzhou 451424:daxin 451425:tiandeng 451481:pingxiang
""".split()
)


@dataclass(frozen=True, slots=True)
class Item:
    """A pollutant with its unit, limits, standard and usual monitoring method."""

    name: str
    unit: str
    limit_max: float | None
    limit_min: float | None = None
    standard: str = ""
    automatic: bool = False


@dataclass(frozen=True, slots=True)
class OutletPlan:
    """An outlet an industry usually has."""

    code: str
    name: str
    location: str
    items: tuple[Item, ...]
    main: bool = True


@dataclass(frozen=True, slots=True)
class Profile:
    """An industry: GB/T 4754 code and name, the word in company names, outlets, category weights."""

    code: str
    name: str
    word: str
    outlets: tuple[OutletPlan, ...]
    weights: tuple[int, int, int]  # key, simplified, registration
    permitted: tuple[tuple[str, float], ...] = ()


def _w(std: str, auto: bool, cod: float, nh3: float, *extra: Item) -> tuple[Item, ...]:
    return (
        Item("化学需氧量", "mg/L", cod, None, std, auto),
        Item("氨氮", "mg/L", nh3, None, std, auto),
        Item("pH值", "无量纲", 9, 6, std, False),
        *extra,
    )


def _gas(
    std: str, dust: float, so2: float | None, nox: float | None, auto: bool = True
) -> tuple[Item, ...]:
    items = [Item("颗粒物", "mg/m³", dust, None, std, auto)]
    if so2 is not None:
        items.append(Item("二氧化硫", "mg/m³", so2, None, std, auto))
    if nox is not None:
        items.append(Item("氮氧化物", "mg/m³", nox, None, std, auto))
    return tuple(items)


BOILER = OutletPlan("DA001", "锅炉烟气排放口", "锅炉房北侧", _gas("GB 13271-2014", 50, 300, 300))
GB8978 = "GB 8978-1996 一级"

PROFILES: tuple[Profile, ...] = (
    Profile(
        "4411",
        "火力发电",
        "热电",
        (
            OutletPlan(
                "DA001", "1号机组烟气排放口", "1号机组烟囱", _gas("GB 13223-2011", 30, 200, 100)
            ),
            OutletPlan(
                "DA002", "2号机组烟气排放口", "2号机组烟囱", _gas("GB 13223-2011", 30, 200, 100)
            ),
            OutletPlan("DW001", "废水总排放口", "厂区南侧", _w(GB8978, False, 100, 15), False),
        ),
        (9, 1, 0),
        (("二氧化硫", 1850.0), ("氮氧化物", 1620.0), ("颗粒物", 310.0)),
    ),
    Profile(
        "2221",
        "机制纸及纸板制造",
        "纸业",
        (
            OutletPlan(
                "DW001",
                "废水总排放口",
                "污水处理站出口",
                _w("GB 3544-2008", True, 80, 8, Item("悬浮物", "mg/L", 30, None, "GB 3544-2008")),
            ),
            BOILER,
        ),
        (4, 5, 1),
        (("化学需氧量", 96.0), ("氨氮", 9.6)),
    ),
    Profile(
        "2222",
        "手工纸制造",
        "纸品",
        (OutletPlan("DW001", "废水排放口", "厂区东侧", _w("GB 3544-2008", False, 80, 8)),),
        (0, 4, 6),
    ),
    Profile(
        "1340",
        "制糖业",
        "糖业",
        (
            OutletPlan("DW001", "废水总排放口", "厂区东南角", _w("GB 21909-2008", True, 100, 10)),
            BOILER,
        ),
        (7, 3, 0),
        (("化学需氧量", 86.4), ("氨氮", 8.6), ("二氧化硫", 120.0)),
    ),
    Profile(
        "3011",
        "水泥制造",
        "水泥",
        (
            OutletPlan("DA001", "窑尾废气排放口", "窑尾烟囱", _gas("GB 4915-2013", 30, 200, 400)),
            OutletPlan(
                "DA002", "窑头废气排放口", "窑头", _gas("GB 4915-2013", 30, None, None), False
            ),
        ),
        (8, 2, 0),
        (("氮氧化物", 980.0), ("颗粒物", 150.0)),
    ),
    Profile(
        "2614",
        "有机化学原料制造",
        "化工",
        (
            OutletPlan("DW001", "废水总排放口", "污水处理站出口", _w(GB8978, True, 100, 15)),
            OutletPlan(
                "DA001",
                "工艺废气排放口",
                "生产车间屋顶",
                (Item("非甲烷总烃", "mg/m³", 120, None, "GB 16297-1996"),),
                False,
            ),
        ),
        (6, 3, 1),
        (("化学需氧量", 45.0), ("挥发性有机物", 32.0)),
    ),
    Profile(
        "2625",
        "有机肥料及微生物肥料制造",
        "肥业",
        (
            OutletPlan(
                "DA001",
                "发酵废气排放口",
                "发酵车间",
                (
                    Item("氨", "kg/h", 4.9, None, "GB 14554-93"),
                    Item("硫化氢", "kg/h", 0.33, None, "GB 14554-93"),
                ),
                False,
            ),
        ),
        (0, 5, 5),
    ),
    Profile(
        "0313",
        "生猪饲养",
        "养殖",
        (
            OutletPlan(
                "DW001",
                "养殖废水排放口",
                "污水处理池出口",
                _w("GB 18596-2001", False, 400, 80, Item("总磷", "mg/L", 8, None, "GB 18596-2001")),
            ),
        ),
        (1, 4, 5),
        (("化学需氧量", 24.0), ("氨氮", 4.8)),
    ),
    Profile(
        "4620",
        "污水处理及其再生利用",
        "水务",
        (
            OutletPlan(
                "DW001",
                "污水处理厂总排放口",
                "厂区出水口",
                _w(
                    "GB 18918-2002 一级A",
                    True,
                    50,
                    5,
                    Item("总磷", "mg/L", 0.5, None, "GB 18918-2002 一级A", True),
                    Item("总氮", "mg/L", 15, None, "GB 18918-2002 一级A", True),
                ),
            ),
        ),
        (7, 3, 0),
        (("化学需氧量", 365.0), ("氨氮", 36.5)),
    ),
    Profile(
        "3212",
        "铅锌冶炼",
        "冶炼",
        (
            OutletPlan(
                "DA001", "冶炼烟气排放口", "制酸尾气烟囱", _gas("GB 25466-2010", 10, 400, None)
            ),
            OutletPlan(
                "DW001",
                "含重金属废水排放口",
                "污水处理站出口",
                (
                    Item("总铅", "mg/L", 0.5, None, "GB 25466-2010"),
                    Item("总镉", "mg/L", 0.05, None, "GB 25466-2010"),
                    Item("化学需氧量", "mg/L", 60, None, "GB 25466-2010", True),
                ),
            ),
        ),
        (9, 1, 0),
        (("二氧化硫", 680.0), ("铅及其化合物", 1.2)),
    ),
    Profile(
        "2710",
        "化学药品原料药制造",
        "药业",
        (
            OutletPlan(
                "DW001", "废水总排放口", "污水处理站出口", _w("GB 21904-2008", True, 120, 25)
            ),
        ),
        (5, 4, 1),
        (("化学需氧量", 38.0),),
    ),
    Profile(
        "3360",
        "金属表面处理及热处理加工",
        "电镀",
        (
            OutletPlan(
                "DW001",
                "含重金属废水排放口",
                "污水处理站出口",
                (
                    Item("总铬", "mg/L", 0.5, None, "GB 21900-2008 表2"),
                    Item("总镍", "mg/L", 0.5, None, "GB 21900-2008 表2"),
                    Item("化学需氧量", "mg/L", 80, None, "GB 21900-2008 表2"),
                ),
            ),
        ),
        (3, 6, 1),
    ),
    Profile(
        "1391",
        "淀粉及淀粉制品制造",
        "淀粉",
        (OutletPlan("DW001", "废水排放口", "厌氧池出水口", _w("GB 25461-2010", False, 100, 15)),),
        (2, 5, 3),
    ),
    Profile("8111", "汽车修理与维护", "汽修", (), (0, 0, 1)),
)

#: How often each industry appears in bulk samples (same order as PROFILES).
PROFILE_WEIGHTS = (2, 3, 3, 4, 2, 3, 3, 14, 4, 1, 2, 3, 3, 20)

#: The 字号 of the first sample versions, kept among the vocabulary below.
CLASSIC_BRANDS = (
    "宏达 永丰 鑫源 桂星 恒信 华昌 金穗 鸿运 瑞丰 兴旺 利民 东升 南华 通达 盛源 嘉禾 汇丰 天成 "
    "裕隆 新宇 和泰 长盛 桂鑫 金桂 泰丰 博远 众成 锦程 福源 安达 顺发 祥和 荣昌 康宁 绿源 凯达"
).split()
#: Characters common at the start and at the end of a two-character 字号 (宏 + 达): any
#: pairing reads as a plausible trade name, so 字号 + 行业 is rare in a province, as in a
#: real register (a 字号 is nearly unique within a county's registry).
BRAND_HEADS = (
    "宏 永 鑫 桂 恒 华 金 鸿 瑞 兴 利 东 南 通 盛 嘉 汇 天 裕 新 和 长 泰 博 众 锦 福 安 顺 祥 "
    "荣 康 绿 凯 中 大 明 德 信 广 龙 海 宇 光 正 远 佳 富 润 昌 万 伟 志 创 联 合 欣 钰 晨 "
    "春 翔 腾 飞 振 国 建 开 山 江 湘 粤 越 誉 卓 骏 逸 睿 智 诚 友 百 千 三 双 银 玉 宁 "
    "平"
).split()
BRAND_TAILS = (
    "达 丰 源 星 信 昌 穗 运 旺 民 升 华 盛 禾 成 隆 宇 泰 远 程 发 和 宁 凯 兴 利 通 辉 "
    "鑫 鹏 亿 峰 林 森 力 胜 晟 鼎 诚 益 宝 富 润 泽 美 佳 顺 安 海 新 强 业 茂 荣 晖 "
    "恒 威 捷 豪 耀 坤 康 鸿 光 德 祥 瑞 邦 拓 嘉"
).split()
#: Three-character 字号 (金三角糖业, 大自然造纸).
BRANDS_THREE = (
    "金三角 大自然 新世纪 桂之源 红太阳 万家乐 百事通 金海湾 东方红 "
    "华夏龙 长青树 金穗丰 绿洲源 银河湾 天地和 四海通 八桂红 千禧年 丰收乐 宏图远 "
    "鑫隆达 永盛昌 恒丰源 华润通 金凤凰 山水间 民生源 兴桂农"
).split()


def _brands() -> tuple[str, ...]:
    seen = dict.fromkeys(CLASSIC_BRANDS)
    for head in BRAND_HEADS:
        for tail in BRAND_TAILS:
            if head != tail:
                seen.setdefault(head + tail)
    for three in BRANDS_THREE:
        seen.setdefault(three)
    return tuple(seen)


#: Every 字号 a sample name may carry, in a fixed order (same seed, same names).
BRANDS = _brands()
SUFFIXES = ("有限公司", "有限公司", "有限责任公司", "股份有限公司")
SURNAMES = "黄 李 韦 陈 梁 覃 莫 蒙 农 陆 蓝 罗 林 周 吴 刘 张 潘 谢 廖 唐 卢 邓 蒋".split()
GIVEN = (
    "志强 建国 德荣 小明 海波 文杰 玉兰 丽华 国庆 永红 春生 秀英 家宝 振华 明辉 宝玉 立新 "
    "桂芳 金凤 少华 志勇 爱民 运生 光明 天佑 福生"
).split()
TOWNS = "新圩 大安 石塘 古城 平山 中和 三合 太平 六合 沙坪 长安 永安 东山 龙门 白沙 大坡".split()
ROADS = "工业 兴业 园区 创业 科技 发展 环城 滨江 迎宾 富民".split()
RIVERS = "清水河 郁江 右江 左江 柳江 桂江 浔江 南流江 钦江 北流河 贺江 龙江 红水河 武思江".split()

#: (violation, legal basis, lowest fine, highest fine, outlet kind it needs: "W" water, "A" gas, "" any)
VIOLATIONS = (
    (
        "超过水污染物排放标准排放水污染物",
        "《中华人民共和国水污染防治法》第八十三条第二项",
        100_000,
        600_000,
        "W",
    ),
    (
        "超过大气污染物排放标准排放大气污染物",
        "《中华人民共和国大气污染防治法》第九十九条第二项",
        100_000,
        800_000,
        "A",
    ),
    (
        "未按照规定对所排放的大气污染物进行监测",
        "《中华人民共和国大气污染防治法》第一百条第三项",
        20_000,
        150_000,
        "A",
    ),
    ("自动监测设备未正常运行", "《排污许可管理条例》第三十六条第五项", 20_000, 200_000, ""),
    (
        "未按照排污许可证规定制作排污许可证执行报告",
        "《排污许可管理条例》第三十七条第一项",
        10_000,
        50_000,
        "",
    ),
    (
        "通过暗管排放水污染物",
        "《中华人民共和国水污染防治法》第八十三条第三项",
        200_000,
        1_000_000,
        "W",
    ),
)
#: (what the inspection found, what the rectification order requires)
REQUIREMENTS = (
    ("自动监测设备数据异常", "检修自动监测设备并提交比对监测报告"),
    ("排放浓度超过许可限值", "查明超标原因，整改污染治理设施并报送整改报告"),
    ("排放口标志牌和二维码缺失、无法扫描", "规范设置排放口标志牌和二维码标识"),
    ("危险废物贮存场所未防渗、无标识", "完善危险废物贮存场所防渗和标识"),
    ("未按排污许可证要求开展自行监测", "按排污许可证要求补充开展自行监测并公开结果"),
    ("雨水排放口有污水排出", "清理雨污管网，实现雨污分流"),
)
INSPECTION_KINDS = ("双随机检查", "日常检查", "信访核查", "专项检查")
