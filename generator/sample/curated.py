"""The bundled content/ units: a hand-picked list of specs rendered by the sample Maker.

Regenerate with ``yimatong sample --curated --out content --format yaml --force`` (seed 2026).
Each line: industry, county, category, permit state, penalty, rectifications, troubled, name.
"""

from __future__ import annotations

from generator.content.divisions import load_divisions
from generator.sample.records import Maker, Spec
from generator.sample.tables import PROFILES

CURATED_SEED = 2026

_LINES = """
4411 450512 key valid - - - 广西北海永丰发电有限公司
4411 450702 key expiring P - T 钦州港恒信热电有限公司
4411 451381 key valid - - - 广西合山长盛发电有限责任公司
2221 450802 key valid - both T 贵港市南华纸业有限公司
2221 450222 simplified expired - - - 柳城县鑫源纸业有限公司
2222 450981 simplified valid - - - 北流市嘉禾纸品有限公司
2222 451028 registration registered - - - 乐业县福源纸品有限公司
1340 450126 key valid P closed - 广西宾阳东升糖业有限公司
1340 451421 key valid - - - 扶绥县金穗糖业有限责任公司
1340 451422 key expiring - - - 宁明县桂星糖业有限公司
1340 451302 key valid - closed T 来宾市瑞丰糖业有限公司
1340 450721 simplified valid - - - 灵山县和泰糖业有限公司
3011 450206 key valid - - - 柳州市柳江鸿运水泥有限公司
3011 451082 key valid P open T 平果市通达水泥有限公司
3011 450422 key expired - - - 藤县盛源水泥有限公司
3011 451103 simplified valid - - - 贺州市平桂金桂建材有限公司
2614 450204 key valid - open - 柳州市天成化工有限公司
2614 450702 key valid - - - 钦州港博远化工有限公司
2625 451002 simplified valid - - - 百色市绿源肥业有限公司
2625 450124 registration registered - - - 马山县众成肥业有限公司
0313 450110 key valid - closed T 广西裕隆牧业有限公司武鸣两江猪场
0313 450923 simplified expiring - - - 广西兴旺牧业有限公司博白东平猪场
0313 450922 simplified cancelled - - - 陆川县利民生猪养殖有限公司
0313 450330 registration registered - - - -
0313 450821 registration registered - - - -
4620 450103 key valid - - - 南宁康宁水务有限公司青秀污水处理厂
4620 450303 key valid - open - 桂林桂江水务有限公司北冲污水处理厂
4620 450405 key valid P both T 梧州市汇丰水务有限公司长洲污水处理厂
4620 451202 simplified valid - - - 河池市安达污水处理有限公司
3212 451221 key valid P both T 南丹县荣昌冶炼有限责任公司
3212 451202 key expiring - - - 河池市金城江锦程冶炼有限公司
3212 451322 key revoked P - T 象州县华昌冶炼有限公司
2710 450107 key valid - - - 广西南华药业股份有限公司
2710 450305 simplified valid - closed - 桂林新宇药业有限公司
3360 450902 simplified revoked P open T 玉林市金辉电镀有限公司
3360 450203 simplified valid - closed - 柳州市恒信电镀有限公司
3360 450502 key valid - - - 北海市嘉禾表面处理有限公司
1391 450125 simplified valid - open T 上林县凯达淀粉有限公司
1391 451424 simplified expired - - - 大新县泰丰淀粉有限公司
1391 450521 registration registered - - - 合浦县天成淀粉有限公司
8111 450324 registration registered - - - -
8111 450602 registration registered - - - -
8111 450803 registration registered - - - -
2614 451402 simplified valid - - - 崇左市广源化工有限公司
"""


def curated_specs() -> list[Spec]:
    """The specs of the bundled units, in the order above."""
    profiles = {p.code: p for p in PROFILES}
    specs = []
    for line in _LINES.strip().splitlines():
        code, county, category, state, penalty, orders, troubled, name = line.split()
        specs.append(
            Spec(
                profile=profiles[code],
                county=county,
                category=category,
                state=state,
                penalty=penalty == "P",
                rectification="" if orders == "-" else orders,
                troubled=troubled == "T",
                name="" if name == "-" else name,
            )
        )
    return specs


def curated_records(as_of) -> list[dict]:
    """Records of the bundled units; the newest data-as-of date is exactly ``as_of``."""
    maker = Maker(CURATED_SEED, as_of, load_divisions("450000"))
    records = [maker.record(spec) for spec in curated_specs()]
    records[0]["data_as_of"]["permit"] = as_of
    return records
