"""The benchmark: ``python -m compliance.bench`` (a measurement, not a test).

It generates a synthetic world corpus (by default 200 jurisdictions x 300 provisions x 2 norms)
into a temporary folder, built from the provisions, texts, norms and local terms of the bundled
statute files, in which every norm is distinct after any normalisation the engine applies (each
carries its own pair of local conditions), and measures each figure as a ratio to a floor measured
in the same run on the same machine, wall time and CPU time side by side:

* P1 ``compliance compare`` over the corpus vs. reading the same files with PyYAML's C loader;
* P2 ``compliance check`` of one 300-provision file vs. C-loading that file;
* P3 ``compliance --help`` vs. ``python -c pass`` (and which heavy modules ``--help`` imported);
* P4 ``compliance check`` of one bundled file vs. ``python -c pass``;
* P5 peak memory (PSS summed over the process and all its workers) of a cold P1 vs. a process that
  has only imported the pipeline;
* L1 the language server's diagnostics after an edit of one norm in a 300-provision file.

*Cold* means every cache off: ``--no-cache`` (no report cache; the grammar has no cache) in a fresh
``HOME``, ``TMPDIR`` and ``XDG_CACHE_HOME`` for every run. The package's bytecode is compiled once
first, as ``pip install`` does. *Warm* rows are separate and say what was
warm. Every command runs in a fresh interpreter, as a user would run it; times are medians over
``--repeat`` runs. It prints a table and writes a JSON file. ``--quick`` runs a tiny corpus once, to
check that the benchmark itself works (its ratios mean nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

_HEAVY = ("yaml", "lark", "pydantic", "jinja2")
_AS_OF = "2026-11-28"


@dataclass
class Figure:
    """One measured figure: the tool's and the floor's medians (wall and CPU), their ratios and the targets.

    ``target`` applies to the wall-time ratio and ``cpu_target`` (if set) to the CPU-time ratio; a
    figure passes when every target it has is met. For memory figures ``value``/``floor`` are MiB and
    there is no CPU time.
    """

    id: str
    what: str
    value: float
    floor: float
    target: float | None
    cpu: float | None = None
    floor_cpu: float | None = None
    cpu_target: float | None = None
    unit: str = "s"
    runs: int = 1
    note: str = ""
    ratio: float = field(init=False)
    cpu_ratio: float | None = field(init=False)
    passed: bool = field(init=False)

    def __post_init__(self) -> None:
        self.ratio = round(self.value / self.floor, 2) if self.floor > 0 else float("inf")
        self.cpu_ratio = (round(self.cpu / self.floor_cpu, 2) if self.cpu is not None and self.floor_cpu
                          else None)
        wall_ok = self.target is None or self.ratio <= self.target
        cpu_ok = self.cpu_target is None or (self.cpu_ratio is not None and self.cpu_ratio <= self.cpu_target)
        self.passed = wall_ok and cpu_ok


@dataclass
class Timing:
    """Medians of wall and CPU time (user + system of the process and every child it waited for)."""

    wall: float
    cpu: float
    walls: list[float]
    cpus: list[float]


def _dumper() -> type:
    import yaml

    class NoAliases(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
        """Write repeated values out in full, as a person would (no ``&anchor``/``*alias``)."""

        def ignore_aliases(self, data: object) -> bool:
            return True

    return NoAliases


#: Keyword spellings the grammar treats as one (norm.lark: MUST = SHALL, WHEN/WHERE = IF, ...).
_SYNONYMS = (("MUST NOT", "SHALL NOT"), ("MAY NOT", "SHALL NOT"), ("MUST", "SHALL"), ("WHEN", "IF"),
             ("WHERE", "IF"), (">=", "AT LEAST"), ("<=", "AT MOST"))


def normalised(norm: str) -> str:
    """A norm's text after every normalisation the engine applies before parsing or memoising it.

    The grammar ignores whitespace and ``#`` comments and reads some keywords as synonyms; two texts
    with the same normalised form parse to the same norm. (The bench's test checks, on a small
    corpus, that distinct normalised forms are also distinct parsed norms.)
    """
    text = re.sub(r"#[^\n]*", " ", norm)
    text = " ".join(re.findall(r"\[|\]|,|\(|\)|[^\s\[\],()]+", text))
    for spelling, canonical in _SYNONYMS:
        text = re.sub(rf"(?<![A-Za-z_]){re.escape(spelling)}(?![A-Za-z_])", canonical, text)
    return text


def _conditions(count: int) -> int:
    """How many local conditions of each of the two kinds give ``count`` distinct pairs."""
    side = 1
    while side * side < count:
        side += 1
    return side


def generate_corpus(folder: Path, jurisdictions: int = 200, provisions: int = 300, norms: int = 2,
                    distinct: bool = True) -> list[Path]:
    """Write ``jurisdictions`` statute files of ``provisions`` provisions with ``norms`` norms each.

    Each file takes one bundled statute as its model (in turn): its instruments, treaties, local
    terms, and its provisions that have norms, repeated with new ids until there are enough; a
    provision with fewer norms borrows the next norms of the same file. Every norm then gets one
    more clause, ``IF <a> OR NOT <a> OR <b>``, over two local conditions that the file declares in
    its ``terms`` (``<code>_a<i>``, ``<code>_b<j>``), a pair used by no other norm of the corpus.
    The clause is always true, so it restricts nothing and every verdict is the model's (the bench's
    test checks this); but no two norms of the corpus are the same after normalisation, so nothing
    keyed on a norm (a parse memo, a score memo) gets more hits than distinct norms would give it. A
    real corpus repeats about 2.5% of its norms; this one repeats none, and each norm is about seven
    tokens longer than its model (a cost the floor does not share). ``distinct=False`` writes the
    models' norms unchanged (for that test).
    """
    import yaml

    from compliance.resources import bundled_legislation_dir

    models = []
    for path in sorted(bundled_legislation_dir().glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        with_norms = [p for p in data["provisions"] if p.get("norms")]
        if with_norms:
            models.append((data, with_norms, [n for p in with_norms for n in p["norms"]]))
    folder.mkdir(parents=True, exist_ok=True)
    no_aliases = _dumper()
    letters = "abcdefghijklmnopqrstuvwxyz"
    side = _conditions(provisions * norms)
    written = []
    for index in range(jurisdictions):
        data, pool, all_norms = models[index % len(models)]
        code = f"{letters[index // 26 % 26]}{letters[index % 26]}-{index // 676}"
        prefix = code.replace("-", "_")
        terms = dict(data.get("terms", {}))
        for kind in ("a", "b"):
            for i in range(side):
                terms[f"{prefix}_{kind}{i}"] = {
                    "category": "condition",
                    "description": f"Synthetic condition {kind}{i} of {code} (benchmark corpus; not law)"}
        out: dict[str, Any] = {
            "jurisdiction": {"code": code, "name": f"Synthetic jurisdiction {index + 1}"},
            "treaties": data.get("treaties", []),
            "instruments": data["instruments"],
            "terms": terms,
            "provisions": [],
        }
        serial = 0
        for number in range(provisions):
            model = pool[number % len(pool)]
            chosen = list(model["norms"][:norms])
            offset = number
            while len(chosen) < norms:
                chosen.append(all_norms[offset % len(all_norms)])
                offset += 1
            varied = []
            for norm in chosen:
                a, b = f"{prefix}_a{serial % side}", f"{prefix}_b{serial // side}"
                varied.append(f"{norm.rstrip()} IF {a} OR NOT {a} OR {b}" if distinct else norm)
                serial += 1
            provision = {k: v for k, v in model.items() if k not in ("norms", "no_norm_reason", "notes")}
            provision["id"] = f"{model['id']}-{number}"
            provision["norms"] = varied
            out["provisions"].append(provision)
        target = folder / f"{code}.yaml"
        target.write_text(yaml.dump(out, Dumper=no_aliases, allow_unicode=True, sort_keys=False, width=100),
                          encoding="utf-8")
        written.append(target)
    return written


def distinct_share(files: list[Path]) -> tuple[int, int]:
    """(distinct normalised norms, all norms) over the corpus files."""
    import yaml

    seen: set[str] = set()
    total = 0
    for path in files:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        for provision in data["provisions"]:
            for norm in provision.get("norms", []):
                seen.add(normalised(norm))
                total += 1
    return len(seen), total


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Fresh:
    """A fresh ``HOME``, ``TMPDIR`` and ``XDG_CACHE_HOME`` for each run, so that nothing a run leaves is seen."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.env = env
        self.count = 0

    def __call__(self) -> dict[str, str]:
        """The environment for one more run: the base environment with new, empty folders."""
        self.count += 1
        home = self.root / f"fresh-{self.count}"
        for sub in ("home", "tmp", "cache"):
            (home / sub).mkdir(parents=True)
        return {**self.env, "HOME": str(home / "home"), "TMPDIR": str(home / "tmp"),
                "XDG_CACHE_HOME": str(home / "cache")}


def _run(args: list[str], env: dict[str, str] | Fresh, repeat: int) -> Timing:
    walls, cpus = [], []
    for _ in range(repeat):
        run_env = env() if isinstance(env, Fresh) else env
        cpu_before = _children_cpu()
        start = time.perf_counter()
        done = subprocess.run(args, env=run_env, capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - cpu_before)
        if done.returncode not in (0, 1):
            raise RuntimeError(f"{' '.join(args)} exited {done.returncode}: {done.stderr.strip()[:500]}")
    return Timing(statistics.median(walls), statistics.median(cpus), walls, cpus)


def _tree(pid: int) -> Iterator[int]:
    """``pid`` and all its descendants (Linux /proc)."""
    yield pid
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return
    for child in children:
        yield from _tree(int(child))


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def pss_available() -> bool:
    """Whether this system reports PSS (Linux ``/proc/<pid>/smaps_rollup``)."""
    return _pss_kib(os.getpid()) > 0


def peak_pss_kib(args: list[str], env: dict[str, str], interval: float = 0.01) -> int:
    """Peak of the PSS summed over a command's process and all its descendants, sampled every ``interval``."""
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, sum(_pss_kib(pid) for pid in _tree(process.pid)))
        time.sleep(interval)
    return peak


_LOAD_ALL = ("import sys, yaml\n"
             "for path in sys.argv[1:]:\n"
             "    with open(path, 'rb') as handle:\n"
             "        yaml.load(handle.read(), Loader=yaml.CSafeLoader)\n")

#: The floor of P5: a process that has imported what a compare run imports, and built the parser.
_IMPORTS_ONLY = ("import sys\n"
                 "import compliance.cli, compliance.api, compliance.render, compliance.render.json, "
                 "compliance.comparison, compliance.norms\n"
                 "from compliance.norms import parser\nparser()\n"
                 "from compliance.bench import _pss_kib\nimport os\nprint(_pss_kib(os.getpid()))\n")


def free_cores(seconds: float = 0.5) -> float:
    """Idle CPU capacity seen over ``seconds`` before the run, in cores (Linux /proc/stat; else the CPU count)."""
    def idle_total() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return fields[3] + (fields[4] if len(fields) > 4 else 0), sum(fields)

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        idle0, total0 = idle_total()
        time.sleep(seconds)
        idle1, total1 = idle_total()
    except (OSError, ValueError, IndexError):
        return float(cpus)
    share = (idle1 - idle0) / max(total1 - total0, 1)
    return round(min(cpus, share * (os.cpu_count() or cpus)), 1)


def _lsp_l1(provisions: int, repeat: int, workdir: Path) -> Figure | None:
    """L1: diagnostics after an edit of one norm, in-process, through the language server's analysis."""
    try:
        from compliance.lsp.analysis import bench_edit_one_norm
    except ImportError:
        return None
    path = generate_corpus(workdir / "lsp", 1, provisions, 2)[0]
    text = path.read_text(encoding="utf-8")
    walls, cpus, first = bench_edit_one_norm(path.as_uri(), text, max(repeat * 10, 5))
    return Figure("L1", f"language server: diagnostics after editing one norm of a {provisions}-provision file "
                  "(in-process; floor: 50 ms, the target in absolute terms)",
                  statistics.median(walls), 0.05, 1.0, cpu=statistics.median(cpus), floor_cpu=None,
                  runs=len(walls), note=f"first full analysis of the file: {first:.3f} s")


def run_benchmark(jurisdictions: int, provisions: int, norms: int, repeat: int, workdir: Path,
                  jobs: int = 2) -> dict[str, Any]:
    """Generate the corpus under ``workdir`` and measure every figure; return the results as a dict."""
    cores = free_cores()
    corpus = workdir / "corpus"
    files = generate_corpus(corpus, jurisdictions, provisions, norms)
    distinct, total = distinct_share(files)
    if distinct != total:
        raise RuntimeError(f"the corpus repeats norms: {distinct} distinct of {total}")
    py = sys.executable
    # As installed by pip: the package's bytecode compiled once (pip compiles at install; an environment
    # that forbids writing bytecode would otherwise recompile every module on every run, which no user sees).
    base_env = {k: v for k, v in os.environ.items()
                if not k.startswith("COMPLIANCE_") and k != "PYTHONDONTWRITEBYTECODE"}
    base_env["NO_COLOR"] = "1"
    import compliance

    subprocess.run([py, "-m", "compileall", "-q", str(Path(compliance.__file__).parent)], env=base_env,
                   capture_output=True, check=False)
    fresh = Fresh(workdir / "envs", base_env)
    cache = workdir / "cache"
    warm_env = {**base_env, "COMPLIANCE_CACHE_DIR": str(cache)}
    tool = [py, "-m", "compliance", "--no-config"]
    user = [os.path.join(os.path.dirname(py), "compliance")]
    if not os.path.exists(user[0]):
        user = [py, "-m", "compliance"]
    compare = [*tool, "compare", str(corpus), "-f", "json", "-o", str(workdir / "comparison.json"),
               "--as-of", _AS_OF, "--jobs", str(jobs)]
    figures: list[Figure] = []

    floor_all = _run([py, "-c", _LOAD_ALL, *map(str, files)], base_env, repeat)
    cold = _run([*compare, "--no-cache"], fresh, repeat)
    figures.append(Figure("P1-cold", f"compare, whole corpus, {jobs} workers, every cache off, vs. C-loading it",
                          cold.wall, floor_all.wall, 2.5, cold.cpu, floor_all.cpu, 4.0, runs=repeat))
    _run(compare, warm_env, 1)
    warm = _run(compare, warm_env, repeat)
    figures.append(Figure("P1-warm", "compare, whole corpus, report cache filled by an earlier run, vs. C-loading it",
                          warm.wall, floor_all.wall, None, warm.cpu, floor_all.cpu, runs=repeat))

    one = files[0]
    floor_one = _run([py, "-c", _LOAD_ALL, str(one)], base_env, repeat * 3)
    single = [*tool, "check", str(one), "-f", "json", "-o", str(workdir / "one.json"), "--as-of", _AS_OF]
    cold = _run([*single, "--no-cache"], fresh, repeat * 3)
    figures.append(Figure("P2-cold", f"check one {provisions}-provision file, every cache off, vs. C-loading it",
                          cold.wall, floor_one.wall, 3.0, cold.cpu, floor_one.cpu, runs=repeat * 3))
    _run(single, warm_env, 1)
    warm = _run(single, warm_env, repeat * 3)
    figures.append(Figure("P2-warm", f"check one {provisions}-provision file, report cached, vs. C-loading it",
                          warm.wall, floor_one.wall, None, warm.cpu, floor_one.cpu, runs=repeat * 3))

    floor_pass = _run([py, "-c", "pass"], base_env, repeat * 3)
    helped = _run([*user, "--help"], fresh, repeat * 3)
    probe = ("import sys\nsys.argv = ['compliance', '--help']\nfrom compliance.entry import main\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             f"print(','.join(m for m in {_HEAVY!r} if m in sys.modules), file=sys.stderr)\n")
    heavy = subprocess.run([py, "-c", probe], env=base_env, capture_output=True, text=True,
                           check=False).stderr.strip()
    figures.append(Figure("P3", "compliance --help vs. python -c pass", helped.wall, floor_pass.wall, 6.0,
                          helped.cpu, floor_pass.cpu, runs=repeat * 3,
                          note=f"heavy modules imported: {heavy or 'none'}"))
    if heavy:
        figures[-1].passed = False

    from compliance.resources import bundled_legislation_dir

    bundled = sorted(bundled_legislation_dir().glob("*.yaml"))[0]
    check_one = [*user, "--no-config", "check", str(bundled), "-f", "json", "-o", str(workdir / "bundled.json"),
                 "--as-of", _AS_OF]
    cold = _run([*check_one, "--no-cache"], fresh, repeat * 3)
    figures.append(Figure("P4-cold", f"check {bundled.name}, one shot, every cache off, vs. python -c pass",
                          cold.wall, floor_pass.wall, 15.0, cold.cpu, floor_pass.cpu, runs=repeat * 3))
    _run(check_one, warm_env, 1)
    warm = _run(check_one, warm_env, repeat * 3)
    figures.append(Figure("P4-warm", f"check {bundled.name}, one shot, report cached, vs. python -c pass",
                          warm.wall, floor_pass.wall, None, warm.cpu, floor_pass.cpu, runs=repeat * 3))

    if pss_available():
        after = int(subprocess.run([py, "-c", _IMPORTS_ONLY], env=fresh(), capture_output=True, text=True,
                                   check=True).stdout.strip())
        peak = peak_pss_kib([*compare, "--no-cache"], fresh())
        figures.append(Figure("P5-cold", f"peak PSS of a cold compare over the corpus, {jobs} workers summed, "
                              "vs. a process that has only imported the pipeline", peak / 1024, after / 1024, 2.0,
                              unit="MiB"))

    l1 = _lsp_l1(provisions, repeat, workdir)
    if l1 is not None:
        figures.append(l1)

    return {
        "corpus": {"jurisdictions": jurisdictions, "provisions": provisions, "norms": norms,
                   "files": len(files), "bytes": sum(f.stat().st_size for f in files),
                   "norm_texts": total, "distinct_after_normalisation": distinct},
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "free_cores": cores},
        "jobs": jobs,
        "repeat": repeat,
        "figures": [asdict(f) for f in figures],
    }


def _fmt(value: float | None, unit: str) -> str:
    return "-" if value is None else f"{value:.3f} {unit}"


def table(results: dict[str, Any]) -> str:
    """The results as a plain-text table."""
    rows = [("figure", "wall", "floor", "ratio", "target", "cpu", "floor", "ratio", "target", "result", "what")]
    for f in results["figures"]:
        unit = f["unit"]
        rows.append((f["id"], _fmt(f["value"], unit), _fmt(f["floor"], unit), f"{f['ratio']:.2f}x",
                     "-" if f["target"] is None else f"<= {f['target']:g}x",
                     _fmt(f["cpu"], "s"), _fmt(f["floor_cpu"], "s"),
                     "-" if f["cpu_ratio"] is None else f"{f['cpu_ratio']:.2f}x",
                     "-" if f["cpu_target"] is None else f"<= {f['cpu_target']:g}x",
                     ("pass" if f["passed"] else "FAIL") if f["target"] is not None or f["cpu_target"] else "-",
                     f["what"] + (f" ({f['note']})" if f["note"] else "")))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r[:-1], widths, strict=False)) + "  " + r[-1] for r in rows]
    c, m = results["corpus"], results["machine"]
    share = c["distinct_after_normalisation"] / max(c["norm_texts"], 1)
    head = (f"corpus: {c['jurisdictions']} jurisdictions x {c['provisions']} provisions x {c['norms']} norms "
            f"({c['bytes'] / 1e6:.1f} MB); {c['distinct_after_normalisation']} of {c['norm_texts']} norms distinct "
            f"after normalisation ({share:.1%})\n"
            f"python {m['python']}, {m['cpus']} CPUs, {m['free_cores']} free when the run began; "
            f"{results['jobs']} workers for compare; medians of {results['repeat']} runs (P2-P4: x3); "
            "cold = --no-cache in a fresh HOME/TMPDIR/XDG_CACHE_HOME (bytecode compiled, as pip install does)")
    return head + "\n" + "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark from the command line."""
    parser = argparse.ArgumentParser(prog="python -m compliance.bench", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--jurisdictions", type=int, default=200)
    parser.add_argument("--provisions", type=int, default=300)
    parser.add_argument("--norms", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for compare (default 2)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (the median is reported)")
    parser.add_argument("--quick", "--smoke", action="store_true", dest="quick",
                        help="a tiny corpus, one run: checks that the benchmark works (the ratios mean nothing)")
    parser.add_argument("--json", type=Path, default=Path("bench-results.json"), help="where to write the results")
    parser.add_argument("--keep", type=Path, default=None, help="generate the corpus here and keep it")
    args = parser.parse_args(argv)
    if args.quick:
        args.jurisdictions, args.provisions, args.repeat = 3, 20, 1
    with tempfile.TemporaryDirectory(prefix="compliance-bench-") as tmp:
        workdir = args.keep or Path(tmp)
        if args.keep and (workdir / "envs").exists():
            shutil.rmtree(workdir / "envs")
        results = run_benchmark(args.jurisdictions, args.provisions, args.norms, args.repeat, workdir, args.jobs)
    results["quick"] = args.quick
    sys.stdout.write(table(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {args.json}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
