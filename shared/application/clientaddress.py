"""Who is asking: the client's address (and scheme) as the request came, or as a trusted reverse
proxy says it came.

Behind a reverse proxy every request arrives from the proxy, so every per-address limit would
become hall-wide and every browser would look like the server's own kiosk. `X-Forwarded-For`
and `X-Forwarded-Proto` are believed only from the addresses in `trusted_proxies:`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# The server's own machine: its own kiosk and boards. Only these two addresses, so that other
# addresses of 127.0.0.0/8 (which tests bind to) stand for other devices.
OWN_ADDRESSES = (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128"))


@lru_cache(maxsize=1024)  # a hall's devices, each asked about on every request it makes
def parse_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip().removeprefix("::ffff:"))
    except ValueError:
        return None
    return address


def in_networks(text: str | None, networks: Iterable[Network]) -> bool:
    """Whether an address (text) falls in any of the networks."""
    address = parse_address(text or "")
    return address is not None and any(address in network for network in networks)


def network_of(text: str) -> str:
    """The network an address belongs to, for limits a client cannot escape by changing its
    address: its IPv4 /24 or its IPv6 /64."""
    address = parse_address(text)
    if address is None:
        return text
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def is_own_machine(text: str | None) -> bool:
    """Whether an address is the server's own machine (127.0.0.1, ::1)."""
    return in_networks(text, OWN_ADDRESSES)


class TrustedProxies:
    """The reverse proxies whose forwarding headers are believed."""

    def __init__(self, networks: Iterable[str]) -> None:
        self.networks = tuple(ipaddress.ip_network(network, strict=False) for network in networks)

    def trusts(self, address: str | None) -> bool:
        return bool(self.networks) and in_networks(address, self.networks)

    def client(self, peer: str, forwarded_for: str | None) -> str:
        """The client behind a chain of proxies: the last address not one of ours."""
        if not self.trusts(peer) or not forwarded_for:
            return peer
        for hop in reversed([part.strip() for part in forwarded_for.split(",")]):
            if parse_address(hop) is None:
                break
            if not self.trusts(hop):
                return hop
        return peer


class ForwardedFrom:
    """WSGI middleware: REMOTE_ADDR and the URL scheme as the trusted proxy forwarded them."""

    def __init__(self, app: Callable[..., Any], proxies: TrustedProxies) -> None:
        self.app = app
        self.proxies = proxies

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        peer = environ.get("REMOTE_ADDR", "")
        if self.proxies.trusts(peer):
            environ["REMOTE_ADDR"] = self.proxies.client(peer, environ.get("HTTP_X_FORWARDED_FOR"))
            scheme = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[0].strip().lower()
            if scheme in ("http", "https"):
                environ["wsgi.url_scheme"] = scheme
        return self.app(environ, start_response)
