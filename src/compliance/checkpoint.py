"""Known points of a run, where tests can interrupt it deterministically.

With ``COMPLIANCE_CHECKPOINT_FD`` set to the number of an open file descriptor (a pipe the test
holds), each :func:`reached` writes ``checkpoint NAME`` on stderr and waits for one byte on that
descriptor: the test then either lets the run go on or sends it a signal *while it waits there*,
so an interrupt lands at exactly that point, whatever the machine's load. Without the variable
(every real run) :func:`reached` does nothing. Imports only ``os``.
"""

from __future__ import annotations

import os

_FD = os.environ.get("COMPLIANCE_CHECKPOINT_FD")


def reached(name: str) -> None:
    """Mark a known point of the run (a no-op unless a test asked for checkpoints)."""
    if _FD is None:
        return
    os.write(2, f"checkpoint {name}\n".encode())
    os.read(int(_FD), 1)
