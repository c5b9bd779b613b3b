"""What a provider can do, declared as data (as Libcloud's `features`): the UI, the CLI and the
README's capability table all read these declarations, so they cannot drift from the adapters."""

from __future__ import annotations

from enum import StrEnum


class Capability(StrEnum):
    LIST = "list"
    GET = "get"
    CREATE = "create"
    CLOSE = "close"
    EXTEND = "extend"
    HEARTBEAT = "heartbeat"
    ATTACH = "attach"
    LOGS = "logs"
    STATS = "stats"
    CLOSE_BY_TASK = "close_by_task"
    CLEANUP = "cleanup"
    LINK_PROVIDER_SESSION = "link_provider_session"
    DEVICE_ACTIVE = "device_active"
    ORGANIZATIONS = "organizations"
    OLDER_PAGES = "older_pages"
    VNC = "vnc"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Capability.LIST: "list sessions",
    Capability.GET: "get one session",
    Capability.CREATE: "create",
    Capability.CLOSE: "close / terminate",
    Capability.EXTEND: "extend a lease",
    Capability.HEARTBEAT: "send a heartbeat",
    Capability.ATTACH: "attach a terminal",
    Capability.LOGS: "show session logs",
    Capability.STATS: "show statistics",
    Capability.CLOSE_BY_TASK: "close by task",
    Capability.CLEANUP: "clean up stale sessions",
    Capability.LINK_PROVIDER_SESSION: "link a provider session",
    Capability.DEVICE_ACTIVE: "show the active session per device",
    Capability.ORGANIZATIONS: "switch organization",
    Capability.OLDER_PAGES: "load older pages",
    Capability.VNC: "show VNC details",
}
