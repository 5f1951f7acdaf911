"""UI labels from the site's sources, through babel's extraction.

Jinja2 templates by default; a catalog's `extract:` mapping picks babel's method per file
pattern, as pybabel's mapping file does (`python`, `javascript`, `jinja2`, `ignore`, or any
`module:function` extractor), so Python or plain-HTML sources need configuration, not code.
"""
from __future__ import annotations

import io
import re
import tokenize
from contextlib import redirect_stderr
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LocflowError, decode_position

COMMENT_TAGS = ("Translators:", "TRANSLATORS:")
# babel's defaults already map pgettext/npgettext to (context, message) arguments.
# silent=false: Jinja's extractor otherwise swallows syntax errors and drops the file's strings,
# which a merge would then turn into obsolete entries.
# newstyle_gettext: the renderer's own setting, so a `{% trans %}` block's msgid is the one it looks up.
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "true", "silent": "false", "newstyle_gettext": "true"}
JINJA = "jinja2.ext:babel_extract"  # config.EXTRACT_METHODS's `jinja2`; babel knows the other short names
_EMPTY_MSGID = re.compile(r"^(?P<file>.*):(?P<line>\d+): warning: Empty msgid\.", re.M)


@dataclass
class Message:
    msgid: str
    msgid_plural: str | None = None
    msgctxt: str | None = None
    locations: list[tuple[str, int]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExtractWarning:
    """Something in a template that is no error but drops a string (`_("")`), with its file:line."""

    path: str
    line: int
    message: str


def method_for(rel: str, methods: tuple[tuple[str, str], ...]) -> str:
    """babel's extraction method for a file: the first `extract:` pattern that matches, else Jinja2."""
    from babel.util import pathmatch

    for pattern, method in methods:
        if pathmatch(pattern, rel):
            return JINJA if method == "jinja2" else method
    return JINJA


def extract_templates(root: Path, files: list[Path], warnings: list[ExtractWarning] | None = None,
                      methods: tuple[tuple[str, str], ...] = ()) -> list[Message]:
    """Messages in first-seen order (files in the given order, then line), duplicates merged.

    babel writes its "Empty msgid" warning straight to stderr; it is caught and handed back in
    `warnings` with the template's file:line instead.
    """
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
    from jinja2 import TemplateSyntaxError

    found: dict[tuple[str | None, str], Message] = {}
    for path in files:
        rel = path.relative_to(root).as_posix()
        method = method_for(rel, methods)
        if method == "ignore":
            continue
        said = io.StringIO()
        try:
            with redirect_stderr(said):
                items = list(extract_from_file(method, str(path), keywords=DEFAULT_KEYWORDS,
                                               comment_tags=COMMENT_TAGS,
                                               options=JINJA_OPTIONS if method == JINJA else {},
                                               strip_comment_tags=True))
        except TemplateSyntaxError as exc:
            raise LocflowError(f"template syntax error: {exc.message}", path=rel, line=exc.lineno) from None
        except SyntaxError as exc:  # the python method reads the file with Python's own tokenizer
            raise LocflowError(f"syntax error: {exc.msg}", path=rel, line=exc.lineno) from None
        except tokenize.TokenError as exc:  # Python before 3.12: an unclosed bracket or string at the end
            raise LocflowError(f"syntax error: {exc.args[0]}", path=rel, line=exc.args[1][0]) from None
        except UnicodeDecodeError as exc:
            raise LocflowError("template is not UTF-8", path=rel, **decode_position(exc)) from None
        except (ValueError, ImportError, AttributeError) as exc:  # an extractor babel cannot find or load
            raise LocflowError(f"babel cannot extract with `{method}`: {exc}", path=rel,
                               hint="see the catalog's `extract:` in workflow.yaml") from None
        for m in _EMPTY_MSGID.finditer(said.getvalue()):
            if warnings is not None:
                warnings.append(ExtractWarning(rel, int(m.group("line")),
                                               "empty msgid: gettext(\"\") returns the catalog header, not an "
                                               "empty string; the call is left out of the catalog"))
        for lineno, message, comments, context in items:
            singular, plural = (message[0], message[1]) if isinstance(message, tuple) else (message, None)
            if not singular:
                continue
            key = (context, singular)
            entry = found.get(key)
            if entry is None:
                entry = found[key] = Message(msgid=singular, msgid_plural=plural, msgctxt=context)
            elif plural and not entry.msgid_plural:
                entry.msgid_plural = plural
            if (rel, lineno) not in entry.locations:
                entry.locations.append((rel, lineno))
            for comment in comments:
                # pybabel writes a comment spread over lines as one line, each line break a space.
                comment = re.sub(r"\s", " ", comment)
                if comment not in entry.comments:
                    entry.comments.append(comment)
    return list(found.values())
