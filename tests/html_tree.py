"""A strict HTML tree for the tests of generated pages (the static site, the report): every end tag
must close the element that is open, void elements excepted; the page must be one HTML document."""
from __future__ import annotations

import re
from html.parser import HTMLParser


def squash(text: str) -> str:
    """Collapse HTML's own whitespace (ASCII only: babel's narrow no-break spaces are content)."""
    return re.sub(r"[ \t\n\r\f]+", " ", text).strip(" ")


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs, parent: "Node | None"):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children: list = []

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list["Node"]:
        out = []
        for node in self.iter():
            if tag and node.tag != tag:
                continue
            if cls and cls not in (node.attrs.get("class") or "").split():
                continue
            if any(node.attrs.get(k.rstrip("_").replace("_", "-")) != v for k, v in attrs.items()):
                continue
            out.append(node)
        return out

    def find(self, tag: str | None = None, cls: str | None = None, **attrs) -> "Node":
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag} class={cls} {attrs}> in <{self.tag}>"
        return found[0]

    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child.text() if isinstance(child, Node) else child)
        return "".join(parts)

    def clean(self) -> str:
        return squash(self.text())

    def strings(self) -> list[str]:
        out = []
        for child in self.children:
            if isinstance(child, Node):
                out.extend(child.strings())
            elif child.strip():
                out.append(squash(child))
        return out

    def cells(self) -> list["Node"]:
        return [c for c in self.children if isinstance(c, Node) and c.tag in ("td", "th")]

    def ancestor(self, tag: str) -> "Node | None":
        node = self.parent
        while node is not None and node.tag != tag:
            node = node.parent
        return node


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root
        self.errors: list[str] = []
        self.doctype = ""

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.current.tag != tag:
            self.errors.append(f"line {self.getpos()[0]}: </{tag}> while <{self.current.tag}> is open")
            node = self.current
            while node is not None and node.tag != tag:
                node = node.parent
            if node is None:
                return
            self.current = node
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(text: str) -> Node:
    builder = _Builder()
    builder.feed(text)
    builder.close()
    assert builder.doctype.lower() == "doctype html", builder.doctype
    assert not builder.errors, builder.errors
    assert builder.current is builder.root, f"<{builder.current.tag}> never closed"
    return builder.root
