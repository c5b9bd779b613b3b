"""The command palette's entries: every console action by name, running the same code as its key."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from sessionboard.ui.keys import ACTION_SPECS, ENDPOINT_SPECS, key_label


class SessionCommands(Provider):
    def _entries(self) -> list[tuple[str, str, str]]:
        from sessionboard.ui.screens.main import MainScreen

        if not isinstance(self.screen, MainScreen):
            return []
        keys = getattr(self.app, "keys", {})
        entries = []
        for spec in ACTION_SPECS:
            key = key_label(keys.get(spec.id, ""))
            help_text = f"{spec.help} · key {key}" if key else spec.help
            entries.append((spec.label, escape(help_text), spec.method))
        for spec in ENDPOINT_SPECS:
            help_text = f"{spec.help} · key {key_label(spec.key)}" if spec.key else spec.help
            entries.append((spec.label, escape(help_text), spec.method))
        table = self.screen.table
        for column in table.optional_columns:  # the ones `C` chooses from, each its own entry
            verb = "hide" if column.key in table.chosen_columns else "show"
            entries.append((f"Column: {verb} {column.label}", escape(column.help), f"toggle_column({column.key!r})"))
        return entries

    async def discover(self) -> Hits:
        for title, help_text, method in self._entries():
            yield DiscoveryHit(title, partial(self.screen.run_action, method), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, method in self._entries():
            score = max(matcher.match(title), matcher.match(help_text) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self.screen.run_action, method), help=help_text)
