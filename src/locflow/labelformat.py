"""The one rule for what is a placeholder in a UI label, shared by the site renderer and `check`.

Labels are Jinja2 newstyle gettext strings: a call passes keyword variables only, so a
placeholder is a named directive (`%(author)s`, `%(num)d`) and `%%` is a percent sign.
Jinja2 itself formats every string with `%`, which turns a plain "100% independent" into a
TypeError; here any other `%` is text, and only the named directives are formatted.
"""
from __future__ import annotations

import re

DIRECTIVE = re.compile(r"%%|%\((\w+)\)([-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa])")


class LabelFormatError(Exception):
    """A label the variables of its call cannot fill (a missing name, a name fed to `%d`)."""


def placeholders(text: str) -> list[str]:
    """The named directives of a label, in order (`%%` is no placeholder)."""
    return [m.group() for m in DIRECTIVE.finditer(text) if m.group(1)]


def format_label(text: str, variables: dict, escape=None) -> str:
    """`text` with its named directives filled from `variables`; `escape` is applied to each value.

    Raises LabelFormatError when a directive names a variable the call does not pass or the value
    does not fit its conversion.
    """
    out: list[str] = []
    pos = 0
    for m in DIRECTIVE.finditer(text):
        out.append(text[pos:m.start()])
        pos = m.end()
        name = m.group(1)
        if name is None:
            out.append("%")
            continue
        if name not in variables:
            raise LabelFormatError(f"`{m.group()}` names no variable of the call "
                                   f"(it passes {', '.join(sorted(variables)) or 'none'})")
        value = variables[name]
        try:
            formatted = ("%" + m.group(2)) % (value,)
        except (TypeError, ValueError) as exc:
            raise LabelFormatError(f"`{m.group()}` cannot show {value!r}: {exc}") from None
        out.append(escape(formatted) if escape is not None and not hasattr(value, "__html__") else formatted)
    out.append(text[pos:])
    return "".join(out)
