"""Front matter read without ruamel (yamlio.simple_mapping) says exactly what ruamel says, or declines."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st
from ruamel.yaml import YAML

from locflow.sources.articles import load_article
from locflow.yamlio import load_yaml, simple_mapping, simple_scalar

from .conftest import REPO

CHARS = "aZäя 1-.:#\"'\\\t,[]{}&*!|>%@`?~\u2028\x85\ufeff\x07é"
KEYS = ["slug", "title", "date", "true", "Null", "a-b", "_x", "yes", "On", "y", "1"]
WORDS = ["true", "No", "null", "2026-11-02", "2026-13-45", "٢٠٢٦-١١-٠٢", "2026-1-2", "12", "1.5", "e5", ".inf", "~", "Reporter 3", "Riga"]

raw_values = st.one_of(
    st.text(alphabet=CHARS, max_size=14),
    st.sampled_from(WORDS),
    st.builds(lambda q, body: q + body + q, st.sampled_from(['"', "'"]), st.text(alphabet=CHARS, max_size=10)),
)


def ruamel_scalar(raw: str):
    return YAML(typ="safe", pure=True).load("v: " + raw + "\n")["v"]


@settings(max_examples=400, deadline=None)
@given(raw_values)
def test_a_simple_scalar_is_what_yaml_reads(raw):
    simple = simple_scalar(raw)
    if simple is not None:
        assert ruamel_scalar(raw) == simple and type(simple) is str


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(KEYS), raw_values), min_size=1, max_size=6))
def test_a_simple_mapping_is_what_ruamel_reads(pairs):
    text = "".join(f"{key}: {value}\n" for key, value in pairs)
    simple = simple_mapping(text)
    if simple is None:
        return
    values, positions = simple
    data = load_yaml(text, "front.md")
    assert list(data) == list(values)
    assert {k: data[k] for k in data} == values
    assert {k: data.lc.value(k) for k in data} == positions


def test_the_sample_articles_take_the_simple_path():
    for path in sorted((REPO / "site" / "articles").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        head = text.split("---\n")[1]
        assert simple_mapping(head) is not None, path.name
        assert load_article(path).meta == dict(load_yaml(head, path.name))


def test_what_it_declines_still_reads_through_ruamel(tmp_path):
    article = tmp_path / "a.md"
    article.write_text('---\nslug: a\ntitle: "Tab\\there"  # a comment\nlanguage: en\ndate: 2026-11-02\n'
                       "section: News\nauthor: A\nsummary: 'It''s here'\n---\n\nBody.\n", encoding="utf-8")
    loaded = load_article(article)
    assert loaded.meta["title"] == "Tab\there" and loaded.meta["summary"] == "It's here"
    assert [u.msgid for u in loaded.units[:2]] == ["Tab\there", "It's here"]
