"""Build the data the package ships so that a cold start does no avoidable work (``python -m compliance.prebuild``).

* ``grammar/tables.py``: the norm grammar's analysed LALR tables (:mod:`compliance.grammar.build`);
* ``prebuilt_rules.json``: the bundled rule set, loaded and checked, keyed by the content of ``rules/``
  and of the engine files that load it (:func:`compliance.registry.rules_key`).

Both are checked by tests (``tests/unit/test_grammar_tables.py``, ``tests/unit/test_prebuilt_rules.py``)
and both fall back to the slow path when stale, so a stale file costs time, never a wrong answer.
``--check`` exits 1 when either is stale.
"""

from __future__ import annotations

import sys

from compliance.grammar import build
from compliance.registry import PREBUILT, _prebuilt, load_rules, write_prebuilt
from compliance.resources import bundled_rules_dir


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check``, verify) the shipped tables and rule set."""
    args = sys.argv[1:] if argv is None else argv
    directory = bundled_rules_dir()
    if "--check" in args:
        stale = build.main(["--check"]) != 0
        if _prebuilt(directory) is None:
            sys.stderr.write(f"{PREBUILT} is stale: run python -m compliance.prebuild\n")
            stale = True
        return 1 if stale else 0
    if build.main(["--check"]) != 0:
        build.main([])
    from compliance.vocabulary import load_vocabulary

    write_prebuilt(load_rules(directory, load_vocabulary()), directory)
    sys.stdout.write(f"wrote {PREBUILT}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
