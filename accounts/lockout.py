"""What django-axes counts failed sign-ins against: the person, and where they sign in from.

Sign-in accepts a username in any case and a phone in any spelling (backends.find_account),
so axes must count the account an identifier resolves to, not the text typed: otherwise
`GiangVien` and `+84 912 345 678` would each get their own five guesses.
"""

import ipaddress
import logging

from django.conf import settings

from .backends import find_account
from .phone import is_valid_phone, normalize_phone

log = logging.getLogger(__name__)

_CACHE_ATTR = "_lockout_identities"


def canonical_identity(identifier: str) -> str:
    """`user:<pk>` for an account; otherwise the identifier's canonical spelling."""
    identifier = (identifier or "").strip()
    user = find_account(identifier) if identifier else None
    if user is not None:
        return f"user:{user.pk}"
    phone = normalize_phone(identifier)
    if is_valid_phone(phone):
        return f"phone:{phone}"
    return f"name:{identifier.lower()}"


def lockout_username(request, credentials: dict | None) -> str:
    """AXES_USERNAME_CALLABLE: the normalised identity (cached per request: axes asks several times)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        identifier = credentials.get(field) or ""
    else:
        identifier = getattr(request, "POST", {}).get(field, "") if request is not None else ""
    cache = request.__dict__.setdefault(_CACHE_ATTR, {}) if request is not None else {}
    if identifier not in cache:
        cache[identifier] = canonical_identity(identifier)
    return cache[identifier]


def client_ip(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address of the client, not of our own reverse proxy.

    With TRUSTED_PROXY_COUNT = N > 0, each of our N proxies appended the address it saw to
    X-Forwarded-For, so the client is the Nth entry from the right; anything further left was
    written by the client and is ignored. With N = 0 the header is ignored altogether (a
    client could forge it). A request that carries fewer entries than N did not come through
    the proxies, so its own address is the one to count.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        log.warning("X-Forwarded-For entry %r is not an address; counting the proxy's address", candidate)
        return remote
