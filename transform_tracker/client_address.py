"""The client's address as the service should trust it, for sign-in throttling.

Behind the TLS proxy every request's REMOTE_ADDR is the proxy's, so throttling by it
would lock a user out for everyone. Each trusted proxy appends the address it received
the request from to X-Forwarded-For; anything to the left of those entries was written
by the client and can be forged. With N trusted proxies the client is therefore the
Nth entry from the right (N-1 proxies' entries, then the one the first proxy wrote).
"""

import ipaddress

from django.conf import settings


def _valid(address):
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request):
    """The address of the client that sent `request`: REMOTE_ADDR with no trusted
    proxies (DJANGO_TRUSTED_PROXY_COUNT=0), else the Nth X-Forwarded-For entry from
    the right. A header too short or not an address falls back to REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count == 0:
        return _valid(remote)
    forwarded = [
        entry
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < count:
        return _valid(remote)
    return _valid(forwarded[-count]) or _valid(remote)
