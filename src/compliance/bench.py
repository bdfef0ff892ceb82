"""The benchmark: ``python -m compliance.bench`` (a measurement, not a test).

It generates a synthetic world corpus (by default 200 jurisdictions x 300 provisions x 2 norms)
into a temporary folder, built from the provisions, texts, norms and local terms of the bundled
statute files so that the text and norms are realistic, and measures five figures, each as a ratio
to a floor measured in the same run on the same machine:

* P1 ``compliance compare`` over the corpus vs. reading the same files with PyYAML's C loader
  (cold: empty parse cache; warm: the cache filled by an earlier run);
* P2 ``compliance check`` of one 300-provision file vs. C-loading that file;
* P3 ``compliance --help`` vs. ``python -c pass`` (and which heavy modules ``--help`` imported);
* P4 ``compliance check`` of one bundled file vs. ``python -c pass``;
* P5 peak resident memory of P1 vs. a process that has only imported the pipeline.

Every command runs in a fresh interpreter (``python -m compliance``), as a user would run it;
times are medians over ``--repeat`` runs. It prints a table and writes a JSON file. ``--smoke``
runs a tiny corpus once, to check that the benchmark itself works (its ratios mean nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

_HEAVY = ("yaml", "lark", "pydantic", "jinja2")


@dataclass
class Figure:
    """One measured figure: the tool's median, the floor's median, their ratio and the target."""

    id: str
    what: str
    value: float
    floor: float
    target: float
    unit: str = "s"
    runs: int = 1
    note: str = ""
    ratio: float = field(init=False)
    passed: bool = field(init=False)

    def __post_init__(self) -> None:
        self.ratio = round(self.value / self.floor, 2) if self.floor > 0 else float("inf")
        self.passed = self.ratio <= self.target


def _dumper() -> type:
    import yaml

    class NoAliases(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
        """Write repeated values out in full, as a person would (no ``&anchor``/``*alias``)."""

        def ignore_aliases(self, data: object) -> bool:
            return True

    return NoAliases


def _vary(norm: str, seed: int) -> str:
    """The same norm written differently (extra spaces between two words), so that no two texts repeat."""
    words = norm.split(" ")
    gap = 1 + seed % (len(words) - 1) if len(words) > 1 else 0
    spaces = 2 + seed // max(len(words) - 1, 1) % 7
    return " ".join(words[:gap]) + " " * spaces + " ".join(words[gap:]) if gap else norm


def generate_corpus(folder: Path, jurisdictions: int = 200, provisions: int = 300, norms: int = 2,
                    distinct: bool = True) -> list[Path]:
    """Write ``jurisdictions`` statute files of ``provisions`` provisions with ``norms`` norms each.

    Each file takes one bundled statute as its model (in turn): its instruments, treaties, local
    terms, and its provisions that have norms, repeated with new ids until there are enough; a
    provision with fewer norms borrows the next norms of the same file. With ``distinct`` (the
    default), every norm text is made unique by spacing (same meaning, different text), so that
    no cache or memo keyed on a norm's text gets more hits than a real corpus would give it.
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
    _NoAliasDumper = _dumper()
    letters = "abcdefghijklmnopqrstuvwxyz"
    written = []
    for index in range(jurisdictions):
        data, pool, all_norms = models[index % len(models)]
        code = f"{letters[index // 26 % 26]}{letters[index % 26]}-{index // 676}"
        out: dict[str, Any] = {
            "jurisdiction": {"code": code, "name": f"Synthetic jurisdiction {index + 1}"},
            "treaties": data.get("treaties", []),
            "instruments": data["instruments"],
            "terms": data.get("terms", {}),
            "provisions": [],
        }
        for number in range(provisions):
            model = pool[number % len(pool)]
            chosen = list(model["norms"][:norms])
            offset = number
            while len(chosen) < norms:
                chosen.append(all_norms[offset % len(all_norms)])
                offset += 1
            if distinct:
                chosen = [_vary(norm, index * provisions + number) for norm in chosen]
            provision = {k: v for k, v in model.items() if k not in ("norms", "no_norm_reason", "notes")}
            provision["id"] = f"{model['id']}-{number}"
            provision["norms"] = chosen
            out["provisions"].append(provision)
        target = folder / f"{code}.yaml"
        target.write_text(yaml.dump(out, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False, width=100),
                          encoding="utf-8")
        written.append(target)
    return written


def _run(args: list[str], env: dict[str, str], repeat: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise RuntimeError(f"{' '.join(args)} exited {done.returncode}: {done.stderr.strip()[:500]}")
    return statistics.median(times), times


def _peak_rss_kib(args: list[str], env: dict[str, str]) -> int:
    """Peak resident memory (KiB) of one child process, measured by a small wrapper process."""
    wrapper = ("import resource, subprocess, sys\n"
               "subprocess.run(sys.argv[1:], check=False, capture_output=True)\n"
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    done = subprocess.run([sys.executable, "-c", wrapper, *args], env=env, capture_output=True, text=True,
                          check=True)
    return int(done.stdout.strip())


_LOAD_ALL = ("import sys, yaml\n"
             "for path in sys.argv[1:]:\n"
             "    with open(path, 'rb') as handle:\n"
             "        yaml.load(handle.read(), Loader=yaml.CSafeLoader)\n")

_IMPORTS_ONLY = ("import compliance.cli, compliance.api, compliance.render, compliance.render.html, "
                 "compliance.comparison, compliance.norms\n"
                 "from compliance.norms import parser\nparser()\n")


def run_benchmark(jurisdictions: int, provisions: int, norms: int, repeat: int, workdir: Path) -> dict[str, Any]:
    """Generate the corpus under ``workdir`` and measure P1-P5; return the results as a dict."""
    corpus = workdir / "corpus"
    files = generate_corpus(corpus, jurisdictions, provisions, norms)
    py = sys.executable
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLIANCE_")}
    cache = workdir / "cache"
    env = {**base_env, "COMPLIANCE_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    tool = [py, "-m", "compliance", "--no-config"]
    user = [os.path.join(os.path.dirname(py), "compliance")]
    if not os.path.exists(user[0]):
        user = [py, "-m", "compliance"]
    compare = [*tool, "compare", str(corpus), "-f", "json", "-o", str(workdir / "comparison.json"),
               "--as-of", "2026-11-28"]
    figures: list[Figure] = []

    floor_all, _ = _run([py, "-c", _LOAD_ALL, *map(str, files)], base_env, repeat)
    cold_times = []
    for _ in range(repeat):
        if cache.exists():
            import shutil

            shutil.rmtree(cache)
        cold_times.append(_run(compare, env, 1)[0])
    figures.append(Figure("P1-cold", "compare, whole corpus, empty cache vs. C-loading it",
                          statistics.median(cold_times), floor_all, 3.0, runs=repeat))
    warm, _ = _run(compare, env, repeat)
    figures.append(Figure("P1-warm", "compare, whole corpus, warm cache vs. C-loading it", warm, floor_all, 1.5,
                          runs=repeat))

    one = files[0]
    floor_one, _ = _run([py, "-c", _LOAD_ALL, str(one)], base_env, repeat * 3)
    single = [*tool, "check", str(one), "-f", "json", "-o", str(workdir / "one.json"), "--as-of", "2026-11-28"]
    value, _ = _run([*single, "--no-cache"], env, repeat * 3)
    figures.append(Figure("P2-cold", f"check one {provisions}-provision file, no cache, vs. C-loading it",
                          value, floor_one, 2.0, runs=repeat * 3))
    _run(single, env, 1)
    value, _ = _run(single, env, repeat * 3)
    figures.append(Figure("P2-warm", f"check one {provisions}-provision file, unchanged since the last run",
                          value, floor_one, 2.0, runs=repeat * 3))

    floor_pass, _ = _run([py, "-c", "pass"], base_env, repeat * 3)
    help_time, _ = _run([*user, "--help"], env, repeat * 3)
    probe = ("import sys\nsys.argv = ['compliance', '--help']\nfrom compliance.entry import main\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             f"print(','.join(m for m in {_HEAVY!r} if m in sys.modules), file=sys.stderr)\n")
    heavy = subprocess.run([py, "-c", probe], env=env, capture_output=True, text=True, check=False).stderr.strip()
    figures.append(Figure("P3", "compliance --help vs. python -c pass", help_time, floor_pass, 6.0,
                          runs=repeat * 3, note=f"heavy modules imported: {heavy or 'none'}"))
    if heavy:
        figures[-1].passed = False

    from compliance.resources import bundled_legislation_dir

    bundled = sorted(bundled_legislation_dir().glob("*.yaml"))[0]
    check_one = [*user, "--no-config", "check", str(bundled), "-f", "json", "-o", str(workdir / "bundled.json"),
                 "--as-of", "2026-11-28"]
    _run(check_one, env, 1)
    value, _ = _run(check_one, env, repeat * 3)
    figures.append(Figure("P4", f"check {bundled.name} (one-shot, file unchanged) vs. python -c pass", value,
                          floor_pass, 15.0, runs=repeat * 3))
    value, _ = _run([*check_one, "--no-cache"], env, repeat * 3)
    figures.append(Figure("P4-cold", f"check {bundled.name} (one-shot, no cache) vs. python -c pass", value,
                          floor_pass, 15.0, runs=repeat * 3))

    after_imports = _peak_rss_kib([py, "-c", _IMPORTS_ONLY], env)
    peak = _peak_rss_kib(compare, env)
    figures.append(Figure("P5", "peak memory of compare over the corpus vs. after imports", peak / 1024,
                          after_imports / 1024, 1.5, unit="MiB"))

    return {
        "corpus": {"jurisdictions": jurisdictions, "provisions": provisions, "norms": norms,
                   "files": len(files), "bytes": sum(f.stat().st_size for f in files)},
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "repeat": repeat,
        "figures": [asdict(f) for f in figures],
    }


def table(results: dict[str, Any]) -> str:
    """The results as a plain-text table."""
    rows = [("figure", "median", "floor", "ratio", "target", "result", "what")]
    for f in results["figures"]:
        unit = f["unit"]
        rows.append((f["id"], f"{f['value']:.3f} {unit}", f"{f['floor']:.3f} {unit}", f"{f['ratio']:.2f}x",
                     f"<= {f['target']:g}x", "pass" if f["passed"] else "FAIL",
                     f["what"] + (f" ({f['note']})" if f["note"] else "")))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r[:-1], widths, strict=False)) + "  " + r[-1] for r in rows]
    c = results["corpus"]
    head = (f"corpus: {c['jurisdictions']} jurisdictions x {c['provisions']} provisions x {c['norms']} norms "
            f"({c['bytes'] / 1e6:.1f} MB); python {results['machine']['python']}, {results['machine']['cpus']} CPUs; "
            f"medians of {results['repeat']} runs")
    return head + "\n" + "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark from the command line."""
    parser = argparse.ArgumentParser(prog="python -m compliance.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--jurisdictions", type=int, default=200)
    parser.add_argument("--provisions", type=int, default=300)
    parser.add_argument("--norms", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (the median is reported)")
    parser.add_argument("--smoke", action="store_true", help="a tiny corpus, one run: checks the benchmark works")
    parser.add_argument("--json", type=Path, default=Path("bench-results.json"), help="where to write the results")
    parser.add_argument("--keep", type=Path, default=None, help="generate the corpus here and keep it")
    args = parser.parse_args(argv)
    if args.smoke:
        args.jurisdictions, args.provisions, args.repeat = 3, 20, 1
    with tempfile.TemporaryDirectory(prefix="compliance-bench-") as tmp:
        workdir = args.keep or Path(tmp)
        results = run_benchmark(args.jurisdictions, args.provisions, args.norms, args.repeat, workdir)
    results["smoke"] = args.smoke
    sys.stdout.write(table(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {args.json}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
