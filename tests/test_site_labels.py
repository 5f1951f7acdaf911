"""The site renderer and `check` agree on what a placeholder is; template errors are the user's.

Labels are Jinja2 newstyle gettext strings: only named directives are formatted, `%%` is a percent
sign and any other `%` is text. A template's own mistakes are reported with its file:line, exit 2.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from .conftest import ARTICLE_EN, WORKFLOW, build_project, pull, write
from locflow.labelformat import LabelFormatError, format_label

WORKFLOW_PL = WORKFLOW.replace("languages: [en, et, lv, ru]", "languages: [en, pl]")

HOME = """\
<!doctype html>
<html lang="{{ lang }}">
<body>
<p class="claim">{{ _("100% independent") }}</p>
<p class="finished">{{ _("50% of readers finished this article") }}</p>
<h1 class="world">{{ _("WORLD 100% READY") }}</h1>
<p class="escaped">{{ _("Save 20%% today") }}</p>
<p class="by">{{ _("By %(author)s", author="Kadri <Saar>") }}</p>
<p class="count">{{ ngettext("%(num)d article", "%(num)d articles", articles|length) }}</p>
<p class="trans">{% trans %}Fully 100% reader-funded{% endtrans %}</p>
<footer>&copy; {{ year }}</footer>
</body>
</html>
"""

ARTICLE = """\
<!doctype html>
<html lang="{{ lang }}"><body><h1>{{ article.title }}</h1>{{ article.body_html|safe }}</body></html>
"""

TRANSLATIONS = {
    "100% independent": "100% niezależni",
    "50% of readers finished this article": "50% czytelników doczytało ten artykuł",
    "WORLD 100% READY": "ŚWIAT 100% GOTOWY",
    "Save 20%% today": "Oszczędź dziś 20%%",
    "By %(author)s": "Autor: %(author)s",
    "Fully 100%% reader-funded": "W 100%% finansowani przez czytelników",
}


def make_site(tmp_path: Path, home: str = HOME, article: str = ARTICLE) -> Path:
    root = build_project(tmp_path / "proj", workflow=WORKFLOW_PL, templates={"home.html": home,
                                                                              "article.html": article},
                         articles={"harbour-drill.md": ARTICLE_EN})
    assert pull(root).exit_code == 0
    return root


def translate_ui(root: Path, translations: dict[str, str], lang: str = "pl") -> Path:
    path = root / "locales" / lang / "LC_MESSAGES" / "ui.po"
    catalog = polib.pofile(str(path))
    for e in catalog:
        if e.msgid in translations:
            e.msgstr = translations[e.msgid]
        elif e.msgid_plural:
            e.msgstr_plural = {0: "%(num)d artykuł", 1: "%(num)d artykuły", 2: "%(num)d artykułów"}
    catalog.save()
    return path


def cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    import sys

    return subprocess.run([sys.executable, "-m", "locflow", "--config", str(root / "workflow.yaml"), *args],
                          capture_output=True, text=True, cwd=root)


def text_of(html: str, cls: str) -> str:
    found = re.search(rf'class="{cls}">(.*?)</', html, re.S)
    assert found, cls
    return found.group(1)


def test_a_literal_percent_publishes_in_every_language(tmp_path: Path):
    root = make_site(tmp_path)
    translate_ui(root, TRANSLATIONS)
    checked = cli(root, "check", "--only", "placeholders", "--format", "json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert json.loads(checked.stdout)["findings"] == []
    result = cli(root, "publish")
    assert result.returncode == 0, result.stderr
    assert "internal error" not in result.stderr
    en = (root / "build" / "en" / "index.html").read_text(encoding="utf-8")
    pl = (root / "build" / "pl" / "index.html").read_text(encoding="utf-8")
    assert text_of(en, "claim") == "100% independent"
    assert text_of(en, "finished") == "50% of readers finished this article"
    assert text_of(en, "escaped") == "Save 20% today"
    assert text_of(en, "by") == "By Kadri &lt;Saar&gt;"  # the value is escaped, the label formatted
    assert text_of(en, "count") == "1 article"
    assert text_of(en, "trans") == "Fully 100% reader-funded"
    assert text_of(pl, "world") == "ŚWIAT 100% GOTOWY"
    assert text_of(pl, "claim") == "100% niezależni"
    assert text_of(pl, "escaped") == "Oszczędź dziś 20%"
    assert text_of(pl, "by") == "Autor: Kadri &lt;Saar&gt;"
    assert text_of(pl, "trans") == "W 100% finansowani przez czytelników"


def test_a_translation_no_rule_can_render_is_held_back_with_a_finding(tmp_path: Path):
    root = make_site(tmp_path)
    translate_ui(root, dict(TRANSLATIONS, **{"By %(author)s": "Autor: %(author)d"}))
    checked = cli(root, "check", "--only", "placeholders", "--format", "json")
    assert checked.returncode == 1
    findings = json.loads(checked.stdout)["findings"]
    assert [(f["msgid"], f["language"]) for f in findings] == [("By %(author)s", "pl")]
    result = cli(root, "publish")
    assert result.returncode == 0, result.stderr
    assert re.search(r"warning: locales/pl/LC_MESSAGES/ui\.po:\d+: 'By %\(author\)s' goes out in the source",
                     result.stderr), result.stderr
    pl = (root / "build" / "pl" / "index.html").read_text(encoding="utf-8")
    assert text_of(pl, "by") == "By Kadri &lt;Saar&gt;"
    assert text_of(pl, "world") == "ŚWIAT 100% GOTOWY"  # the rest of the language still goes out


def test_check_and_renderer_agree_on_a_renamed_placeholder(tmp_path: Path):
    root = make_site(tmp_path)
    translate_ui(root, dict(TRANSLATIONS, **{"By %(author)s": "Autor: %(autor)s"}))
    findings = json.loads(cli(root, "check", "--only", "placeholders", "--format", "json").stdout)["findings"]
    assert {f["msgid"] for f in findings} == {"By %(author)s"}
    assert cli(root, "publish").returncode == 0
    pl = (root / "build" / "pl" / "index.html").read_text(encoding="utf-8")
    assert text_of(pl, "by") == "By Kadri &lt;Saar&gt;"


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(alphabet=st.sampled_from(list("%()abdis 1.-#+x")), max_size=30))
def test_format_label_raises_only_its_own_error(text: str):
    try:
        out = format_label(text, {"a": 1, "b": "x"})
    except LabelFormatError:
        return
    if "%(" not in text:
        assert out == text.replace("%%", "%")


def test_format_label_leaves_stray_percent_signs_alone():
    assert format_label("100% sure, %(n)d%% done", {"n": 5}) == "100% sure, 5% done"
    with pytest.raises(LabelFormatError, match="names no variable"):
        format_label("By %(author)s", {})


# --- template errors ----------------------------------------------------------------------------

@pytest.mark.parametrize("body, line, what", [
    ("<p>{{ now.year }}</p>", 3, "'now' is undefined"),
    ("<p>{{ '%(x)s'|format(y=1) }}</p>", 3, "KeyError"),
    ("<p>{{ _('By %(author)s') }}</p>", 3, "names no variable of the call"),
])
def test_an_error_in_the_sites_template_is_the_users_error(tmp_path: Path, body: str, line: int, what: str):
    home = f"<!doctype html>\n<html>\n{body}\n</html>\n"
    root = make_site(tmp_path, home=home)
    result = cli(root, "publish")
    assert result.returncode == 2
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: site/templates/home.html:{line}: template error:"), lines[0]
    assert what in lines[0]
    assert "internal error" not in result.stderr and "bug in locflow" not in result.stderr


def test_an_undefined_name_in_an_included_template_points_at_that_file(tmp_path: Path):
    root = make_site(tmp_path, home='<!doctype html>\n<html>{% include "partials/foot.html" %}</html>\n')
    write(root / "site" / "templates" / "partials" / "foot.html", "<footer>\n{{ article.nonsense.deeper }}\n</footer>\n")
    result = cli(root, "publish")
    assert result.returncode == 2
    assert "site/templates/partials/foot.html:2: template error:" in result.stderr, result.stderr


def test_a_missing_home_template_is_reported(tmp_path: Path):
    root = make_site(tmp_path)
    (root / "site" / "templates" / "home.html").unlink()
    result = cli(root, "publish")
    assert result.returncode == 2
    assert "site/templates/home.html" in result.stderr and "missing" in result.stderr


def test_a_project_without_site_templates_says_no_pages_were_rendered(tmp_path: Path):
    root = make_site(tmp_path)
    for page in (root / "site" / "templates").glob("*.html"):
        page.unlink()
    result = cli(root, "publish")
    assert result.returncode == 0
    assert "home.html not found: no site pages rendered" in result.stderr


CONTEXT_PROBE = """\
<!doctype html>
<html lang="{{ lang }}">
<body>
<p id="site">{{ site_name }}</p><p id="year">{{ year }}</p><p id="today">{{ today_display }}</p>
<p id="n">{{ articles|length }}</p><p id="hot">{{ whats_hot|length }}</p><p id="trending">{{ trending|length }}</p>
<p id="picks">{{ our_picks|length }}</p><p id="langs">{% for l in languages %}{{ l.code }}={{ l.native_name }}@{{ l.url }};{% endfor %}</p>
<p id="article">{{ article is none }}</p><p id="related">{{ related|length }}</p>
{% for a in articles %}<p class="a">{{ a.slug }}|{{ a.title }}|{{ a.url }}|{{ a.date }}|{{ a.date_display }}|{{ a.reading_minutes }}|{{ a.section_label }}|{{ a.author }}|{{ a.summary }}</p>{% endfor %}
</body>
</html>
"""

ARTICLE_PROBE = """\
<!doctype html>
<html lang="{{ lang }}"><body><h1 id="title">{{ article.title }}</h1><div id="body">{{ article.body_html|safe }}</div>
<div id="escaped">{{ article.body_html }}</div><p id="related">{{ related|length }}</p></body></html>
"""


def test_every_documented_template_name_is_there(tmp_path: Path):
    root = make_site(tmp_path, home=CONTEXT_PROBE, article=ARTICLE_PROBE)
    result = cli(root, "publish", "--lang", "en")
    assert result.returncode == 0, result.stderr
    home = (root / "build" / "en" / "index.html").read_text(encoding="utf-8")
    assert '<p id="site">Test Press</p><p id="year">2026</p><p id="today">Thursday, October 1, 2026</p>' in home
    assert '<p id="n">1</p><p id="hot">1</p><p id="trending">1</p>' in home
    assert '<p id="picks">1</p><p id="langs">en=English@/en/;</p>' in home
    assert '<p id="article">True</p><p id="related">0</p>' in home
    assert ('<p class="a">harbour-drill|Harbour drill tests the new coastal radar|/en/harbour-drill.html|2026-10-01|'
            'October 1, 2026|1|National Security|Kadri Saar|Crews rehearsed a night-time alert at the harbour.</p>'
            in home)
    page = (root / "build" / "en" / "harbour-drill.html").read_text(encoding="utf-8")
    assert '<h1 id="title">Harbour drill tests the new coastal radar</h1>' in page
    assert '<div id="body"><p>Crews from three agencies' in page  # |safe: the rendered HTML
    assert '<div id="escaped">&lt;p&gt;Crews' in page  # without |safe it is escaped
    assert '<p id="related">0</p>' in page
