"""Build and check the Vietnamese catalogue of the Wagtail and Django admin strings (lms/locale_admin).

Wagtail's own Vietnamese catalogue translates about one admin string in seven, so trainers met "Save draft"
beside Vietnamese labels. This catalogue holds a reviewed translation of every msgid of the upstream catalogues
listed in SOURCES (read from the installed packages, so an upgrade shows what is new). It lives in its own
LOCALE_PATHS directory so that `make makemessages`, which rebuilds lms/locale/vi, never touches it.

    python lms/locale_admin/build_catalogue.py missing     # msgids of the installed packages not yet translated
    python lms/locale_admin/build_catalogue.py merge FILE  # add "N<TAB>translation" lines (numbers from `missing`)
    python lms/locale_admin/build_catalogue.py check       # placeholders and completeness (also a test)

Then `msgfmt --check` and `compilemessages` as for every catalogue.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CATALOGUE = HERE / "vi" / "LC_MESSAGES" / "django.po"

# The upstream catalogues whose strings a trainer or a manager can meet: the Wagtail apps in INSTALLED_APPS and
# the Django apps whose forms, validators and widgets the admin uses.
SOURCES = [
    ("wagtail", "admin"), ("wagtail", ""), ("wagtail", "users"), ("wagtail", "images"),
    ("wagtail", "documents"), ("wagtail", "snippets"), ("wagtail", "search"), ("wagtail", "sites"),
    ("wagtail", "embeds"), ("wagtail", "contrib/settings"), ("wagtail", "contrib/forms"),
    ("wagtail", "contrib/redirects"),
    ("django", "contrib/admin"), ("django", "contrib/auth"), ("django", "contrib/contenttypes"),
    ("django", "conf"),
    # Widgets and filters of the admin's forms and listings: tags, listing filters.
    ("taggit", ""), ("django_filters", ""),
]

HEADER = '''# Vietnamese translation of the Wagtail and Django admin strings, overriding the upstream catalogues.
# Built with lms/locale_admin/build_catalogue.py from the installed packages' msgids.
msgid ""
msgstr ""
"Project-Id-Version: lms-admin-vi\\n"
"PO-Revision-Date: 2026-11-30 18:00+0700\\n"
"Last-Translator: LMS team\\n"
"Language-Team: Vietnamese\\n"
"Language: vi\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
'''

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|%[sdif]|\{\w*\}")


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    origins: set[str] = field(default_factory=set)

    @property
    def key(self):
        return (self.msgctxt, self.msgid)

    @property
    def translation(self):
        return self.msgstrs[0] if self.msgstrs else ""


def site_packages() -> Path:
    import django

    return Path(django.__file__).resolve().parent.parent


def upstream_dir(package: str, app: str) -> Path:
    return site_packages() / package / app / "locale"


def unquote(line: str) -> str:
    return ast.literal_eval(line)


def parse(path: Path) -> list[Entry]:
    """A small .po reader: enough for gettext's own output (no obsolete entries)."""
    entries, current, flags, target = [], None, set(), None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current is not None:
                entries.append(current)
            current, flags, target = None, set(), None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):
            value = unquote(line)
            if target == "msgstr":
                current.msgstrs[-1] += value
            else:
                setattr(current, target, getattr(current, target) + value)
            continue
        if current is None:
            current = Entry(msgid="", flags=flags)
        value = unquote(rest)
        if keyword.startswith("msgstr"):
            current.msgstrs.append(value)
            target = "msgstr"
        else:
            setattr(current, keyword, value)
            target = keyword
    return [entry for entry in entries if entry.msgid]


def upstream_entries() -> dict:
    """Every msgid of SOURCES (from the English catalogue, which lists them all, or the German one for packages
    without an English catalogue), with Vietnamese if any."""
    merged = {}
    for package, app in SOURCES:
        base = upstream_dir(package, app)
        vietnamese = base / "vi" / "LC_MESSAGES" / "django.po"
        known = {e.key: e for e in parse(vietnamese)} if vietnamese.exists() else {}
        template = next(base / language / "LC_MESSAGES" / "django.po" for language in ("en", "de")
                        if (base / language / "LC_MESSAGES" / "django.po").exists())
        for entry in parse(template):
            entry.msgstrs = list(known[entry.key].msgstrs) if entry.key in known else []
            entry.origins = {f"{package}/{app}".rstrip("/")}
            if entry.key in merged:
                merged[entry.key].origins |= entry.origins
                merged[entry.key].flags |= entry.flags
                if not merged[entry.key].translation:
                    merged[entry.key].msgstrs = entry.msgstrs
            else:
                merged[entry.key] = entry
    return merged


def quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    if "\n" not in escaped[:-1]:
        return '"' + escaped.replace("\n", "\\n") + '"'
    parts = escaped.split("\n")
    lines = [part + "\\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    return '""\n' + "\n".join(f'"{part}"' for part in lines)


def render(entries) -> str:
    chunks = [HEADER]
    for entry in sorted(entries, key=lambda e: (e.msgctxt or "", e.msgid)):
        lines = [f"#. {', '.join(sorted(entry.origins))}"] if entry.origins else []
        formats = sorted(flag for flag in entry.flags if flag.endswith("-format"))
        if formats:
            lines.append("#, " + ", ".join(formats))
        if entry.msgctxt is not None:
            lines.append(f"msgctxt {quote(entry.msgctxt)}")
        lines.append(f"msgid {quote(entry.msgid)}")
        if entry.msgid_plural is not None:
            lines.append(f"msgid_plural {quote(entry.msgid_plural)}")
            lines.append(f"msgstr[0] {quote(entry.translation)}")
        else:
            lines.append(f"msgstr {quote(entry.translation)}")
        chunks.append("\n".join(lines) + "\n")
    return "\n".join(chunks)


def current() -> dict:
    return {e.key: e for e in parse(CATALOGUE)} if CATALOGUE.exists() else {}


def worklist():
    """Upstream entries in a stable order, each with this catalogue's translation (or upstream's)."""
    ours = current()
    order = {f"{package}/{app}".rstrip("/"): rank for rank, (package, app) in enumerate(SOURCES)}
    entries = sorted(upstream_entries().values(),
                     key=lambda e: (min(order[o] for o in e.origins), e.msgctxt or "", e.msgid))
    for entry in entries:
        if entry.key in ours and ours[entry.key].translation:
            entry.msgstrs = ours[entry.key].msgstrs
            entry.flags.add("ours")
    return entries


def placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text))


def problems(entries) -> list[str]:
    found = []
    for entry in entries:
        if not entry.translation:
            found.append(f"untranslated: {entry.msgid!r}")
            continue
        wanted = set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural or ""))
        if entry.msgid_plural is None and set(placeholders(entry.translation)) != wanted:
            found.append(f"placeholders differ: {entry.msgid!r} -> {entry.translation!r}")
        elif not set(placeholders(entry.translation)) <= wanted:
            found.append(f"unknown placeholder: {entry.msgid!r} -> {entry.translation!r}")
    return found


def main(argv):
    command = argv[1] if len(argv) > 1 else "missing"
    entries = worklist()
    if command == "missing":
        for number, entry in enumerate(entries):
            if "ours" not in entry.flags:
                shown = entry.msgid + (f" ||| {entry.msgid_plural}" if entry.msgid_plural else "")
                upstream = f"   [upstream: {entry.translation}]" if entry.translation else ""
                sys.stdout.write(f"{number}\t{shown!r}{upstream}\n")
    elif command == "merge":
        for line in Path(argv[2]).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            number, _, text = line.partition("\t")
            entries[int(number)].msgstrs = [ast.literal_eval(text) if text.startswith(("'", '"')) else text]
            entries[int(number)].flags.add("ours")
        CATALOGUE.parent.mkdir(parents=True, exist_ok=True)
        CATALOGUE.write_text(render([e for e in entries if "ours" in e.flags]), encoding="utf-8")
    elif command == "accept":
        # Keep upstream's Vietnamese for the given numbers (reviewed as correct).
        for number in argv[2:]:
            entries[int(number)].flags.add("ours")
        CATALOGUE.write_text(render([e for e in entries if "ours" in e.flags]), encoding="utf-8")
    elif command == "check":
        found = problems(current().values())
        missing = [e.msgid for e in entries if "ours" not in e.flags]
        sys.stdout.write("\n".join(found[:50]) + "\n")
        summary = f"{len(current())} entries, {len(missing)} upstream msgids not yet here, {len(found)} problems"
        sys.stdout.write(summary + "\n")
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
