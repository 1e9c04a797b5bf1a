"""The one answer to "who sent this request?": the client address behind trusted proxies.

The peer (``REMOTE_ADDR``) is the client, unless it is one of
``settings.TRUSTED_PROXIES``; then the client is the right-most address of
``X-Forwarded-For`` that is not a trusted proxy (each proxy appends the peer
it saw, so entries left of that were written by the client and prove
nothing). Forwarded headers from any other peer are ignored. The admin
lockout (django-axes), the comment flood limit (django-ratelimit) and the
stored IP hash all ask this function.
"""

import ipaddress
from functools import cache

from django.conf import settings


@cache
def _networks(proxies):
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(value):
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address):
    return address is not None and any(
        address in network for network in _networks(tuple(settings.TRUSTED_PROXIES))
    )


def client_ip(request):
    """The client's address as text; the peer's when nothing trustworthy says otherwise."""
    peer = request.META.get("REMOTE_ADDR", "")
    if not _trusted(_address(peer)):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for entry in reversed(forwarded):
        address = _address(entry)
        if address is None:
            break  # not written by a proxy of ours: what lies further left is the client's word
        if not _trusted(address):
            return str(address)
    return peer
