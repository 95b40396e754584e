"""Vietnamese phone numbers: one canonical form so "0912 345 678" and "+84912345678" match."""

import re

_SEPARATORS = re.compile(r"[\s.\-()]")
_VALID = re.compile(r"^0\d{9,10}$")


def normalize_phone(raw: str) -> str:
    value = _SEPARATORS.sub("", raw or "")
    if value.startswith("+84"):
        value = "0" + value[3:]
    elif value.startswith("84") and len(value) == 11:
        value = "0" + value[2:]
    return value


def is_valid_phone(value: str) -> bool:
    return bool(_VALID.match(value))
