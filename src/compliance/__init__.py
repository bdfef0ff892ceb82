"""compliance: check anti-trafficking legislation against international victim-protection standards.

The top-level functions are the Python API; they return the typed result models that the JSON
output is a dump of::

    import compliance

    report = compliance.check("legislation/gb-eaw.yaml", as_of="2026-11-28")
    print(report.score, report.areas["non_punishment"].status)
    for req in report.requirements:
        if req.status != "met":
            print(req.id, req.status, req.gaps)

    table = compliance.compare(["legislation/gb-eaw.yaml", "legislation/us.yaml"])
    print([(row.code, row.rank, row.score) for row in table.jurisdictions])

Importing the package is cheap: the pipeline modules load on first use.
"""

from __future__ import annotations

from compliance.version import __version__

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would slow down `compliance --help`
if TYPE_CHECKING:
    import datetime as dt
    import os
    from collections.abc import Iterable

    from compliance.model.results import Comparison, Report
    from compliance.model.rules import RuleSet

    Source = str | os.PathLike[str]


def check(source: Source, *, rules: RuleSet | str | os.PathLike[str] | None = None,
          as_of: dt.date | str | None = None, standard: str | None = None,
          waivers: str | os.PathLike[str] | None = None) -> Report:
    """Check one statute and return its report.

    Args:
        source: A statute file path, or the YAML text of a statute (a ``str`` holding a newline).
        rules: A loaded rule set, or a rule set folder (default: the bundled rules).
        as_of: Evaluate the law in force on this day (``date`` or ``YYYY-MM-DD``; default today).
        standard: A profile of the rule set (``all``, ``un``, ``coe``...; default the rule set's default).
        waivers: A waiver file; accepted findings come back with ``waiver`` set.

    Raises:
        compliance.errors.ComplianceError: (or ``ErrorList``) bad input, positioned in the file.
    """
    from compliance import api

    return api.check_source(source, rules=rules, as_of=as_of, standard=standard, waivers=waivers)


def compare(sources: Iterable[Source], *, rules: RuleSet | str | os.PathLike[str] | None = None,
            as_of: dt.date | str | None = None, standard: str | None = None) -> Comparison:
    """Check several statute files the same way and compare them (ranking and requirement matrix)."""
    from compliance import api

    return api.compare_sources(sources, rules=rules, as_of=as_of, standard=standard)


def load_rules(directory: str | os.PathLike[str] | None = None) -> RuleSet:
    """Load a rule set (default: the bundled rules), to reuse across many checks."""
    from compliance import api

    return api.load_rules(directory)


__all__ = ["__version__", "check", "compare", "load_rules"]
