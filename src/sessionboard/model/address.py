"""Hosts and ports as data: where a provider says a session can be reached, checked before any
SSH config, `ProxyCommand` or command line sees it.

A provider controls a vsay session's `machine.host`. OpenSSH configs expand `%h` into commands
(`ProxyCommand ssh -W %h:%p jumphost`, a common bastion line) which are then split into words, so a
"host" such as `a:1 -oProxyCommand=touch\\ /tmp/pwned b` becomes options of the inner `ssh` and
runs a command on the operator's machine. OpenSSH itself refuses such names (`ssh` checks a host
name's characters before expanding it); so does this module, more strictly: a host is an RFC 1123
host name (ASCII letters, digits and hyphens in dot-separated labels of 1-63 characters, none at a
label's edge, 253 at most) or an IP literal (IPv4 dotted quad, IPv6 without brackets, an IPv6 zone
made of letters, digits, `.`, `_` and `-` only). A port is an integer 1-65535. Anything else is
refused, and the reason says what is wrong without repeating the provider's text.
"""

from __future__ import annotations

import ipaddress
import re

MAX_NAME = 253
MAX_LABEL = 63
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")
_ZONE = re.compile(r"[A-Za-z0-9._-]{1,32}")


class BadAddress(ValueError):
    """A host or port that is not data one may hand to SSH; `reason` is safe to show (it never
    quotes the value)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _ip_literal(host: str) -> bool:
    """An IP literal as `ipaddress` reads it (strict dotted quads, no brackets), with a tame zone."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.scope_id is not None:
        return _ZONE.fullmatch(address.scope_id) is not None
    return True


def host_problem(host: object) -> str | None:
    """What is wrong with `host` as an SSH destination, or None when it is a host name or an IP."""
    if not isinstance(host, str):
        return "the host is not text"
    if not host:
        return "the host is empty"
    if not host.isascii():
        return "the host has characters that are not ASCII (letters, digits, '-' and '.' only)"
    if _ip_literal(host):
        return None
    name = host[:-1] if host.endswith(".") else host  # a fully qualified name may end in a dot
    if len(name) > MAX_NAME:
        return f"the host name is longer than {MAX_NAME} characters"
    labels = name.split(".")
    for label in labels:
        if not label:
            return "the host name has an empty label"
        if len(label) > MAX_LABEL:
            return f"the host name has a label longer than {MAX_LABEL} characters"
        if _LABEL.fullmatch(label) is None:
            return "the host is not a host name or an IP address (letters, digits, '-' and '.' only)"
    if labels[-1].isdigit():
        return "the host is neither an IP address nor a host name (its last label is a number)"
    return None


def port_problem(port: object) -> str | None:
    """What is wrong with `port`, or None for an integer 1-65535 (a bool is not a port)."""
    if not isinstance(port, int) or isinstance(port, bool):
        return "the port is not an integer"
    if not 1 <= port <= 65535:
        return "the port is not in 1-65535"
    return None


def check_address(host: object, port: object = 22) -> None:
    """Raise `BadAddress` with the reason unless both are data SSH may be given. `port=None`
    (the SSH config decides) is allowed: the config is the operator's, not the provider's."""
    problem = host_problem(host) or (None if port is None else port_problem(port))
    if problem is not None:
        raise BadAddress(problem)
