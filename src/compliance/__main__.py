"""``python -m compliance`` runs the command-line interface."""

from compliance.entry import main

if __name__ == "__main__":
    main()
