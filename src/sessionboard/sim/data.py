"""Believable demo data from a seeded `random.Random`, so the same seed always paints the same
screen (snapshot tests) while the demo still looks like a real team's day."""

from __future__ import annotations

import random
import string
import uuid as _uuid

MACHINES = (
    "Production Server",
    "Staging API",
    "Build Runner",
    "Database Primary",
    "Database Replica",
    "Edge Proxy",
    "Metrics Collector",
    "Bastion",
    "CI Worker",
    "Mail Relay",
    "Cache Node",
    "Analytics Box",
)
HOST_PREFIXES = ("build", "web", "db", "api", "edge", "worker", "cache", "gpu", "log", "ci")
FIRST_NAMES = (
    "John", "Maria", "Aisha", "Kenji", "Lena", "Omar", "Priya", "Tomás", "Sofia", "Liam",
    "Chen", "Fatima", "Noah", "Elif", "Jonas", "Amara", "Diego", "Hana", "Victor", "Zoe",
)
LAST_NAMES = (
    "Doe", "García", "Okafor", "Tanaka", "Novak", "Haddad", "Raman", "Silva", "Rossi", "Murphy",
    "Wei", "Khan", "Becker", "Yilmaz", "Larsen", "Mensah", "Ortega", "Kim", "Dubois", "Evans",
)
DEVICE_MODELS = (
    ("ios", "phone", "iPhone 15 Pro", ("17.4", "17.5.1", "18.0", "18.1")),
    ("ios", "tablet", "iPad Air", ("17.5", "18.0.1")),
    ("android", "phone", "Pixel 8", ("14", "15")),
    ("android", "phone", "Galaxy S24", ("14", "15")),
    ("android", "tablet", "Galaxy Tab S9", ("14",)),
    ("android", "phone", "OnePlus 12", ("14",)),
    ("web", "browser", "Chrome on macOS", ("124", "126", "128")),
    ("web", "browser", "Firefox on Linux", ("126", "128")),
)
EVENTS = ("heat", "10K final", "5K open", "relay leg", "half marathon", "sprint qualifier", "trail 21K", "kids race")
TRIGGERS = ("manual", "schedule", "webhook", "chat")
USER_AGENTS = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "vsay-cli/2.3.1 (linux; amd64)",
    "OpenSSH_9.6p1 via vsay-gateway/1.8",
)
COMMANDS: tuple[tuple[str, str], ...] = (
    ("ls -la", "total 42\ndrwxr-xr-x 5 ops ops 4096 Jan 15 12:00 .\ndrwxr-xr-x 3 root root 4096 Jan  2 09:13 ..\n-rw-r--r-- 1 ops ops  220 Jan  2 09:13 .bash_logout"),
    ("uptime", " 12:04:11 up 41 days,  3:12,  2 users,  load average: 0.42, 0.37, 0.31"),
    ("df -h /", "Filesystem      Size  Used Avail Use% Mounted on\n/dev/nvme0n1p2  234G  121G  102G  55% /"),
    ("free -m", "               total        used        free      shared  buff/cache   available\nMem:           15893        6120        1874         412        7898        9032"),
    ("systemctl status nginx --no-pager | head -3", "● nginx.service - A high performance web server\n     Loaded: loaded (/lib/systemd/system/nginx.service; enabled)\n     Active: active (running) since Mon 2026-01-12 08:01:55 UTC"),
    ("tail -n 2 /var/log/syslog", "Jan 15 12:03:58 host CRON[31822]: (root) CMD (run-parts /etc/cron.hourly)\nJan 15 12:04:02 host systemd[1]: Started Daily apt upgrade."),
    ("git pull --ff-only", "Already up to date."),
    ("docker ps --format '{{.Names}}'", "api\nworker\nredis"),
    ("whoami", "ops"),
    ("journalctl -u app -n 1 --no-pager", "Jan 15 12:04:09 host app[2211]: GET /healthz 200 1.2ms"),
    ("cat /etc/os-release | head -1", 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"'),
    ("ping -c 1 10.0.0.1", "64 bytes from 10.0.0.1: icmp_seq=1 ttl=64 time=0.311 ms"),
)


def uuid4(rng: random.Random) -> str:
    """A version-4 UUID drawn from `rng` (uuid.uuid4 would ignore the seed)."""
    return str(_uuid.UUID(int=rng.getrandbits(128), version=4))


def hex_token(rng: random.Random, length: int = 32) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(length))


def word_token(rng: random.Random, length: int = 12) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(rng.choice(alphabet) for _ in range(length))


def short_id(rng: random.Random, prefix: str, digits: int = 6) -> str:
    return f"{prefix}_{rng.randrange(10 ** (digits - 1), 10**digits)}"


def person(rng: random.Random) -> tuple[str, str]:
    """(full name, e-mail)."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    email_local = f"{first}.{last}".lower().replace("á", "a").replace("í", "i").replace("ç", "c")
    return f"{first} {last}", f"{email_local}@example.com"


def machine_names(rng: random.Random, count: int) -> list[str]:
    """Distinct names: the well-known ones first, then host-style names such as `build-07`."""
    names = list(MACHINES)
    rng.shuffle(names)
    seen = set(names)
    while len(names) < count:
        name = f"{rng.choice(HOST_PREFIXES)}-{rng.randrange(1, 100):02d}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names[:count]


def device(rng: random.Random, owner_first_name: str) -> dict[str, str]:
    """A device object as the devices API shows it (without its id)."""
    platform, kind, model, versions = rng.choice(DEVICE_MODELS)
    return {
        "platform": platform,
        "type": kind,
        "name": f"{owner_first_name}'s {model}" if kind != "browser" else model,
        "osVersion": rng.choice(versions),
    }


def alias(rng: random.Random) -> str:
    """A timing session's alias: "heat 3", "10K final", "relay leg 2"..."""
    event = rng.choice(EVENTS)
    if event in ("heat", "relay leg", "sprint qualifier") or rng.random() < 0.3:
        return f"{event} {rng.randrange(1, 9)}"
    return event


def ip_address(rng: random.Random) -> str:
    return f"192.168.{rng.randrange(0, 8)}.{rng.randrange(2, 250)}"


def trigger(rng: random.Random) -> str:
    return rng.choice(TRIGGERS)


def user_agent(rng: random.Random) -> str:
    return rng.choice(USER_AGENTS)
