"""`python -m allo_tui` runs the `allo` command."""

from allo_tui.cli import main

if __name__ == "__main__":
    main()
