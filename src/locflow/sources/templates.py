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
from pathlib import Path

from ..errors import LocflowError, decode_position
from .extracted import Extracted, ExtractWarning, Message

COMMENT_TAGS = ("Translators:", "TRANSLATORS:")
# babel's defaults already map pgettext/npgettext to (context, message) arguments.
# silent=false: Jinja's extractor otherwise swallows syntax errors and drops the file's strings,
# which a merge would then turn into obsolete entries.
# newstyle_gettext: the renderer's own setting, so a `{% trans %}` block's msgid is the one it looks up.
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "true", "silent": "false", "newstyle_gettext": "true"}
JINJA = "jinja2.ext:babel_extract"  # kinds.EXTRACT_METHODS's `jinja2`; babel knows the other short names
_EMPTY_MSGID = re.compile(r"^(?P<file>.*):(?P<line>\d+): warning: Empty msgid\.", re.M)


def method_for(rel: str, methods: tuple[tuple[str, str], ...]) -> str:
    """babel's extraction method for a file: the first `extract:` pattern that matches, else Jinja2."""
    from babel.util import pathmatch

    for pattern, method in methods:
        if pathmatch(pattern, rel):
            return JINJA if method == "jinja2" else method
    if methods:
        # A file the sources select but no pattern names: read as a template it would yield nothing, quietly.
        raise LocflowError("this source matches no `extract:` pattern", path=rel,
                           hint="add a pattern for it (`**` crosses folders: `app/**.py`), or `ignore` it")
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
        except (SyntaxError, tokenize.TokenError):  # the python method's tokenizer; it may only say "EOF"
            raise _python_syntax_error(path, rel) from None
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


def extract_labels(files: list[Path], root: Path, methods: tuple[tuple[str, str], ...] = ()) -> Extracted:
    """The labels kind's template: every message with pybabel's format flags."""
    warnings: list[ExtractWarning] = []
    messages = extract_templates(root, files, warnings, methods)
    for m in messages:
        m.flags = format_flags(m.msgid, m.msgid_plural)
    return Extracted(tuple(messages), tuple(warnings))


def format_flags(msgid: str, plural: str | None) -> list[str]:
    """`python-format` and `python-brace-format` exactly where pybabel writes them (babel's own rules).

    babel flags "100% independent" too (`% i` reads as a directive); the checks, MT masking and the
    renderer still treat only a label's named directives as placeholders (labelformat).
    """
    from babel.messages.catalog import Message as BabelMessage

    flags = BabelMessage((msgid, plural) if plural else msgid).flags
    return sorted(f for f in flags if f in ("python-format", "python-brace-format"))


def _python_syntax_error(path: Path, rel: str) -> LocflowError:
    """The compiler's message and line (`'(' was never closed` at the bracket), not the tokenizer's EOF."""
    try:
        compile(path.read_bytes(), rel, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return LocflowError(f"syntax error: {exc.msg}", path=rel, line=exc.lineno)
    return LocflowError("syntax error: the file ends inside a bracket or string", path=rel)
