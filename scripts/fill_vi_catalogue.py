"""Vietnamese is the source language: its catalogue maps every msgid to itself.

`msgen` fills singular entries; this fills the plural ones (Vietnamese has one plural form),
so that the catalogue is complete and `msgattrib --untranslated` reports nothing.
"""

import re
import sys
from pathlib import Path

PLURAL = re.compile(r'(msgid (".*"(?:\n".*")*)\nmsgid_plural .*(?:\n".*")*\n)msgstr\[0\] ""\n')


def fill(text: str) -> str:
    return PLURAL.sub(lambda m: f"{m.group(1)}msgstr[0] {m.group(2)}\n", text)


if __name__ == "__main__":
    path = Path(sys.argv[1])
    path.write_text(fill(path.read_text(encoding="utf-8")), encoding="utf-8")
