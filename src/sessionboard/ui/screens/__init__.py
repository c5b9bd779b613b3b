"""The console's screens: the main board and the dialogs it opens."""
