"""Blueprints by audience and what their templates share."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, make_response, render_template, request
from flask_login import current_user
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader, pass_context
from jinja2.runtime import Context

from feedback.auth import dummy_hash, load_session_account
from feedback.directory import Directory
from feedback.extensions import login_manager
from feedback.models import Account, Report
from feedback.photos import CheckedFile, PhotoLimits, check_evidence, check_uploads
from feedback.pii import mask
from feedback.place import officer_links, source_label
from feedback.serving import StoredCopies, file_response
from feedback.states import FINDINGS, RATINGS, REWARD_STATUSES, State
from feedback.storage import Storage
from generator import assets, urls
from generator.amounts import yuan


def directory() -> Directory:
    """The app's directory of units and bodies."""
    return current_app.extensions["yimatong_directory"]


def storage() -> Storage:
    """The app's file storage."""
    return current_app.extensions["yimatong_storage"]


def evidence_files(field_name: str) -> tuple[list[CheckedFile], list[str]]:
    """The evidence files posted under ``field_name`` (photos or PDF), checked as every upload
    is (``photos.check_evidence``), at most MAX_PHOTOS; the files kept and the messages."""
    config = current_app.config
    return check_uploads(
        request.files.getlist(field_name),
        check_evidence,
        PhotoLimits.from_config(config),
        room=config["MAX_PHOTOS"],
        unit="个文件",
    )


def stored_copy(attachment: StoredCopies, kind: str, *, original: bool = False) -> Response:
    """One copy of a stored upload as served: the stripped one (inline when an image Pillow
    re-encoded), or with ``original`` the file as uploaded, always as a download."""
    key = attachment.original_key if original else attachment.public_key
    return file_response(storage().get(key), attachment, reencoded=not original, kind=kind)


def refusal(code: int, message: str) -> Response:
    """An error page with a message that says what was refused and why."""
    return make_response(render_template("error.html", code=code, message=message), code)


def unit_page_url(code: str | None) -> str:
    """Absolute address of a unit's page on the static site."""
    if not code:
        return ""
    return urls.absolute(current_app.config["BASE_URL"], urls.unit_path(code))


def state_label(state: str) -> str:
    """Chinese label of a state value."""
    try:
        return State(state).label
    except ValueError:
        return state


@pass_context
def mask_filter(context: Context, text: str | None, report: Report | None = None) -> str:
    """Jinja ``mask``: personal data masked, and the case's reporter's own values too."""
    report = report if report is not None else context.get("report")
    return mask(text, report.identity if isinstance(report, Report) else ())


@login_manager.user_loader
def _load_account(session_id: str) -> Account | None:
    return load_session_account(session_id)


#: The name when neither SITE_NAME nor the published directory names the site.
DEFAULT_SITE_NAME = "生态环境一码通"


def site_name(app: Flask) -> str:
    """SITE_NAME when set, else the site's title the build published (site.yaml, in the
    directory file), so the service carries the site's name."""
    return (
        app.config["SITE_NAME"] or app.extensions["yimatong_directory"].title or DEFAULT_SITE_NAME
    )


def shared_templates(app: Flask) -> None:
    """Let the service's templates read the site's shared ones (the header and footer,
    site/templates/shared/) under the same names, ``shared/…``."""
    shared = FileSystemLoader(str(assets.templates_dir() / "shared"))
    app.jinja_env.loader = ChoiceLoader(
        [app.jinja_env.loader, PrefixLoader({"shared": shared})]  # type: ignore[list-item]
    )


def init_app(app: Flask) -> None:
    """Template helpers shared by every audience."""
    shared_templates(app)
    dummy_hash()  # made now, so the first login with an unknown account costs what later ones do
    app.jinja_env.globals.update(
        unit_page_url=unit_page_url,
        state_label=state_label,
        findings=FINDINGS,
        rating_labels=RATINGS,
        reward_labels=REWARD_STATUSES,
        directory=directory,
        site_url=lambda: app.config["BASE_URL"],
        site_name=lambda: site_name(app),
        issuer=lambda: directory().issuer,
        site_pages=lambda: urls.chrome_links(
            tuple((t, "site", p) for t, p in directory().pages), app.config["BASE_URL"], ""
        ),
        public_menu=lambda: urls.chrome_links(urls.MENU, app.config["BASE_URL"], ""),
        footer_links=lambda: urls.chrome_links(urls.FOOTER_LINKS, app.config["BASE_URL"], ""),
        hotline=lambda: app.config["HOTLINE"],
        case_example=lambda: f"{app.config['CASE_PREFIX']}2026112300042",
        current_user=current_user,
        pin_links=officer_links,
        pin_source=source_label,
    )

    app.jinja_env.filters["mask"] = mask_filter
    app.jinja_env.filters["yuan"] = yuan

    @app.context_processor
    def _audience() -> dict:
        return {"audience": g.get("audience", "public")}
