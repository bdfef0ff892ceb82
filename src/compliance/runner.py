"""Check many statute files fast: a persistent result cache, and a process pool when it pays.

* Each file's report is cached under a key that hashes the file's bytes, the name it is reported
  under, the date, the standard, the rule set and the engine itself (:mod:`compliance.cache`). A
  cached report is exactly what checking would produce; a damaged entry is a miss.
* Files that miss are checked in worker processes when there are several of them and enough work
  (see :func:`plan_jobs`); results come back in input order, so output never depends on timing.
* Input errors are never cached: a broken file is re-read (and reported) every time.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from compliance import cache as store
from compliance.errors import ComplianceError, ErrorList
from compliance.limits import current as current_limits
from compliance.limits import set_limits
from compliance.model.results import Report
from compliance.model.rules import RuleSet
from compliance.span import Span

if TYPE_CHECKING:
    from concurrent.futures import Future

#: Below this much work (bytes of statute text to check), one process is faster than a pool.
POOL_MIN_BYTES = 2_000_000
POOL_MIN_FILES = 4

Checker = Callable[[Path, str | None, bytes], Report]


@dataclass(frozen=True)
class Job:
    """One file to check (its bytes are not kept: files are read again where they are checked)."""

    index: int
    path: Path
    name: str | None
    size: int
    key: str | None  # None when the file could not be read here (the checker reports why)


@cache
def _rules_digest(rules_json: str) -> str:
    return store.digest(rules_json)


def run_key(rules: RuleSet, as_of: dt.date, standard: str) -> str:
    """What every report of one run depends on besides its file: engine, rules, limits, date, standard."""
    limits = current_limits()
    return store.digest(store.engine_fingerprint(), _rules_digest(rules.model_dump_json()), as_of.isoformat(),
                        standard, repr(limits))


def read(path: Path) -> bytes | None:
    """The file's bytes, or None if it is too large or unreadable (the loader then says why)."""
    try:
        if path.stat().st_size > current_limits().file_bytes:
            return None
        return path.read_bytes()
    except OSError:
        return None


def plan_jobs(misses: Sequence[Job], requested: int | None) -> int:
    """How many worker processes to use for the files that missed the cache (1: none; never more than files)."""
    if requested is not None:
        return max(1, min(requested, len(misses)))
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    work = sum(job.size for job in misses)
    if cpus < 2 or len(misses) < POOL_MIN_FILES or work < POOL_MIN_BYTES:
        return 1
    return min(cpus, len(misses))


def run(paths: Sequence[Path], names: dict[Path, str], key: str, check_one: Checker,
        progress: Callable[[Path], None] | None = None, jobs: int | None = None,
        worker_setup: tuple[RuleSet, dt.date, str] | None = None,
        keep: Callable[[Report], Report] | None = None,
        sink: Callable[[int, Report], None] | None = None) -> list[Report]:
    """Check every file (cache first, then the checker, in a pool if it pays); reports in input order.

    ``keep`` is applied to each report as soon as it is ready (e.g. :meth:`Report.slim`), so that a
    run over many files holds only what its output needs. With ``sink``, each report goes to
    ``sink(position, report)`` as it is ready and none is kept (the result is empty).

    Raises:
        ErrorList: Every input error of every file, after trying them all.
    """
    with _batch_gc():
        return _run(paths, names, key, check_one, progress, jobs, worker_setup, keep, sink)


@contextmanager
def _batch_gc() -> Iterator[None]:
    """Collect garbage less often while checking.

    A statute allocates many objects that all live until it is scored; collecting them early is
    wasted work (about a fifth of the time).
    """
    before = gc.get_threshold()
    gc.freeze()  # the rules, vocabulary and parser: never garbage, never scanned again
    gc.set_threshold(100_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _run(paths: Sequence[Path], names: dict[Path, str], key: str, check_one: Checker,
         progress: Callable[[Path], None] | None, jobs: int | None,
         worker_setup: tuple[RuleSet, dt.date, str] | None, keep: Callable[[Report], Report] | None,
         sink: Callable[[int, Report], None] | None) -> list[Report]:
    reports: dict[int, Report] = {}
    misses: list[Job] = []
    errors: list[ComplianceError] = []
    # When even all the files together would not pay for a pool, check each miss at once, from the
    # bytes already read and hashed; otherwise collect the misses and let workers read them.
    sizes = [_size(p) for p in paths]
    caching = store.cache_dir() is not None  # without a cache, nothing is hashed
    inline = worker_setup is None or plan_jobs(
        [Job(i, p, None, size, None) for i, (p, size) in enumerate(zip(paths, sizes, strict=True))], jobs) == 1
    for index, path in enumerate(paths):
        name = names.get(path)
        raw = read(path)
        entry_key = store.digest(key, name or str(path), raw) if raw is not None and caching else None
        cached = _load(entry_key)
        if cached is not None:
            if progress is not None:
                progress(path)
            _take(reports, index, cached, keep, sink)
            continue
        job = Job(index, path, name, len(raw or b""), entry_key)
        if inline:
            report, problems = _outcome(job, raw, check_one, progress)
            if report is not None:
                _take(reports, index, report, keep, sink)
            errors += problems
            continue
        misses.append(job)
        del raw
    workers = plan_jobs(misses, jobs)
    outcomes: Iterable[tuple[Report | None, list[ComplianceError]]]
    if workers > 1 and worker_setup is not None:
        outcomes = _in_pool(misses, workers, worker_setup, key, progress)
    else:
        outcomes = (_outcome(job, read(job.path), check_one, progress, key) for job in misses)
    for job, (report, problems) in zip(misses, outcomes, strict=True):
        if report is not None:
            _take(reports, job.index, report, keep, sink)
        errors += problems
    if errors:
        raise ErrorList(errors)
    return [] if sink is not None else [reports[i] for i in range(len(paths))]


def _take(reports: dict[int, Report], index: int, report: Report, keep: Callable[[Report], Report] | None,
          sink: Callable[[int, Report], None] | None) -> None:
    if sink is not None:
        sink(index, report)
    else:
        reports[index] = keep(report) if keep else report


def _load(key: str | None) -> Report | None:
    if key is None:
        return None
    data = store.get("report", key)
    if data is None:
        return None
    try:
        return Report.model_validate_json(data)
    except ValueError:  # pydantic's ValidationError included: a damaged entry is a miss
        store.drop("report", key)
        return None


def _store(key: str, report: Report) -> None:
    """Keep ``report`` under ``key``: JSON through the model (data, never code), with a checksum."""
    store.put("report", key, report.model_dump_json().encode("utf-8"))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _outcome(job: Job, raw: bytes | None, check_one: Checker, progress: Callable[[Path], None] | None,
             run_key: str | None = None) -> tuple[Report | None, list[ComplianceError]]:
    """Check one file in this process and store its report under the key of the bytes checked.

    ``raw`` is the file's bytes; with ``run_key`` they were read again, so their key is computed again.
    """
    if progress is not None:
        progress(job.path)
    try:
        report = check_one(job.path, job.name, raw if raw is not None else b"")
        key = job.key
        if key is not None and run_key and raw is not None:
            key = store.digest(run_key, job.name or str(job.path), raw)
        if key is not None:
            _store(key, report)
        return report, []
    except ErrorList as exc:
        return None, list(exc.errors)
    except ComplianceError as exc:
        return None, [exc]


# --- the pool ------------------------------------------------------------------------------------

_worker: dict[str, object] = {}

ErrorTuple = tuple[str, str, str, int, int, str | None]


def _init_worker(rules: RuleSet, as_of: dt.date, standard: str, limits: dict[str, int], no_cache: bool,
                 run_key: str) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; workers just stop
    gc.freeze()
    gc.set_threshold(100_000, 50, 1000)
    _worker.update(rules=rules, as_of=as_of, standard=standard, run_key=run_key)
    set_limits(**limits)
    if no_cache:
        store.disable()


def _work(path: str, name: str | None, key: str | None) -> tuple[bytes | None, list[ErrorTuple]]:
    """Check one file in a worker: read it here, store the report in the cache, send it back.

    The report goes back to the parent pickled (process to process, never through a file); the
    cache gets its JSON.
    """
    import pickle

    from compliance import api  # the worker's own import (spawn) or the parent's (fork)

    rules = _worker["rules"]
    assert isinstance(rules, RuleSet)
    try:
        raw = read(Path(path))
        statute = api.load_statute(path, rules, name, text=raw or None)
        report = api.check(statute, rules, _worker["as_of"], standard=str(_worker["standard"]))  # type: ignore[arg-type]
        data = pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL)
        if key is not None and raw is not None and store.digest(_worker["run_key"], name or path, raw) == key:  # type: ignore[arg-type]
            _store(key, report)  # only if the file did not change since the parent hashed it
        return data, []
    except ErrorList as exc:
        return None, [_flat(e) for e in exc.errors]
    except ComplianceError as exc:
        return None, [_flat(exc)]


def _flat(exc: ComplianceError) -> ErrorTuple:
    return (type(exc).__name__, exc.message, exc.span.file, exc.span.line, exc.span.column, exc.context)


def _rebuild(flat: ErrorTuple) -> ComplianceError:
    from compliance import errors

    kind, message, file, line, column, context = flat
    cls = getattr(errors, kind, ComplianceError)
    return cls(message, Span(file, line, column), context)


def _in_pool(misses: list[Job], workers: int, setup: tuple[RuleSet, dt.date, str], run_key: str,
             progress: Callable[[Path], None] | None) -> Iterator[tuple[Report | None, list[ComplianceError]]]:
    import multiprocessing
    import pickle
    from concurrent.futures import ProcessPoolExecutor

    rules, as_of, standard = setup
    limits = current_limits()
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    initargs = (rules, as_of, standard, {"file_bytes": limits.file_bytes, "string_chars": limits.string_chars,
                                         "depth": limits.depth, "aliases": limits.aliases,
                                         "nodes": limits.nodes},
                store.cache_dir() is None, run_key)
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method),
                             initializer=_init_worker, initargs=initargs) as pool:
        # A window of work in flight: results are consumed (and dropped) in input order, so memory
        # holds a few reports, not all of them.
        window = 2 * workers
        pending: dict[int, Future[tuple[bytes | None, list[ErrorTuple]]]] = {}
        for position, job in enumerate(misses):
            for ahead in range(position, min(position + window, len(misses))):
                if ahead not in pending:
                    nxt = misses[ahead]
                    pending[ahead] = pool.submit(_work, str(nxt.path), nxt.name, nxt.key)
            data, problems = pending.pop(position).result()
            if progress is not None:
                progress(job.path)
            yield (pickle.loads(data) if data is not None else None, [_rebuild(p) for p in problems])
