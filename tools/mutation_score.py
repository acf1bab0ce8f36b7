"""Mutation score per module: mutmut run once per module, against that module's own tests.

The modules, the files each mutates and the tests that are its own are declared in
``pyproject.toml`` (``[tool.catlearn.mutation.modules]``); the settings every run shares in
``[tool.mutmut]``. For each module this script makes a working copy under ``.mutation/``
(sources, tests and a ``pyproject.toml`` whose ``[tool.mutmut]`` mutates only that module's
files and selects only its tests), runs ``mutmut run`` there and reads the verdicts back.
mutmut itself checks that the tests see the mutated copy (its forced-fail run), and it runs
for each mutant only the selected tests that execute the mutated function.

Score = killed / (mutants - equivalent), where killed counts mutants the tests fail on,
time out on or crash on, and equivalent counts the surviving mutants listed, each with why
it cannot change behaviour, in ``tools/equivalent_mutants/<module>.yaml``. An entry names the
mutant and the mutated line; if that line is no longer what mutmut shows for the name (the
code moved on), the entry is stale and the mutant counts as a survivor.

Usage (from the repository root, with the ``mutation`` extra installed)::

    python tools/mutation_score.py                      # every module
    python tools/mutation_score.py acsets.colimits      # one module (several may be named)
    python tools/mutation_score.py --survivors --diffs learning.plan
    python tools/mutation_score.py --again learning.plan  # after adding tests

``--again`` keeps the last working copy, copies the current tests into it and re-runs only
the mutants that were not killed (mutmut keeps every other verdict and collects coverage for
the new tests). It is sound when the sources are unchanged and tests were only added or
strengthened: the script checks the sources (a digest of ``catlearn``, ``catlearn_torch``,
``examples`` and ``benchmarks`` taken when the copy was made) and the module's tests list, and
makes a full run when either differs (mutmut itself resets every verdict on a new selection).

``--sample N`` runs a uniform random sample of N of the module's mutants (``--seed``, default
0) instead of all of them, for modules too large to run whole on a small machine; the row then
says it is a sample and gives the 95% (Wilson) interval of the score. A run that stopped part
way (mutants never tried, and no sample) is reported as incomplete, never as meeting the goal.

The exit status is 1 when a module scores below ``--goal`` (default 90).
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import math
import os
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, from PyPI (mutmut needs it there too)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = Path(__file__).resolve().parent / "equivalent_mutants"
COPIED = ("catlearn", "catlearn_torch", "tests", "conftest.py", "examples", "benchmarks")
#: what a mutant's verdict depends on besides the tests: a rerun needs them unchanged
SOURCES = ("catlearn", "catlearn_torch", "examples", "benchmarks")
TESTS = ("tests", "conftest.py")
DIGEST = "sources.sha256"
SAMPLE = "sample.json"
UNRUN = "not checked"
KILLED = {"killed", "timeout", "segfault", "caught by type check"}


@dataclass(frozen=True)
class Module:
    """One scored module: its label, the files mutated and the tests that are its own."""

    name: str
    mutate: tuple[str, ...]
    tests: tuple[str, ...]


@dataclass(frozen=True)
class Equivalent:
    """A surviving mutant that cannot change behaviour, with the line it mutates and why."""

    mutant: str
    line: str
    why: str


@dataclass
class Score:
    """The verdicts of one module's run."""

    module: str
    status: dict[str, str] = field(default_factory=dict)
    equivalent: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    sampled_from: int = 0  # the module's number of mutants, when a sample was run

    def count(self, *names: str) -> int:
        return sum(1 for s in self.status.values() if s in names)

    @property
    def killed(self) -> int:
        return self.count(*KILLED)

    @property
    def survivors(self) -> list[str]:
        eq = set(self.equivalent)
        return sorted(m for m, s in self.status.items()
                      if s not in KILLED and s != UNRUN and m not in eq)

    @property
    def tried(self) -> int:
        """The mutants with a verdict (all of them after a complete run)."""
        return len(self.status) - self.count(UNRUN)

    @property
    def score(self) -> float:
        scored = self.tried - len(self.equivalent)
        return 100.0 if scored == 0 else 100.0 * self.killed / scored

    def interval(self, z: float = 1.96) -> tuple[float, float]:
        """The Wilson interval of the score (in percent), for a sampled run."""
        n = self.tried - len(self.equivalent)
        if n == 0:
            return 100.0, 100.0
        p = self.killed / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return 100.0 * max(0.0, centre - half), 100.0 * min(1.0, centre + half)


def load_config(root: Path = ROOT) -> tuple[dict, list[Module]]:
    """The shared ``[tool.mutmut]`` table and the declared modules, from ``pyproject.toml``."""
    data = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    tool = data["tool"]
    modules = [Module(name, tuple(spec["mutate"]), tuple(spec["tests"]))
               for name, spec in tool["catlearn"]["mutation"]["modules"].items()]
    return dict(tool["mutmut"]), modules


def load_equivalents(folder: Path = EQUIVALENTS) -> dict[str, Equivalent]:
    """The listed equivalent mutants, by name, from every ``<module>.yaml`` in ``folder``."""
    out: dict[str, Equivalent] = {}
    for path in sorted(folder.glob("*.yaml")):
        for e in yaml.safe_load(path.read_text("utf-8")) or []:
            out[e["mutant"]] = Equivalent(e["mutant"], str(e["line"]).strip(), e["why"])
    return out


def toml_value(value: object) -> str:
    """A TOML literal for the simple values a ``[tool.mutmut]`` table holds."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def sources_digest(root: Path) -> str:
    """A digest of every Python file the verdicts depend on besides the tests."""
    digest = hashlib.sha256()
    for name in SOURCES:
        for path in sorted((root / name).rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _copy(name: str, where: Path) -> None:
    src = ROOT / name
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    if src.is_dir():
        shutil.copytree(src, where / name, ignore=ignore, dirs_exist_ok=True)
    elif src.exists():
        shutil.copy2(src, where / name)


def refresh_tests(module: Module, where: Path) -> bool:
    """Copy the current tests into the last working copy, if its sources are still current."""
    stamp = where / DIGEST
    if not stamp.exists() or stamp.read_text("utf-8") != sources_digest(ROOT):
        return False
    # mutmut resets every verdict when the test selection changes: that needs a full run
    table = tomllib.loads((where / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    if table.get("pytest_add_cli_args_test_selection") != list(module.tests):
        return False
    for name in TESTS:
        target = where / name
        if target.is_dir():
            shutil.rmtree(target)
        _copy(name, where)
    return True


def prepare(module: Module, base: dict, work: Path) -> Path:
    """A fresh working copy for one module, its ``pyproject.toml`` selecting the module."""
    where = work / module.name
    if where.exists():
        shutil.rmtree(where)
    where.mkdir(parents=True)
    for name in COPIED:
        _copy(name, where)
    (where / DIGEST).write_text(sources_digest(ROOT), "utf-8")
    table = dict(base, only_mutate=list(module.mutate),
                 pytest_add_cli_args_test_selection=list(module.tests))
    lines = ["[tool.mutmut]"] + [f"{k} = {toml_value(v)}" for k, v in table.items()]
    pytest_opts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["pytest"]
    lines += ["", "[tool.pytest.ini_options]"]
    lines += [f"{k} = {toml_value(v)}" for k, v in pytest_opts["ini_options"].items()
              if k != "testpaths"]
    (where / "pyproject.toml").write_text("\n".join(lines) + "\n", "utf-8")
    return where


def run_mutmut(where: Path, children: int, profile: str, names: list[str] | None = None
               ) -> int:
    """Run ``mutmut run`` in a working copy (only the ``names`` given, if any), its output in
    ``mutmut.log`` there."""
    env = dict(os.environ, HYPOTHESIS_PROFILE=profile)
    env.pop("PYTHONPATH", None)
    mutmut = shutil.which("mutmut") or "mutmut"
    with open(where / "mutmut.log", "w", encoding="utf-8") as log:
        proc = subprocess.run([mutmut, "run", "--max-children", str(children), *(names or [])],
                              cwd=where,
                              env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    return proc.returncode


def mutant_names(module: Module, root: Path) -> list[str]:
    """Every mutant mutmut makes of the module's files (the same names as its run), sorted."""
    from mutmut.mutation.file_mutation import mutate_file_contents
    from mutmut.utils.format_utils import get_mutant_name

    names: list[str] = []
    for pattern in module.mutate:
        for path in sorted(root.glob(pattern)):
            rel = path.relative_to(root)
            mutated = mutate_file_contents(str(rel), path.read_text("utf-8"))
            names += [get_mutant_name(rel, n) for n in mutated.mutant_names]
    return sorted(names)


def read_status(module: Module, where: Path) -> dict[str, str]:
    """The verdict of every mutant of the module's files, from mutmut's ``.meta`` files."""
    from mutmut.stats import status_by_exit_code

    status: dict[str, str] = {}
    for meta in (where / "mutants").rglob("*.py.meta"):
        rel = meta.relative_to(where / "mutants").as_posix()[: -len(".meta")]
        if not any(fnmatch.fnmatch(rel, pattern) for pattern in module.mutate):
            continue
        codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        status.update({name: status_by_exit_code[code] for name, code in codes.items()})
    sample = read_sample(where)
    if sample is not None:
        status = {m: v for m, v in status.items() if m in sample[1]}
    return status


def read_sample(where: Path) -> tuple[int, set[str]] | None:
    """The module's number of mutants and the sample run, if the last run was a sample."""
    path = where / SAMPLE
    if not path.exists():
        return None
    data = json.loads(path.read_text("utf-8"))
    return int(data["total"]), set(data["mutants"])


def show(where: Path, mutant: str) -> str:
    """The diff mutmut shows for one mutant."""
    mutmut = shutil.which("mutmut") or "mutmut"
    proc = subprocess.run([mutmut, "show", mutant], cwd=where, capture_output=True,
                          text=True, check=False)
    return proc.stdout


def added_lines(diff: str) -> list[str]:
    """The lines a mutant's diff adds, stripped."""
    return [ln[1:].strip() for ln in diff.splitlines()
            if ln.startswith("+") and not ln.startswith("+++")]


def classify_equivalents(score: Score, where: Path, listed: dict[str, Equivalent]) -> None:
    """Count the listed survivors whose mutated line still matches; flag stale entries."""
    for name, entry in listed.items():
        if name not in score.status:
            continue
        if score.status[name] == UNRUN:
            continue
        if score.status[name] in KILLED:
            score.stale.append(f"{name}: listed as equivalent but killed")
        elif entry.line in added_lines(show(where, name)):
            score.equivalent.append(name)
        else:
            score.stale.append(f"{name}: the mutated line is no longer {entry.line!r}")


def report(scores: list[Score], goal: float, survivors: bool, diffs: bool,
           work: Path) -> bool:
    """Print the table (and survivors); whether every module meets the goal."""
    head = f"{'module':22} {'mutants':>7} {'killed':>6} {'surv':>5} {'notest':>6} " \
           f"{'equiv':>5} {'score':>7}"
    print(head)
    print("-" * len(head))
    ok = True
    for s in scores:
        complete = bool(s.sampled_from) or s.count(UNRUN) == 0
        meets = complete and s.score >= goal
        ok = ok and meets
        verdict = "ok" if meets else f"BELOW {goal}" if complete else \
            f"INCOMPLETE: {s.count(UNRUN)} never tried"
        if s.sampled_from:
            low, high = s.interval()
            verdict += f" (sample of {s.tried} of {s.sampled_from}; 95% {low:.1f}-{high:.1f}%)"
        print(f"{s.module:22} {s.tried:7d} {s.killed:6d} {s.count('survived'):5d} "
              f"{s.count('no tests'):6d} {len(s.equivalent):5d} {s.score:6.1f}% {verdict}")
    for s in scores:
        for line in s.stale:
            print(f"stale equivalent entry ({s.module}): {line}")
        if survivors:
            for name in s.survivors:
                print(f"survivor ({s.module}): {name} [{s.status[name]}]")
                if diffs:
                    print(show(work / s.module, name))
    return ok


def run_module(module: Module, base: dict, args: argparse.Namespace) -> int:
    """A full run of one module, or with ``--again`` a rerun of the mutants not killed."""
    where = args.work / module.name
    if args.again and refresh_tests(module, where):
        again = [m for m, s in read_status(module, where).items() if s not in KILLED]
        print(f"{module.name}: re-running {len(again)} mutants not killed", file=sys.stderr)
        return run_mutmut(where, args.children, args.profile, again) if again else 0
    if args.again:
        print(f"{module.name}: sources or the module's tests list changed since the last "
              "run; a full run",
              file=sys.stderr)
    where = prepare(module, base, args.work)
    if not args.sample:
        return run_mutmut(where, args.children, args.profile)
    names = mutant_names(module, where)
    chosen = sorted(random.Random(args.seed).sample(names, min(args.sample, len(names))))
    (where / SAMPLE).write_text(json.dumps({"total": len(names), "mutants": chosen}), "utf-8")
    return run_mutmut(where, args.children, args.profile, chosen)


def main(argv: list[str] | None = None) -> int:
    """Run the selected modules (all by default) and print their scores."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="module labels (default: all)")
    parser.add_argument("--children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--profile", default="dev", help="hypothesis profile of the runs")
    parser.add_argument("--work", type=Path, default=ROOT / ".mutation")
    parser.add_argument("--goal", type=float, default=90.0)
    parser.add_argument("--report-only", action="store_true",
                        help="read the verdicts of the last run without running mutmut")
    parser.add_argument("--again", action="store_true",
                        help="re-run only the mutants not killed, with the current tests")
    parser.add_argument("--sample", type=int, default=0,
                        help="run a uniform random sample of this many mutants")
    parser.add_argument("--seed", type=int, default=0, help="the seed of --sample")
    parser.add_argument("--survivors", action="store_true", help="list surviving mutants")
    parser.add_argument("--diffs", action="store_true", help="show each survivor's diff")
    args = parser.parse_args(argv)
    base, modules = load_config()
    known = {m.name: m for m in modules}
    unknown = [n for n in args.modules if n not in known]
    if unknown:
        parser.error(f"unknown module(s) {unknown}; declared: {sorted(known)}")
    chosen = [known[n] for n in args.modules] if args.modules else modules
    listed = load_equivalents()
    scores = []
    for module in chosen:
        where = args.work / module.name
        if not args.report_only:
            rc = run_module(module, base, args)
            if rc != 0:
                print(f"mutmut failed for {module.name} (exit {rc}); see {where}/mutmut.log",
                      file=sys.stderr)
                return 2
        sample = read_sample(where)
        score = Score(module.name, read_status(module, where),
                      sampled_from=sample[0] if sample else 0)
        classify_equivalents(score, where, listed)
        scores.append(score)
    return 0 if report(scores, args.goal, args.survivors, args.diffs, args.work) else 1


if __name__ == "__main__":
    sys.exit(main())
