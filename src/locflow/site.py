"""Render the site's static pages in every language from the published translations.

Jinja2 with the i18n extension (newstyle gettext, trimmed blocks, autoescape), fed by the
same bundles `publish` writes: what did not pass the gate falls back to the English source.
Dates through babel for each locale; the reading time through ngettext.
"""
from __future__ import annotations

import datetime as _dt
import gettext
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import LocflowError
from .project import Project

if TYPE_CHECKING:
    from .sources.articles import Article

WORDS_PER_MINUTE = 200
STYLE = """\
body{font-family:Georgia,'Times New Roman',serif;margin:0;color:#1c1c1c;background:#fafafa}
a{color:#0b4f8a}.site-header,.site-footer,.newsletter{padding:12px 24px;background:#fff;border-bottom:1px solid #ddd}
.topbar{display:flex;justify-content:space-between;font:14px sans-serif}.language-list{display:inline;padding:0}
.language-list li{display:inline;margin-left:8px}.logo{font-size:32px;font-weight:bold;text-decoration:none;color:#111}
.menu,.submenu{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:14px;font:15px sans-serif}
.layout{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,1fr);gap:24px;padding:24px}
.card{background:#fff;padding:16px;margin-bottom:16px;border:1px solid #e3e3e3}.card-meta,.article-meta{font:13px sans-serif;color:#555}
.card-meta span,.card-meta time,.article-meta span{margin-right:12px}.sidebar section{background:#fff;padding:12px;margin-bottom:16px}
.article-body{font-size:18px;line-height:1.6}.article-body img{max-width:100%}
"""


@dataclass(frozen=True)
class Link:
    code: str
    native_name: str
    url: str


@dataclass(frozen=True)
class ArticleView:
    slug: str
    title: str
    url: str
    date: str
    date_display: str
    reading_minutes: int
    section_label: str
    author: str
    summary: str
    body_html: str


_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def _safe(source: str, translated: str) -> str:
    """Catalog text is untrusted: escape it, then let through only the tags the source itself has.

    Jinja marks gettext results safe; without this a msgstr with <script> would reach the page.
    """
    from markupsafe import Markup, escape

    allowed = set(_TAG.findall(source))
    out = []
    pos = 0
    for m in _TAG.finditer(translated):
        out.append(str(escape(translated[pos:m.start()])))
        out.append(m.group() if m.group() in allowed else str(escape(m.group())))
        pos = m.end()
    out.append(str(escape(translated[pos:])))
    return Markup("".join(out))


def _install(env, tr: gettext.NullTranslations, problems: list[str]) -> None:
    """Newstyle gettext callables for Jinja that escape what the catalog says (see _safe) and format
    only the label's named placeholders (labelformat): a literal `%` never breaks a page.

    A translation the call's variables cannot fill falls back to the source text, noted in
    `problems`; a source label they cannot fill is the template's own error.
    """
    from jinja2 import pass_context
    from markupsafe import escape

    from .labelformat import LabelFormatError, format_label

    def _fill(context, source: str, translated: str, variables: dict) -> str:
        from markupsafe import Markup

        escaper = escape if context.eval_ctx.autoescape else None
        if translated != source:
            try:
                return Markup(format_label(_safe(source, translated), variables, escaper))
            except LabelFormatError as exc:
                problems.append(f"{source!r}: the translation {translated!r} falls back to the source: {exc}")
        try:
            return Markup(format_label(_safe(source, source), variables, escaper))
        except LabelFormatError as exc:
            raise TemplateLabelError(f"label {source!r}: {exc}") from None

    @pass_context
    def _gettext(context, message: str, **variables) -> str:
        return _fill(context, message, tr.gettext(message), variables)

    @pass_context
    def _ngettext(context, singular: str, plural: str, n: int, **variables) -> str:
        variables.setdefault("num", n)
        return _fill(context, singular if n == 1 else plural, tr.ngettext(singular, plural, n), variables)

    @pass_context
    def _pgettext(context, ctxt: str, message: str, **variables) -> str:
        variables.setdefault("context", ctxt)
        return _fill(context, message, tr.pgettext(ctxt, message), variables)

    @pass_context
    def _npgettext(context, ctxt: str, singular: str, plural: str, n: int, **variables) -> str:
        variables.setdefault("context", ctxt)
        variables.setdefault("num", n)
        return _fill(context, singular if n == 1 else plural, tr.npgettext(ctxt, singular, plural, n), variables)

    env.newstyle_gettext = True  # trans blocks pass their variables as keywords
    env.globals.update(gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext, npgettext=_npgettext)


class TemplateLabelError(Exception):
    """A source label its own call cannot fill: the template's error, reported with its file:line."""


def _environment(project: Project):
    from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
    from jinja2.sandbox import SandboxedEnvironment

    # Templates come from contributors' pull requests: sandboxed, they reach no Python internals
    # (`cycler.__init__.__globals__.os`), only the data they are given.
    env = SandboxedEnvironment(loader=FileSystemLoader(str(project.root / "site" / "templates")),
                      extensions=["jinja2.ext.i18n"], autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, keep_trailing_newline=True)
    env.policies["ext.i18n.trimmed"] = True  # the same whitespace policy as extraction
    return env


_FOOTNOTE = re.compile(r'(<div class="footnote-definition" id="|<sup class="footnote-reference"><a href="#)')


def _markdown(text: str) -> str:
    """Article body to HTML with the segmenter's grammar (tables, footnotes, strikethrough, task lists).

    Raw HTML in the article is kept, sanitised by an allowlist (nh3): no scripts, event
    handlers, styles beyond table alignment, or URL schemes beyond http(s) and mailto.
    """
    import nh3

    from .sources.markdown import to_html

    content = re.sub(r"\A\ufeff?---\r?\n.*?\r?\n(?:---|\.\.\.)[ \t]*\r?\n", "", text, count=1, flags=re.S)
    html = _FOOTNOTE.sub(lambda m: m.group(1) + "fn-", to_html(content))  # ids that cannot clobber the page's own
    attributes = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
    attributes["*"] = {"lang", "title"}
    attributes["div"] = {"id"}  # class: through allowed_classes
    attributes["td"] = attributes.get("td", set()) | {"style"}
    attributes["th"] = attributes.get("th", set()) | {"style"}
    return nh3.clean(
        html, tags=set(nh3.ALLOWED_TAGS) | {"input"}, attributes=attributes,
        tag_attribute_values={"input": {"type": {"checkbox"}, "disabled": {""}, "checked": {""}}},
        allowed_classes={"div": {"footnote-definition"}, "sup": {"footnote-reference", "footnote-definition-label"}},
        attribute_filter=lambda tag, name, value: value if name != "id" or value.startswith("fn-") else None,
        filter_style_properties={"text-align"}, url_schemes={"http", "https", "mailto"},
    )


def _view(article: "Article", text: str, language: str, tr: gettext.NullTranslations) -> ArticleView:
    from babel.dates import format_date

    from .sources.articles import parse_article

    parsed = parse_article(text, article.path)
    meta = parsed.meta
    words = len(re.findall(r"\w+", re.sub(r"\(https?://[^)]*\)", "", text)))
    day = _dt.date.fromisoformat(str(meta["date"]))
    return ArticleView(
        slug=article.slug, title=meta["title"], url=f"/{language}/{article.slug}.html", date=day.isoformat(),
        date_display=format_date(day, format="long", locale=language),
        reading_minutes=max(1, math.ceil(words / WORDS_PER_MINUTE)),
        section_label=_safe(str(meta["section"]), tr.gettext(str(meta["section"]))), author=str(meta["author"]), summary=meta["summary"],
        body_html=_markdown(text),
    )


def _native(code: str) -> str:
    from babel import Locale

    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def _translations(bundles: list[bytes]) -> gettext.NullTranslations:
    """The language's messages catalogs as one gettext chain (none: every label in the source text)."""
    chain: gettext.NullTranslations = gettext.NullTranslations()
    for data in reversed(bundles):
        tr = gettext.GNUTranslations(io.BytesIO(data))
        tr.add_fallback(chain)
        chain = tr
    return chain


def render_site(project: Project, languages: list[str], published: dict[str, list[tuple["Article", str]]],
                mo: dict[str, list[bytes]], elsewhere: dict[str, set[str]] | None = None,
                problems: list[str] | None = None) -> dict[str, bytes]:
    """Pages per language: index.html and one page per published article.

    `mo` holds each language's published messages catalogs, in workflow.yaml's order (publish's own
    MO bytes, so the pages say exactly what the bundles say; the first that has a label wins); `elsewhere` maps languages not rendered now to the slugs
    already published in them; `problems` collects what the run must report (a label that fell
    back to its source, a site without templates).
    """
    problems = problems if problems is not None else []
    folder = project.root / "site" / "templates"
    if not (folder / "home.html").is_file():
        others = sorted(folder.rglob("*.html")) if folder.is_dir() else []
        if others:
            raise LocflowError("site/templates/home.html is missing: the site's front page cannot be rendered",
                               path=project.display(folder / "home.html"),
                               hint="add home.html (the template of <lang>/index.html) next to "
                                    + project.display(others[0]))
        problems.append(f"{project.display(folder / 'home.html')} not found: no site pages rendered, "
                        "only the bundles and articles")
        return {}
    from jinja2.exceptions import SecurityError

    env = _environment(project)
    try:
        return _render(project, env, languages, published, mo, elsewhere, problems)
    except SecurityError as exc:
        path, line = _template_position(project, exc)
        raise LocflowError(f"template refused by the sandbox: {exc}", path=path, line=line,
                           hint="templates may use the variables and filters they are given, not Python internals"
                           ) from None


def _template_position(project: Project, exc: BaseException) -> tuple[str | None, int | None]:
    """The template file and line a rendering error comes from (Jinja maps its frames to template lines)."""
    import traceback

    folder = str(project.root / "site" / "templates")
    found: tuple[str | None, int | None] = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.startswith(folder):
            found = (project.display(Path(frame.filename)), frame.lineno)
    return found


def _render(project: Project, env, languages: list[str], published: dict[str, list[tuple["Article", str]]],
            mo: dict[str, list[bytes]], elsewhere: dict[str, set[str]] | None, problems: list[str]) -> dict[str, bytes]:
    from babel.dates import format_date

    files: dict[str, bytes] = {"static/style.css": STYLE.encode("utf-8")}
    available = {lang: {a.slug for a, _ in published.get(lang, [])} for lang in languages}
    available.update(elsewhere or {})
    switchable = [code for code in project.config.languages if code in available]
    for lang in languages:
        tr = _translations(mo.get(lang, []))
        fallbacks: list[str] = []
        _install(env, tr, fallbacks)
        views = sorted((_view(a, text, lang, tr) for a, text in published.get(lang, [])),
                       key=lambda v: (v.date, v.slug), reverse=True)
        edition = _dt.date.fromisoformat(views[0].date) if views else None
        common = {
            "lang": lang, "site_name": project.config.site,
            "today_display": format_date(edition, format="full", locale=lang) if edition else "",
            "year": edition.year if edition else "", "whats_hot": views[:3], "trending": views[:5],
            "our_picks": sorted(views, key=lambda v: v.slug)[:3],
        }
        home_langs = [Link(code, _native(code), f"/{code}/") for code in switchable]
        html = render_template(project, env, "home.html", dict(common, articles=views, languages=home_langs,
                                                                article=None, related=[]))
        files[f"{lang}/index.html"] = html.encode("utf-8")
        for view in views:
            # The switcher lists only languages this article is published in.
            links = [Link(code, _native(code), f"/{code}/{view.slug}.html") for code in switchable
                     if view.slug in available[code]]
            related = [v for v in views if v.slug != view.slug][:3]
            page = render_template(project, env, "article.html", dict(common, article=view, languages=links,
                                                                       related=related))
            files[f"{lang}/{view.slug}.html"] = page.encode("utf-8")
        problems += [f"{lang}: {p}" for p in dict.fromkeys(fallbacks)]
    return files


def render_template(project: Project, env, name: str, context: dict) -> str:
    """Render one of the site's templates; an error in the template is the user's: file:line, exit 2."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError
    from jinja2.exceptions import SecurityError

    folder = project.root / "site" / "templates"
    try:
        return env.get_template(name).render(**context)
    except TemplateSyntaxError as exc:
        path = Path(exc.filename) if exc.filename else folder / name
        raise LocflowError(f"template syntax error: {exc.message}", path=project.display(path),
                           line=exc.lineno) from None
    except Exception as exc:
        where = _template_frame(exc.__traceback__, folder)
        if where is None or (not isinstance(exc, (TemplateLabelError, TemplateNotFound, SecurityError))
                             and _raised_by_locflow(exc.__traceback__)):
            raise
        if isinstance(exc, TemplateNotFound):
            what = f"template `{exc.name}` not found in {project.display(folder)}"
        elif type(exc).__name__ == "UndefinedError":
            what = f"{exc.message} (see the template context in README.md)"
        elif isinstance(exc, TemplateLabelError):
            what = str(exc)
        elif isinstance(exc, SecurityError):
            raise LocflowError(f"template refused by the sandbox: {exc}", path=project.display(where[0]),
                               line=where[1], hint="templates may use the variables and filters they are given, "
                                                   "not Python internals") from None
        else:
            what = f"{type(exc).__name__}: {exc}"
        raise LocflowError(f"template error: {what}", path=project.display(where[0]), line=where[1]) from None


def _template_frame(tb, folder: Path) -> tuple[Path, int] | None:
    """The innermost traceback frame inside the site's templates (Jinja maps frames to template lines)."""
    found = None
    root = folder.resolve()
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".html"):
            path = Path(name)
            try:
                path.resolve().relative_to(root)
                found = (path, tb.tb_lineno)
            except ValueError:
                pass
        tb = tb.tb_next
    return found


def _raised_by_locflow(tb) -> bool:
    """True when the innermost frame is locflow's own code: then it is a bug, not a template error."""
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    return last is not None and Path(last.tb_frame.f_code.co_filename).resolve().is_relative_to(
        Path(__file__).resolve().parent)
