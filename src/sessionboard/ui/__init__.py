"""The Textual console: screens, widgets, `.tcss`, bindings, the command palette."""
