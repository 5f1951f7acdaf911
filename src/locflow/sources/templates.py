"""UI labels from Jinja2 templates, through babel's extraction and Jinja2's extractor."""
from __future__ import annotations

import io
import re
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


def extract_templates(root: Path, files: list[Path], warnings: list[ExtractWarning] | None = None) -> list[Message]:
    """Messages in first-seen order (files in the given order, then line), duplicates merged.

    babel writes its "Empty msgid" warning straight to stderr; it is caught and handed back in
    `warnings` with the template's file:line instead.
    """
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
    from jinja2 import TemplateSyntaxError

    found: dict[tuple[str | None, str], Message] = {}
    for path in files:
        rel = path.relative_to(root).as_posix()
        said = io.StringIO()
        try:
            with redirect_stderr(said):
                items = list(extract_from_file("jinja2.ext:babel_extract", str(path), keywords=DEFAULT_KEYWORDS,
                                               comment_tags=COMMENT_TAGS, options=JINJA_OPTIONS,
                                               strip_comment_tags=True))
        except TemplateSyntaxError as exc:
            raise LocflowError(f"template syntax error: {exc.message}", path=rel, line=exc.lineno) from None
        except UnicodeDecodeError as exc:
            raise LocflowError("template is not UTF-8", path=rel, **decode_position(exc)) from None
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
