"""A second anchor beside the plain-Jinja floor: Hugo (Debian's ``hugo``) rendering the same
unit and outlet pages from the same data, in the same run.

    .venv/bin/python bench/hugo_anchor.py WORK [--repeat 3]

WORK is a benchmark folder (``bench/build_bench.py --work``, e.g. ``WORK/5000``) holding a
built ``site``. Each unit's ``data.json`` becomes the JSON front matter of one Hugo page and
each of its outlets one more (a page of its own whose ``url`` is the outlet's), under the
same paths (``/e/<shard>/<code>/`` and
``…/<outlet>/``); one layout shows what the unit page shows (identity, permit, outlets with
their limits, every measurement, inspections, penalties, rectifications) and one the outlet
page (its limits and measurements). HTML only: no data files, no QR codes, no listings.
Hugo runs as a process of its own, timed by bench/figures.py like the builds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import figures  # noqa: E402

UNIT_LAYOUT = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{{ .Params.name }}</title></head><body><main>
<h1>{{ .Params.name }}</h1><dl><dt>统一社会信用代码</dt><dd>{{ .Params.uscc }}</dd>
<dt>排污单位编码</dt><dd>{{ .Params.fixed_source_code }}</dd><dt>地址</dt>
<dd>{{ .Params.address }}</dd><dt>所在地</dt><dd>{{ .Params.city_name }}{{ .Params.county_name }}</dd>
<dt>法定代表人</dt><dd>{{ .Params.legal_representative }}</dd>
<dt>许可证状态</dt><dd>{{ .Params.permit_state }}</dd></dl>
{{ with .Params.permit }}<p>许可证 {{ .number }}，{{ .valid_from }} 至 {{ .valid_to }}</p>{{ end }}
<h2>排放口</h2>{{ range .Params.outlets }}<section><h3>{{ .code }} {{ .name }}</h3>
<table><tr><th>污染物</th><th>限值</th></tr>{{ range .pollutants }}<tr><td>{{ .name }}</td>
<td>{{ .limit_min }}–{{ .limit_max }} {{ .unit }} {{ .standard }} {{ .frequency }}</td></tr>{{ end }}</table></section>{{ end }}
<h2>监测数据</h2><table><tr><th>日期</th><th>排放口</th><th>污染物</th><th>监测值</th></tr>
{{ range .Params.measurements }}<tr><td>{{ .date }}</td><td>{{ .outlet }}</td>
<td>{{ .pollutant }}</td><td>{{ .value }} {{ .unit }}</td></tr>{{ end }}</table>
<h2>执法检查</h2><ul>{{ range .Params.inspections }}<li>{{ .date }} {{ .kind }} {{ .authority }} {{ .findings }}</li>{{ end }}</ul>
<h2>行政处罚</h2><ul>{{ range .Params.penalties }}<li>{{ .date }} {{ .decision_number }}
{{ .amount }} {{ .violation }} {{ .legal_basis }}</li>{{ end }}</ul><h2>整改</h2><ul>{{ range .Params.rectifications }}
<li>{{ .issued }} {{ .requirement }} {{ .due }}</li>{{ end }}</ul></main></body></html>
"""

OUTLET_LAYOUT = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{{ .Params.unit }} {{ .Params.outlet.code }}</title></head><body><main>
<h1>{{ .Params.unit }} {{ .Params.outlet.code }} {{ .Params.outlet.name }}</h1>
<table>{{ range .Params.outlet.pollutants }}<tr><td>{{ .name }}</td><td>{{ .limit_max }} {{ .unit }} {{ .standard }}</td></tr>
{{ end }}</table><table>{{ range .Params.measurements }}<tr><td>{{ .date }}</td>
<td>{{ .pollutant }}</td><td>{{ .value }}</td></tr>{{ end }}</table></main></body></html>
"""


def make_project(site: Path, project: Path) -> int:
    """Write the Hugo project of ``site``'s units; how many pages it has."""
    shutil.rmtree(project, ignore_errors=True)
    (project / "layouts" / "_default").mkdir(parents=True)
    (project / "hugo.toml").write_text(
        'baseURL = "https://ymt.example.cn/"\ndisableKinds = ["taxonomy", "term", "RSS", '
        '"sitemap", "robotsTXT", "404", "home", "section"]\ndisablePathToLower = true\n',
        encoding="utf-8",
    )
    (project / "layouts" / "_default" / "unit.html").write_text(UNIT_LAYOUT, encoding="utf-8")
    (project / "layouts" / "_default" / "outlet.html").write_text(OUTLET_LAYOUT, encoding="utf-8")
    pages = 0
    for data in sorted((site / "e").glob("*/*/data.json")):
        unit = json.loads(data.read_text(encoding="utf-8"))
        folder = project / "content" / data.parent.relative_to(site)
        _page(folder, {**unit, "layout": "unit", "title": unit["name"]})
        pages += 1
        for outlet in unit["outlets"]:
            rows = [m for m in unit["measurements"] if m["outlet"] == outlet["code"]]
            url = "/" + str(data.parent.relative_to(site)) + f"/{outlet['code']}/"
            front = {"layout": "outlet", "title": outlet["code"], "unit": unit["name"], "url": url}
            outlets = (
                project / "content" / "outlets" / f"{unit['fixed_source_code']}-{outlet['code']}"
            )
            _page(outlets, {**front, "outlet": outlet, "measurements": rows})
            pages += 1
    return pages


def _page(folder: Path, front: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(front, ensure_ascii=False) + "\n"
    (folder / "index.md").write_text(text, encoding="utf-8")


def run_hugo(project: Path) -> dict:
    """One Hugo build of ``project`` into a fresh ``public``; its figures."""
    shutil.rmtree(project / "public", ignore_errors=True)
    command = [shutil.which("hugo") or "hugo", "--quiet", "--source", str(project)]
    done = figures.run(command, project, dict(os.environ), project / "hugo.log")
    files = sum(len(names) for _, _, names in os.walk(project / "public"))
    return {**done, "rendered": files}


def main() -> None:
    """Make the project once, then time Hugo ``--repeat`` times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    project = args.work / "hugo"
    pages = make_project(args.work / "site", project)
    runs = [run_hugo(project) for _ in range(args.repeat)]
    print(f"Hugo, {pages:,} pages (the units' and outlets' HTML, from their data.json)")
    print(figures.line("hugo", runs))
    for run in runs:
        run.pop("stdout", None)
    (args.work / "results-hugo.json").write_text(json.dumps(runs, indent=1))


if __name__ == "__main__":
    main()
