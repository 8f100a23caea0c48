"""Qt widgets, item models and dialogs of the desktop app; only app.py imports this package."""
