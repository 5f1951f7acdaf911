"""`locflow report`: one self-contained HTML page (or JSON) for editors.

Coverage per language and catalog as stacked bars by review state, the articles not yet
publishable and what blocks them, check findings by severity, glossary violations. No
network assets: the chart is inline SVG, the style inline CSS, every catalog string escaped.
"""
from __future__ import annotations

from dataclasses import dataclass

from .project import Project
from .states import STATE_ORDER

COLOURS = {"untranslated": "#d9534f", "fuzzy": "#f0ad4e", "machine": "#b07cc6", "reviewed": "#5bc0de",
           "approved": "#5cb85c"}
GLOSSARY_CHECKS = ("glossary-dnt", "glossary-mandated", "glossary-forbidden")


@dataclass(frozen=True)
class Report:
    data: dict


def build_report(project: Project, languages: list[str] | None = None) -> Report:
    from .checks.runner import run_checks
    from .publish import article_outcome
    from .pull import pages_by_catalog
    from .status import rollup, status

    rows = rollup(status(project, languages))
    checks = run_checks(project, languages)
    pages = [(project.config.catalogs[name], page) for name, found in pages_by_catalog(project).items()
             for page in found]
    blocked = []
    for lang in languages or project.config.languages:
        for catalog, article in pages:
            outcome, _ = article_outcome(project, catalog, article, lang)
            if not outcome.published:
                blocked.append({"language": lang, "catalog": catalog.name, "slug": article.slug,
                                "title": article.meta["title"],
                                "reason": outcome.reason})
    findings = [f.to_json() for f in checks.findings if f.severity in ("error", "warning")]
    by_check: dict[str, dict[str, int]] = {}
    for f in checks.findings:
        by_check.setdefault(f.check, {"error": 0, "warning": 0, "info": 0})[f.severity] += 1
    data = {
        "site": project.config.site,
        "coverage": [{"language": r.language, "catalog": r.catalog, "total": r.total, "states": r.states,
                      "publishable": r.publishable} for r in rows],
        "blocked_articles": blocked,
        "findings_by_check": dict(sorted(by_check.items())),
        "summary": checks.summary,
        "findings": findings,
        "glossary_violations": [f for f in findings if f["check"] in GLOSSARY_CHECKS],
    }
    return Report(data)


def render_html(report: Report) -> str:
    from jinja2 import Environment, select_autoescape

    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    return env.from_string(_TEMPLATE).render(r=report.data, states=[s.value for s in STATE_ORDER], colours=COLOURS,
                                             bar=_bar)


def _bar(states: dict[str, int], total: int, width: int = 420) -> list[dict]:
    """Segments of one stacked bar (x, width, colour, label) in state order."""
    x = 0.0
    out = []
    for name in (s.value for s in STATE_ORDER):
        n = states.get(name, 0)
        if not n or not total:
            continue
        w = width * n / total
        out.append({"x": round(x, 2), "w": round(w, 2), "colour": COLOURS[name], "label": f"{name}: {n}"})
        x += w
    return out


_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ r.site }}: localization report</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin-bottom:24px}
td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px}
.error{color:#b52b27}.warning{color:#8a6d3b}.ok{color:#2d7a2d}
</style></head><body>
<h1>{{ r.site }}: localization report</h1>
<p>{{ r.summary.error }} errors, {{ r.summary.warning }} warnings,
{{ r.blocked_articles|length }} article translations held back.</p>
<h2>Coverage by review state</h2>
<p class="legend">{% for s in states %}<span><i style="background:{{ colours[s] }}"></i>{{ s }}</span>{% endfor %}</p>
<table><tr><th>language</th><th>catalog</th><th>entries</th><th>states</th><th>publishable</th></tr>
{% for row in r.coverage %}<tr><td>{{ row.language }}</td><td>{{ row.catalog }}</td><td>{{ row.total }}</td>
<td><svg width="420" height="16" role="img" aria-label="{% for s in states %}{{ s }} {{ row.states[s] }} {% endfor %}">
{% for seg in bar(row.states, row.total) %}<rect x="{{ seg.x }}" y="0" width="{{ seg.w }}" height="16" fill="{{ seg.colour }}"><title>{{ seg.label }}</title></rect>{% endfor %}
</svg></td><td class="{{ 'ok' if row.publishable else 'warning' }}">{{ 'yes' if row.publishable else 'no' }}</td></tr>
{% endfor %}</table>
<h2>Articles not yet publishable</h2>
{% if r.blocked_articles %}<table><tr><th>language</th><th>article</th><th>what blocks it</th></tr>
{% for b in r.blocked_articles %}<tr><td>{{ b.language }}</td><td>{{ b.title }}<br><small>{{ b.slug }}</small></td><td>{{ b.reason }}</td></tr>
{% endfor %}</table>{% else %}<p class="ok">Every article is publishable in every language.</p>{% endif %}
<h2>Check findings by severity</h2>
<table><tr><th>check</th><th>errors</th><th>warnings</th><th>info</th></tr>
{% for check, n in r.findings_by_check.items() %}<tr><td>{{ check }}</td><td class="error">{{ n.error }}</td>
<td class="warning">{{ n.warning }}</td><td>{{ n.info }}</td></tr>{% endfor %}</table>
{% if r.findings %}<table><tr><th>where</th><th>check</th><th>entry</th><th>message</th></tr>
{% for f in r.findings %}<tr><td>{{ f.path }}:{{ f.line }}</td><td class="{{ f.severity }}">{{ f.check }}</td>
<td>{{ f.msgid }}</td><td>{{ f.message }}</td></tr>{% endfor %}</table>{% endif %}
<h2>Glossary violations</h2>
{% if r.glossary_violations %}<table><tr><th>where</th><th>entry</th><th>rule</th></tr>
{% for f in r.glossary_violations %}<tr><td>{{ f.path }}:{{ f.line }}</td><td>{{ f.msgid }}</td><td>{{ f.message }}</td></tr>
{% endfor %}</table>{% else %}<p class="ok">None.</p>{% endif %}
</body></html>
"""
