"""The dashboard's URLs. Each answers the same shell; the client (api/dashboard/static/js/app.js) reads the
path and renders the page, so a link or a reload keeps the page and the tab."""

from flask import Blueprint, Response, render_template

from api.endpoint import NotJson, endpoint

bp = Blueprint(
    "web", __name__, template_folder="templates", static_folder="static", static_url_path="/assets/dao"
)
TAGS = ["dashboard"]
TABS = "proposals,treasury,members,activity"


def _shell() -> Response:
    return Response(render_template("dashboard.html"), mimetype="text/html")


def _page(summary: str):
    """The contract of a dashboard page: public HTML (the client signs in through the API)."""
    def decorate(view):
        return endpoint(summary=summary, auth=False, responses={200: NotJson("text/html", "the dashboard page")},
                        tags=TAGS)(view)
    return decorate


@bp.get("/dao")
@_page("Dashboard: the caller's DAOs (?microdao_id= is the microDAO console entry)")
def daos_page():
    return _shell()


@bp.get("/dao/<slug>")
@_page("Dashboard: a DAO's overview")
def dao_page(slug: str):
    return _shell()


@bp.get(f"/dao/<slug>/<any({TABS}):tab>")
@_page("Dashboard: a tab of a DAO (proposals, treasury, members, activity)")
def dao_tab_page(slug: str, tab: str):
    return _shell()


@bp.get("/dao/<slug>/proposals/<pslug>")
@_page("Dashboard: a proposal")
def proposal_page(slug: str, pslug: str):
    return _shell()
