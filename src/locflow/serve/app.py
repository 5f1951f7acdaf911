"""`locflow serve`: the local review page, a Flask app on werkzeug's threaded server.

Routes: `/` dashboard, `/entries` the filtered entry list, `/entry/<lang>/<catalog>/<id>` one
entry, `POST /<action>/<lang>/<catalog>/<id>` a decision (approve, edit, reject, reopen).
Security (token, Host, Origin, CSRF) lives in security.py; decisions in actions.py.
"""
from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from ..errors import LocflowError
from ..project import CatalogFile, Project
from .actions import ACTIONS, Outcome, clean_form, decide
from .security import Guard, Session, is_loopback, new_token
from .entry import entry_line, entry_view
from .memory import memory_panel
from .views import STATE_FILTERS, Query, dashboard, language_name, listing, position

if TYPE_CHECKING:
    from flask import Flask

HERE = Path(__file__).parent
DEFAULT_PORT = 8765
MAX_BODY = 1024 * 1024  # a form with every plural form of a long paragraph fits many times over
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


@dataclass
class _Served:
    """What the app's views share: the project, the languages served, the reviewer, the guard."""

    project: Project
    guard: Guard
    languages: list[str]
    reviewer: str
    today: str | None


def create_app(project: Project, token: str, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
               languages: list[str] | None = None, reviewer: str, today: str | None = None) -> "Flask":
    """The review page for one project; `token` is the per-run secret, `host:port` its own address."""
    from flask import Flask, abort, g, redirect, render_template, request, url_for

    from ..review import check_reviewer

    langs = list(languages or project.config.languages)
    project.check_languages(langs)
    served = _Served(project, Guard(token, host, port), langs, check_reviewer(reviewer), today)
    app = Flask("locflow.serve", root_path=str(HERE), template_folder="templates", static_folder="static")
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY, MAX_FORM_MEMORY_SIZE=MAX_BODY, TEMPLATES_AUTO_RELOAD=False)
    app.extensions["locflow"] = served

    def refuse(why: str, status: int = 403):
        return app.response_class(f"{status} refused: {why}\n", status=status, mimetype="text/plain")

    @app.before_request
    def guard():
        rules = served.guard
        if not rules.host_ok(request.headers.get("Host")):
            return refuse("the Host header does not name this server")
        origin, site = request.headers.get("Origin"), request.headers.get("Sec-Fetch-Site")
        # With `Referrer-Policy: no-referrer` browsers send `Origin: null` on this page's own form
        # posts; they also say `Sec-Fetch-Site: same-origin`, which a page elsewhere cannot make them say.
        foreign = origin not in (None, "null") and not rules.origin_ok(origin)
        if foreign or (origin == "null" and site != "same-origin"):
            return refuse("the request comes from another origin")
        session = rules.session(request.cookies.get(rules.cookie))
        token = request.args.get("token")
        if token is not None and request.method in ("GET", "HEAD"):
            if session is None and not rules.token_ok(token):
                return refuse("wrong token: open the URL that `locflow serve` printed")
            # Drop the token from the address bar (and from history) once the cookie holds a session.
            rest = [(k, v) for k, v in request.args.items(multi=True) if k != "token"]
            target = "/" + quote(request.path.lstrip("/")) + ("?" + urlencode(rest) if rest else "")
            response = redirect(target, 303)
            if session is None:
                response.set_cookie(rules.cookie, rules.open(), httponly=True, samesite="Strict", path="/")
            return response
        if session is None:
            return refuse("no token: open the URL that `locflow serve` printed")
        if request.method not in ("GET", "HEAD"):
            if site not in (None, "same-origin", "none"):
                return refuse("cross-site request")
            if request.method == "POST" and not rules.csrf_ok(session, request.form.get("csrf")):
                return refuse("missing or wrong CSRF token: reload the page and try again")
        g.session = session

    @app.after_request
    def headers(response):
        response.headers.update(SECURITY_HEADERS)
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.context_processor
    def common():
        session: Session | None = g.get("session")
        messages = []
        if session is not None:
            messages, session.messages[:] = list(session.messages), []
        return {"site": project.config.site, "reviewer": served.reviewer, "csrf": session.csrf if session else "",
                "messages": messages, "language_name": language_name, "served": served.languages}

    def catalog_file(lang: str, name: str) -> CatalogFile:
        if lang not in served.languages:
            abort(404)
        found = next((c for c in project.catalog_files([lang]) if c.name == name), None)
        if found is None:
            abort(404)
        return found

    def entry_url(lang: str, catalog: str, eid: str, query: Query) -> str:
        return url_for("entry", language=lang, name=catalog, eid=eid, **query.filters())

    @app.get("/")
    def index():
        return render_template("dashboard.html", board=dashboard(project, served.languages))

    @app.get("/entries")
    def entries():
        query = Query.from_args(request.args)
        catalogs = sorted({c.name for c in project.catalog_files(served.languages)} | set(project.config.catalogs),
                          key=lambda n: (n.split("/", 1)[0] != "ui", "/" in n, n))
        try:
            result, error = listing(project, served.languages, query), None
        except LocflowError as exc:
            if exc.path is not None:
                raise  # a catalog that does not read, not a bad filter
            result, error = None, str(exc)
        return render_template("entries.html", query=query, result=result, error=error, catalogs=catalogs,
                               states=STATE_FILTERS), (400 if error else 200)

    def show_entry(cat: CatalogFile, eid: str, query: Query, outcome: Outcome | None = None,
                   draft: list[str] | None = None, status: int = 200):
        view = entry_view(project, cat, eid)
        if view is None:
            abort(404)
        where = position(project, served.languages, query, cat, view.line, eid)
        return render_template("entry.html", e=view, query=query, pos=where, outcome=outcome, draft=draft,
                               entry_url=entry_url, memory=memory_panel(project, cat, eid)), status

    # Route variables are not named lang/catalog: those are the list's filters, carried along in
    # the query string so that `next` follows the list the reviewer came from.
    @app.get("/entry/<language>/<path:name>/<eid>")
    def entry(language: str, name: str, eid: str):
        return show_entry(catalog_file(language, name), eid, Query.from_args(request.args))

    @app.post(f"/<any({','.join(ACTIONS)}):action>/<language>/<path:name>/<eid>")
    def act(action: str, language: str, name: str, eid: str):
        cat = catalog_file(language, name)
        query = Query.from_args(request.args)
        form = request.form
        sha = form.get("sha")
        forms = None
        if action == "edit":
            forms = []
            while f"form-{len(forms)}" in form:
                forms.append(clean_form(form[f"form-{len(forms)}"]))
        if not sha:
            outcome = Outcome(action, 400, "the form did not say which translation it showed; reload the page")
        else:
            try:
                outcome = decide(project, cat, eid, action, expected_sha=sha, reviewer=served.reviewer, forms=forms,
                                 reason=form.get("reason"), today=served.today)
            except LocflowError as exc:  # the project lock was not had in time (or the catalog does not read)
                outcome = Outcome(action, 503, str(exc))
        if outcome.status == 404:
            abort(404)
        if not outcome.ok:
            return show_entry(cat, eid, query, outcome, forms if action == "edit" else None, outcome.status)
        g.session.messages.append(("ok", outcome.message))
        if form.get("next") == "1":
            line = entry_line(project, cat, eid)
            after = position(project, served.languages, query, cat, line, eid).next if line is not None else None
            if after is None:
                g.session.messages.append(("info", "that was the last entry of the list"))
                return redirect(url_for("entries", **query.filters()), 303)
            return redirect(entry_url(after.entry.language, after.entry.catalog, after.eid, query), 303)
        return redirect(entry_url(language, name, eid, query), 303)

    @app.errorhandler(LocflowError)
    def catalog_error(exc: LocflowError):
        return render_template("error.html", code=500, title="Cannot read the catalogs", message=str(exc)), 500

    def http_error(exc):
        allow = {"Allow": ", ".join(exc.valid_methods)} if getattr(exc, "valid_methods", None) else {}
        return render_template("error.html", code=exc.code, title=exc.name, message=exc.description), exc.code, allow

    for code in (400, 404, 405, 413):
        app.register_error_handler(code, http_error)
    return app


# --- the server ----------------------------------------------------------------------------------


def _handler():
    from werkzeug.serving import WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        """No request log: request lines would print the token to the terminal and its scrollback."""

        def log_request(self, code="-", size="-") -> None:
            pass

    return Quiet


class Server:
    """The review page bound to host:port (port 0: a free one), ready to serve in any thread."""

    def __init__(self, project: Project, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                 languages: list[str] | None = None, *, reviewer: str, token: str | None = None,
                 today: str | None = None) -> None:
        from werkzeug.serving import make_server

        self.host = host
        self.token = token or new_token()
        sock = _listen(host, port)
        self.port = sock.getsockname()[1]
        self.app = create_app(project, self.token, host=host, port=self.port, languages=languages,
                              reviewer=reviewer, today=today)
        try:
            self.httpd = make_server(host, self.port, self.app, threaded=True, request_handler=_handler(),
                                     fd=sock.fileno())
        finally:
            sock.close()  # werkzeug serves on its own duplicate of the socket

    @property
    def origin(self) -> str:
        shown = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.host, self.host).strip("[]")
        return f"http://[{shown}]:{self.port}" if ":" in shown else f"http://{shown}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.origin}/?token={self.token}"

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def shutdown(self) -> None:
        """Stop serve_forever (from another thread) and close the socket."""
        self.httpd.shutdown()
        self.httpd.server_close()


def _listen(host: str, port: int) -> socket.socket:
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise LocflowError(f"cannot listen on {host}: {exc.strerror}", hint="pass --host 127.0.0.1") from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(64)
    except OSError as exc:
        sock.close()
        raise LocflowError(f"cannot listen on {host}:{port}: {exc.strerror}",
                           hint="is another `locflow serve` running? pass --port 0 for a free port") from None
    return sock


def run(project: Project, host: str, port: int, lang: str | None, console, *, reviewer: str,
        open_browser: bool = False) -> None:
    """Serve until Ctrl-C, then return normally."""
    server = Server(project, host, port, [lang] if lang else None, reviewer=reviewer)
    from rich.markup import escape

    console.print(f"[bold]{escape(project.config.site)}[/] review page for "
                  f"{escape(', '.join([lang] if lang else project.config.languages))}, reviewer "
                  f"[bold]{escape(reviewer)}[/]")
    console.print(f"open [bold]{escape(server.url)}[/]")
    if not is_loopback(host):
        console.print(f"[yellow]listening on {escape(host)}, not loopback[/]: anyone who can reach this machine "
                      "and sees the token can change catalogs, and traffic is not encrypted")
    console.print("[dim]press Ctrl-C to stop[/]")
    if open_browser:
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
    console.print("stopped")


def serve_command(project: Project, host: str = "127.0.0.1", port: int = DEFAULT_PORT, lang: str | None = None,
                  open_browser: bool = False, *, reviewer: str | None = None) -> None:
    """`locflow serve`: print the URL with a per-run token and serve until Ctrl-C (raises LocflowError)."""
    from ..render import console
    from ..review import check_reviewer, default_reviewer

    if lang:
        project.check_languages([lang])
    name = check_reviewer(reviewer) if reviewer else default_reviewer()
    run(project, host, port, lang, console(), reviewer=name, open_browser=open_browser)
