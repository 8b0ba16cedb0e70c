"""allo-tui: a keyboard-first terminal console for a town hall's citizen line."""

__version__ = "0.1.0"
