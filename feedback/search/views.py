"""The search blueprint: the /search page and /api/search over the published index.

The query side (parsing, matching, ranking, highlighting) is generator/search, which the
build shares; here are the routes, the request's parameters and the page and JSON answers.
See docs/search.md.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    Flask,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from generator import settings
from generator.search.engine import FACET_TITLES, MAX_PER_PAGE, PER_PAGE, SearchResult, search
from generator.search.facets import facet_table
from generator.search.identity import mismatch_message
from generator.search.opened import OPEN_INDEXES, open_engine
from generator.search.query import QueryError, parse
from generator.search.reader import Index, IndexMissing

bp = Blueprint("search", __name__)

UNAVAILABLE = "搜索暂时不可用（搜索索引尚未生成）。可以先在网站上按地区或行业浏览排污单位名录。"
#: app.extensions key of the identity of the site the service loaded (generator.search.identity).
SITE_ID = "yimatong_site_id"
#: app.extensions key of the (folder, stamp) pairs already warned about.
WARNED = "yimatong_index_warned"
#: Filter names in addresses: the record type is "type", the rest are the facet names.
PARAMS = {
    "kind": "type",
    "city": "city",
    "county": "county",
    "industry": "industry",
    "category": "category",
    "state": "state",
}


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a search request came to: results, or an error with its code and status."""

    q: str
    result: SearchResult | None = None
    error: QueryError | None = None
    status: int = 200


def _index() -> Index:
    """The open index; a warning in the log, once per index, if it was made for another site
    than the one the service loaded (it still answers: a build newer than the service's
    start is the same site with new content, see docs/search.md)."""
    engine, folder, url = _engine_settings(current_app.config)
    index = open_engine(engine, folder, url)
    folder = getattr(index, "folder", folder)
    expected = current_app.extensions.get(SITE_ID)
    found = str(index.meta.get("site", ""))
    warned = current_app.extensions.setdefault(WARNED, set())
    if expected and found != expected and (str(folder), found) not in warned:
        warned.add((str(folder), found))
        current_app.logger.warning("%s", mismatch_message(folder, expected, found))
    return index


def _engine_settings(config: Any) -> tuple[str, str, str]:
    """The engine, the embedded index's folder and the PostgreSQL URL the service uses."""
    folder = config.get("SEARCH_INDEX_DIR") or settings.get("search_index_dir")
    engine = config.get("SEARCH_ENGINE") or settings.get("search_engine")
    url = config.get("SEARCH_DATABASE_URL") or settings.get("search_database_url")
    return engine, folder, url or config.get("DATABASE_URL") or ""


def _warm(app: Flask, every: float, stop: threading.Event) -> None:
    """Open the index now; for the embedded engine, look for a new build every ``every``
    seconds until ``stop`` is set. A failure is logged once, not on every look, until it
    changes."""
    engine, folder, url = _engine_settings(app.config)
    logged = ""
    while True:
        try:
            if engine == "embedded":
                OPEN_INDEXES.refresh(folder)
            else:
                facet_table(open_engine(engine, folder, url))
            logged = ""
        except IndexMissing:
            logged = ""  # no index yet: searches answer 503 until a build writes one
        except Exception as exc:  # a damaged index: searches report it as they do now
            if repr(exc) != logged:
                app.logger.exception("搜索索引 %s 无法在后台打开", folder)
            logged = repr(exc)
        if engine != "embedded" or stop.wait(every):
            return


def start_warming(app: Flask) -> threading.Event | None:
    """Open the search index in a thread of its own as a worker starts (the first visitor's
    search would pay the open: 3.4 s at a million units embedded, 24 s for PostgreSQL), and
    for the embedded engine look every ``SEARCH_REFRESH_SECONDS`` for a newly built index,
    opened beside the one answering (``OpenIndexes.refresh``). gunicorn's ``post_worker_init``
    calls it (deploy/gunicorn.conf.py); set the returned event to stop the thread; None when
    ``SEARCH_REFRESH_SECONDS`` is 0."""
    every = float(app.config.get("SEARCH_REFRESH_SECONDS") or 0)
    if not every:
        return None
    stop = threading.Event()
    threading.Thread(target=_warm, args=(app, every, stop), name="search-warm", daemon=True).start()
    return stop


def _base_url() -> str:
    return current_app.config.get("BASE_URL") or settings.get("base_url")


def _int(name: str, default: int) -> int:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 7 else default


def _filters() -> dict[str, str]:
    return {
        facet: request.args.get(param, "")[:40]
        for facet, param in PARAMS.items()
        if request.args.get(param)
    }


def run_search() -> Outcome:
    """Parse the request, search, and catch every expected failure as a citizen's message."""
    q = request.args.get("q", "")
    try:
        query = parse(q)
        index = _index()
    except QueryError as exc:
        return Outcome(q, error=exc, status=400)
    except IndexMissing:
        return Outcome(q, error=QueryError("unavailable", UNAVAILABLE), status=503)
    per_page = min(max(_int("per_page", PER_PAGE), 1), MAX_PER_PAGE)
    prefer = request.args.get("from", "")
    result = search(index, query, _filters(), _int("page", 1), per_page, _base_url(), prefer)
    return Outcome(q, result)


def page_url(result: SearchResult, **changes: Any) -> str:
    """Address of this search with some filters or the page changed (None removes one)."""
    args: dict[str, Any] = {"q": result.query.raw}
    if result.prefer:
        args["from"] = result.prefer
    args.update({PARAMS[k]: v for k, v in result.filters.items()})
    if result.per_page != PER_PAGE:
        args["per_page"] = result.per_page
    for name, value in changes.items():
        key = PARAMS.get(name, name)
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for("search.page", **args)


@bp.get("/search")
def page():  # type: ignore[no-untyped-def]
    """The search page: results with facets, or a helpful message."""
    outcome = run_search()
    if outcome.result and outcome.result.redirect:
        return redirect(outcome.result.redirect, code=302)
    status = 200 if outcome.error and outcome.error.code == "empty" else outcome.status
    return render_template(
        "search/search.html",
        outcome=outcome,
        result=outcome.result,
        page_url=page_url,
        facet_titles=FACET_TITLES,
    ), status


def _hit_json(hit: Any) -> dict[str, Any]:
    doc = hit.doc
    return {
        "type": doc.kind,
        "type_label": hit.kind_label,
        "url": hit.url,
        "title": doc.title,
        "subtitle": doc.subtitle,
        "snippet": doc.snippet,
        "title_html": str(hit.title_html),
        "subtitle_html": str(hit.subtitle_html),
        "snippet_html": str(hit.snippet_html),
        "unit_code": doc.unit_code or None,
        "city": doc.city or None,
        "county": doc.county or None,
        "industry": doc.industry or None,
        "category": doc.category or None,
        "state": doc.state or None,
        "date": doc.date or None,
        "amount": doc.amount,
    }


def result_json(result: SearchResult) -> dict[str, Any]:
    """The JSON body of /api/search for ``result``."""
    return {
        "query": result.query.raw,
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "pages": result.pages,
        "redirect": result.redirect or None,
        "filters": {PARAMS[k]: v for k, v in result.filters.items()},
        "from": result.prefer or None,
        "notices": list(result.notices),
        "near_matches": result.near,
        "did_you_mean": [
            {"title": hit.doc.title, "url": hit.url, "unit_code": hit.doc.unit_code or None}
            for hit in result.suggestions
        ],
        "results": [_hit_json(hit) for hit in result.hits],
        "facets": {
            PARAMS[f.name]: [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                for v in f.values
            ]
            for f in result.facets
        },
    }


@bp.get("/api/search")
def api():  # type: ignore[no-untyped-def]
    """JSON search: the same results, facets and messages as the page."""
    outcome = run_search()
    if outcome.error:
        body = {"error": {"code": outcome.error.code, "message": outcome.error.message}}
        return jsonify(body), outcome.status
    assert outcome.result is not None
    return jsonify(result_json(outcome.result))
