"""`locflow plurals`: find catalogs whose Plural-Forms differ from the project's rule, and convert them.

A conversion moves each translated form to the index the project's rule gives the same numbers.
When the two rules split the numbers differently (babel 2.19's CLDR Latvian puts 10-20 with 0,
gettext's with 2-9), a form can inherit from two old forms; if their texts differ, the entry is
marked fuzzy for a translator instead of silently picking one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .catalog import read_po, write_if_changed
from .errors import LocflowError
from .plurals import PluralRule, form_map, parse_rule, project_rule, reorder

if TYPE_CHECKING:
    from .project import Project


@dataclass(frozen=True)
class RuleStatus:
    catalog: str
    language: str
    path: str
    declared: str | None  # the catalog's Plural-Forms value
    project: str  # the project's rule for the language
    matches: bool

    def to_json(self) -> dict:
        return {"catalog": self.catalog, "language": self.language, "path": self.path,
                "declared": self.declared, "project": self.project, "matches": self.matches}


@dataclass(frozen=True)
class Conversion:
    catalog: str
    language: str
    path: str
    old: str
    new: str
    reordered: int  # plural entries whose forms moved, exactly
    needs_review: tuple[str, ...]  # msgids marked fuzzy: two old forms with different texts merged
    written: bool

    def to_json(self) -> dict:
        return {"catalog": self.catalog, "language": self.language, "path": self.path, "old": self.old,
                "new": self.new, "reordered": self.reordered, "needs_review": list(self.needs_review),
                "written": self.written}


def _declared_rule(header: str | None) -> PluralRule | None:
    try:
        return parse_rule(header) if header else None
    except LocflowError:
        return None


def rule_status(project: "Project", languages: list[str] | None = None,
                catalogs: list[str] | None = None) -> list[RuleStatus]:
    """Every catalog's Plural-Forms against the project's rule (compared over n = 0..1000)."""
    result = []
    for cat in project.catalog_files(languages, catalogs):
        po = read_po(cat.path, display=project.display(cat.path), layout=False)
        declared = po.metadata.get("Plural-Forms")
        expected = project_rule(cat.language)
        rule = _declared_rule(declared)
        result.append(RuleStatus(cat.name, cat.language, project.display(cat.path), declared, expected.header,
                                 rule is not None and rule.mapping() == expected.mapping()))
    return result


def convert(project: "Project", languages: list[str] | None = None, catalogs: list[str] | None = None,
            *, dry_run: bool = False, waiting=None) -> list[Conversion]:
    """Rewrite catalogs whose rule differs from the project's; others are left byte for byte."""
    from .splice import render_edited
    from .states import approval, approval_valid, mark_approved

    done = []
    with project.lock(waiting):
        for cat in project.catalog_files(languages, catalogs):
            shown = project.display(cat.path)
            po = read_po(cat.path, display=shown)
            declared = po.metadata.get("Plural-Forms")
            expected = project_rule(cat.language)
            old = _declared_rule(declared)
            if old is not None and old.mapping() == expected.mapping():
                continue
            if old is None:
                raise LocflowError(f"Plural-Forms `{declared or ''}` cannot be read, so its forms cannot be "
                                   "mapped to the project's rule", path=shown, line=1,
                                   hint="fix the header by hand (what did the translator mean?), then rerun")
            mapping = form_map(old, expected)
            reordered, needs_review = 0, []
            for entry in po:
                if not entry.msgid_plural:
                    continue
                forms = [entry.msgstr_plural.get(i, entry.msgstr_plural.get(str(i), ""))
                         for i in range(old.nplurals)]
                if not any(forms):
                    entry.msgstr_plural = {i: "" for i in range(expected.nplurals)}
                    continue
                signed = approval(entry)
                valid = signed is not None and approval_valid(entry)
                new_forms, exact = reorder(forms, mapping)
                entry.msgstr_plural = dict(enumerate(new_forms))
                if exact:
                    reordered += 1
                    if valid:
                        # The same text still shows for every number: the reviewer's decision stands.
                        mark_approved(entry, signed.reviewer, signed.date)
                elif not entry.obsolete:
                    if "fuzzy" not in entry.flags:
                        entry.flags.insert(0, "fuzzy")
                    needs_review.append(entry.msgid)
            po.metadata["Plural-Forms"] = expected.header
            written = False if dry_run else write_if_changed(cat.path, render_edited(po))
            done.append(Conversion(cat.name, cat.language, shown, declared or "", expected.header, reordered,
                                   tuple(needs_review), written))
    return done
