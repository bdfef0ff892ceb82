"""``python -m compliance`` runs the command-line interface."""

from compliance.cli import main

if __name__ == "__main__":
    main()
