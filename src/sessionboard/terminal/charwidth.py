"""Display width of one character in cells, cached.

`wcwidth` answers per code point and is slow-ish; a terminal sees the same few hundred non-ASCII
characters over and over, so the answers are memoised in a dict.
"""

from __future__ import annotations

from wcwidth import wcwidth

_cache: dict[str, int] = {}


def char_width(ch: str) -> int:
    """0 for combining marks and other zero-width characters, 2 for wide (CJK, emoji), else 1.

    Control and unassigned characters count as 1, so nothing is ever silently swallowed.
    """
    w = _cache.get(ch)
    if w is None:
        if not ch:
            return 0
        if ch.isascii():
            w = 1
        else:
            w = wcwidth(ch)
            if w < 0:
                w = 1
        _cache[ch] = w
    return w
