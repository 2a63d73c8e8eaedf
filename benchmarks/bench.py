"""sheetmap's performance goals (issue 9), each measured against its baseline in the same run.

    .venv/bin/python benchmarks/bench.py             # every goal, medians of 5 runs
    .venv/bin/python benchmarks/bench.py --quick     # one run each
    .venv/bin/python benchmarks/bench.py --goals 1,3 # some goals only
    .venv/bin/python benchmarks/bench.py --smoke     # tiny inputs, a few seconds (the test suite runs this)

Inputs are generated once by generate.py into $SHEETMAP_BENCH_DIR (default
$TMPDIR/sheetmap-bench) and reused. Every measurement is a fresh process,
the way CI runs sheetmap: the `sheetmap` command, Hugo, or a bare reader.
A baseline and the sheetmap command it is compared with run alternately,
so a machine that gets busier halfway through slows both alike. The table
shows medians; memory is the highest peak of any run (see measure.py).

Exit status: 0 after printing the table, 1 with --strict when a goal failed.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import MIXED, SHAPES, SMOKE_SHAPES, Shape, cache_dir, hugo_site, workbook  # noqa: E402
from measure import Series, run  # noqa: E402

REPO = HERE.parent
SAMPLE = REPO / "sample_sheets" / "acme-roadmap.xlsx"
PYTHON = sys.executable
SHEETMAP = [PYTHON, "-m", "sheetmap"]

#: Limits from the issue.
GOAL1_RATIO, GOAL1_MB = 0.5, 400
GOAL2_SECONDS, GOAL2_RATIO = 3.5, 0.5
GOAL3_RATIO = 11.0
GOAL4_SECONDS = 0.5
#: An unchanged save may cost at most this share of a changed one ("almost nothing").
GOAL4_UNCHANGED_SHARE = 0.1
GOAL4_UNCHANGED_SECONDS = 0.02
GOAL5_SECONDS = 0.3
#: Modules that `sheetmap --help` must not import, and those `validate` must not.
HEAVY_FOR_HELP = ("openpyxl", "python_calamine", "jinja2", "cmarkgfm", "nh3", "gspread", "google", "yaml", "defusedxml")
HEAVY_FOR_VALIDATE = ("jinja2", "gspread", "google")


@dataclass
class Row:
    goal: str
    measure: str
    baseline: str
    sheetmap: str
    ratio: str
    target: str
    result: str


@dataclass
class Plan:
    """What one run measures: the inputs, how often, where."""

    runs: int
    mixed: Shape
    scale: list[Shape]
    typos: list[Shape]
    hugo_pages: int
    work: Path
    cache: Path
    smoke: bool
    say: Callable[[str], None]

    @property
    def goal2(self) -> Shape:
        """The 10,000-initiative workbook (the second size of the scaling family)."""
        return self.scale[1] if len(self.scale) > 1 else self.scale[0]


# --- running ---------------------------------------------------------------------------------------------------


def fmt_time(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def describe(series: Series) -> str:
    low, high = series.spread
    spread = f" ({fmt_time(low)}–{fmt_time(high)})" if len(series.samples) > 1 else ""
    return f"{fmt_time(series.seconds)}{spread}, {series.cpu_seconds:.1f} s CPU, {series.peak_mb:.0f} MB"


def alternate(plan: Plan, commands: Sequence[tuple[str, Sequence[str], tuple[int, ...]]]) -> list[Series]:
    """Run each command `plan.runs` times, round-robin; stop early on a command that fails."""
    series = [Series(label) for label, _, _ in commands]
    for s, (_, _, ok) in zip(series, commands, strict=True):
        s.ok_codes = ok
    for n in range(plan.runs):
        for s, (label, cmd, _) in zip(series, commands, strict=True):
            if s.failed:
                continue
            sample = run(cmd, cwd=plan.work)
            s.samples.append(sample)
            plan.say(f"  {label} [{n + 1}/{plan.runs}]: {fmt_time(sample.seconds)}, {sample.peak_mb:.0f} MB")
    return series


def failure(series: Series) -> str | None:
    bad = series.failed
    if bad is None:
        return None
    tail = (bad.stderr or bad.stdout).strip().splitlines()[-3:]
    return f"exit {bad.returncode}: " + " / ".join(tail)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def rebuild_cmd(book: Path, out: Path) -> list[str]:
    """A public build over the site already in `out`, as one rebuild after another does."""
    return [*SHEETMAP, "build", str(book), "--audience", "public", "--out", str(out)]


def build_cmd(plan: Plan, book: Path, audience: str, name: str) -> list[str]:
    """`sheetmap build` into a new, empty folder each run (see `in_new_folder`)."""
    return in_new_folder(plan, [*SHEETMAP, "build", str(book), "--audience", audience], "--out", name)


def in_new_folder(plan: Plan, cmd: Sequence[str], option: str, prefix: str) -> list[str]:
    """`cmd` with `option` naming a new, empty folder each run; the folders stay until the benchmark ends.

    Nothing is removed while the benchmark runs, because on this kind of machine removing a site slows
    down every build for minutes after: its ext4 has no journal, and then passes over each inode freed in
    the last one to six minutes whenever it looks for a free one (the kernel's `recently_deleted`). A
    build of 10,000 pages took 1 to 3 s more of system time right after 10,000 files were removed.
    """
    # Everything goes to the shell as arguments, so no path needs quoting; `exec` keeps the tool the measured process.
    script = 'folder=$(mktemp -d -p "$1" "$2-XXXXXX") || exit 2; option=$3; shift 3; exec "$@" "$option" "$folder"'
    return ["sh", "-c", script, "sh", str(plan.work), prefix, option, *cmd]


def error_row(goal: str, measure: str, *series: Series) -> Row | None:
    for s in series:
        problem = failure(s)
        if problem:
            return Row(goal, measure, "", "", "", "", f"ERROR ({s.label}: {problem})")
    return None


# --- the goals -------------------------------------------------------------------------------------------------


def goal1(plan: Plan) -> list[Row]:
    book = workbook(plan.mixed, plan.cache)
    shape = plan.mixed
    what = (
        f"internal build of {shape.initiatives:,} initiatives, {shape.ideas:,} ideas, {shape.tasks:,} tasks, "
        f"{shape.sprints} sprints"
    )
    plan.say(f"Goal 1: {what}")
    commands: list[tuple[str, Sequence[str], tuple[int, ...]]] = [
        ("openpyxl read", [PYTHON, str(HERE / "read_baseline.py"), "openpyxl", str(book)], (0,)),
        ("sheetmap build", build_cmd(plan, book, "internal", "goal1-site"), (0,)),
    ]
    has_calamine = importlib.util.find_spec("python_calamine") is not None
    if has_calamine:
        commands.append(("calamine read", [PYTHON, str(HERE / "read_baseline.py"), "calamine", str(book)], (0,)))
    series = alternate(plan, commands)
    baseline, ours = series[0], series[1]
    broken = error_row("1", what, baseline, ours)
    if broken:
        return [broken]
    ratio = ours.seconds / baseline.seconds
    rows = [
        Row(
            "1",
            f"{what} vs a bare openpyxl read-only read",
            f"openpyxl {describe(baseline)}",
            describe(ours),
            f"{ratio:.2f}×",
            f"≤ {GOAL1_RATIO}×",
            verdict(ratio <= GOAL1_RATIO),
        ),
        Row(
            "1",
            "peak memory of that build",
            "",
            f"{ours.peak_mb:.0f} MB",
            "",
            f"< {GOAL1_MB} MB",
            verdict(ours.peak_mb < GOAL1_MB),
        ),
    ]
    if has_calamine and not failure(series[2]):
        rows.append(
            Row(
                "1",
                "for reference: python-calamine reads the same file",
                f"calamine {describe(series[2])}",
                "",
                f"{series[2].seconds / baseline.seconds:.2f}× openpyxl",
                "",
                "INFO",
            )
        )
    return rows


def goal2(plan: Plan) -> list[Row]:
    shape = plan.goal2
    book = workbook(shape, plan.cache)
    what = f"public build of {shape.initiatives:,} initiatives with {shape.ideas:,} ideas"
    plan.say(f"Goal 2: {what}")
    # Into an empty folder, as Hugo builds and as CI builds from a fresh checkout.
    commands: list[tuple[str, Sequence[str], tuple[int, ...]]] = [
        ("sheetmap build", build_cmd(plan, book, "public", "goal2-site"), (0,)),
    ]
    hugo = shutil.which("hugo")
    if hugo:
        site = hugo_site(plan.hugo_pages, plan.cache)
        cache = plan.work / "hugo-cache"
        hugo_cmd = [hugo, "--quiet", "--source", str(site), "--cacheDir", str(cache), "--noBuildLock"]
        commands.insert(0, ("hugo", in_new_folder(plan, hugo_cmd, "--destination", "hugo-public"), (0,)))
    # And over the site it replaces, as a rebuild on the same machine: the change feed reads the old
    # roadmap.json, and the old site is removed once the new one is in place. Measured after the others,
    # since each removal slows down what follows (`in_new_folder`); it slows down the next rebuild too.
    series = alternate(plan, commands)
    rebuild = rebuild_cmd(book, plan.work / "goal2-rebuilt")
    run(rebuild, cwd=plan.work)  # the site the first measured rebuild replaces (a failure shows in the next)
    series += alternate(plan, [("sheetmap rebuild", rebuild, (0,))])
    broken = error_row("2", what, *series)
    if broken:
        return [broken]
    *baseline, ours, rebuilt = series
    rows = [
        Row("2", f"{what}, into an empty folder", "", describe(ours), "", f"≤ {GOAL2_SECONDS} s",
            verdict(ours.seconds <= GOAL2_SECONDS)),
        Row("2", f"{what}, over the site it replaces", "", describe(rebuilt), "", f"≤ {GOAL2_SECONDS} s",
            verdict(rebuilt.seconds <= GOAL2_SECONDS)),
    ]  # fmt: skip
    if not baseline:
        note = "Hugo is not installed (Debian: apt-get install hugo), so the comparison is skipped"
        return [*rows, Row("2", f"{what} vs Hugo", note, "", "", f"≤ {GOAL2_RATIO}×", "SKIP")]
    ratio = ours.seconds / baseline[0].seconds
    return [
        *rows,
        Row(
            "2",
            f"{what} vs Hugo building {plan.hugo_pages:,} comparable Markdown pages, both into an empty folder",
            f"Hugo {describe(baseline[0])}",
            describe(ours),
            f"{ratio:.2f}×",
            f"≤ {GOAL2_RATIO}×",
            verdict(ratio <= GOAL2_RATIO),
        ),
    ]


def goal3(plan: Plan) -> list[Row]:
    plan.say("Goal 3: scaling")
    rows: list[Row] = []
    families = [
        ("public build", plan.scale, lambda book, n: build_cmd(plan, book, "public", f"goal3-site-{n}"), (0,)),
        # 0.5% of references mistyped: each unknown one gets a suggestion from every ID of its target sheet
        (
            "validate with mistakes",
            plan.typos,
            lambda book, n: [*SHEETMAP, "validate", str(book), "--format", "json"],
            (1,),
        ),
    ]
    for name, shapes, make, ok in families:
        books = [workbook(s, plan.cache) for s in shapes]
        commands = [(f"{name} {s.name}", make(b, n), ok) for n, (s, b) in enumerate(zip(shapes, books, strict=True))]
        series = alternate(plan, commands)
        for (small, large), (ss, ls) in zip(pairwise(shapes), pairwise(series), strict=True):
            what = f"{name}: {small.rows:,} → {large.rows:,} rows"
            broken = error_row("3", what, ss, ls)
            if broken:
                rows.append(broken)
                continue
            factor = large.rows / small.rows
            ratio = ls.seconds / ss.seconds
            rows.append(
                Row(
                    "3",
                    f"{what} ({factor:.0f}× the rows)",
                    describe(ss),
                    describe(ls),
                    f"{ratio:.1f}×",
                    f"≤ {GOAL3_RATIO * factor / 10:.1f}×",
                    verdict(ratio <= GOAL3_RATIO * factor / 10),
                )
            )
    return rows


def goal4(plan: Plan) -> list[Row]:
    plan.say("Goal 4: sheetmap serve")
    saves = max(3, plan.runs) if not plan.smoke else 1
    settle = ["--settle", "0.3"] if plan.smoke else []
    sample = run([PYTHON, str(HERE / "serve_probe.py"), str(SAMPLE), "--saves", str(saves), *settle], cwd=plan.work)
    if sample.returncode != 0:
        tail = " / ".join((sample.stderr or sample.stdout).strip().splitlines()[-3:])
        return [Row("4", "sheetmap serve", "", "", "", "", f"ERROR (exit {sample.returncode}: {tail})")]
    found = json.loads(sample.stdout.strip().splitlines()[-1])
    shown = float(found["save_to_page_seconds"])
    changed, unchanged = float(found["changed_cpu_seconds"]), float(found["unchanged_cpu_seconds"])
    share = unchanged / changed if changed else 0.0
    # below 20 ms of CPU a save costs "almost nothing" whatever the share
    quiet = share <= GOAL4_UNCHANGED_SHARE or unchanged <= GOAL4_UNCHANGED_SECONDS
    return [
        Row(
            "4",
            f"a save of the sample workbook shows in the browser (median of {saves} saves)",
            "",
            fmt_time(shown),
            "",
            f"< {GOAL4_SECONDS} s",
            verdict(shown < GOAL4_SECONDS),
        ),
        Row(
            "4",
            "server CPU for a save that changes nothing vs one that changes a title",
            f"changed {changed:.3f} s CPU",
            f"unchanged {unchanged:.3f} s CPU",
            f"{share:.2f}×",
            f"≤ {GOAL4_UNCHANGED_SHARE}× or ≤ {GOAL4_UNCHANGED_SECONDS} s",
            verdict(quiet),
        ),
    ]


def goal5(plan: Plan) -> list[Row]:
    plan.say("Goal 5: start-up")
    runs = plan.runs if plan.smoke else max(plan.runs, 5)
    (help_series,) = alternate(
        Plan(**{**plan.__dict__, "runs": runs}), [("sheetmap --help", [*SHEETMAP, "--help"], (0,))]
    )
    rows = [
        error_row("5", "sheetmap --help", help_series)
        or Row(
            "5",
            "sheetmap --help",
            "",
            describe(help_series),
            "",
            f"< {GOAL5_SECONDS} s",
            verdict(help_series.seconds < GOAL5_SECONDS),
        ),
    ]
    for command, heavy in ((["--help"], HEAVY_FOR_HELP), (["validate", str(SAMPLE)], HEAVY_FOR_VALIDATE)):
        imported = imported_modules([*SHEETMAP[1:], *command], plan.work)
        loaded = sorted({m.split(".")[0] for m in imported} & set(heavy))
        label = "sheetmap " + " ".join(c if c.startswith("-") or c == "validate" else Path(c).name for c in command)
        rows.append(
            Row(
                "5",
                f"`{label}` imports ({len(imported)} modules)",
                "",
                ", ".join(loaded) or "none of " + ", ".join(heavy),
                "",
                "none of them",
                verdict(not loaded),
            )
        )
    return rows


def imported_modules(args: Sequence[str], cwd: Path) -> list[str]:
    """Every module `python -X importtime ARGS` imports, in order."""
    done = subprocess.run([PYTHON, "-X", "importtime", *args], cwd=cwd, capture_output=True, text=True, check=False)
    modules = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "package":
                modules.append(name)
    return modules


GOALS: dict[str, Callable[[Plan], list[Row]]] = {"1": goal1, "2": goal2, "3": goal3, "4": goal4, "5": goal5}


# --- the table -------------------------------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    header = Row("Goal", "Measure", "Baseline", "sheetmap", "Ratio", "Target", "Result")
    lines = [header, Row(*["---"] * 7), *rows]
    return "\n".join("| " + " | ".join(v.replace("|", "\\|") for v in vars(r).values()) + " |" for r in lines)


def machine() -> str:
    cores = os.cpu_count() or 1
    cpu = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
        cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{cores} cores ({cpu}), load average {load}, Python {sys.version.split()[0]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement; the table shows medians")
    parser.add_argument("--quick", action="store_true", help="one run per measurement")
    parser.add_argument("--smoke", action="store_true", help="tiny inputs and one run: checks the script works")
    parser.add_argument("--goals", default="1,2,3,4,5", help="comma-separated goals to measure")
    parser.add_argument(
        "--sizes",
        choices=("1k-10k", "1k-100k"),
        default="1k-100k",
        help="the scaling family (1k-10k leaves out the 100,000-initiative workbook)",
    )
    parser.add_argument("--cache", type=Path, default=None, help=f"where inputs are kept (default: {cache_dir()})")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows as JSON to this file")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal fails")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the table")
    args = parser.parse_args(argv)

    def say(text: str) -> None:
        if not args.quiet:
            print(text, file=sys.stderr, flush=True)

    cache = args.cache or cache_dir()
    work = Path(tempfile.mkdtemp(prefix="sheetmap-bench-work-"))
    if args.smoke:
        s = SMOKE_SHAPES
        plan = Plan(
            1,
            s["smoke-mixed"],
            [s["smoke-init-a"], s["smoke-init-b"]],
            [s["smoke-typos-a"], s["smoke-typos-b"]],
            50,
            work,
            cache,
            True,
            say,
        )
    else:
        sizes = ["1k", "10k", "100k"] if args.sizes == "1k-100k" else ["1k", "10k"]
        plan = Plan(
            1 if args.quick else args.runs,
            MIXED,
            [SHAPES[f"init-{n}"] for n in sizes],
            [SHAPES[f"typos-{n}"] for n in sizes],
            10_000,
            work,
            cache,
            False,
            say,
        )
    started = time.perf_counter()
    rows: list[Row] = []
    try:
        say(f"Inputs in {cache}; {plan.runs} run(s) per measurement; {machine()}")
        for goal in args.goals.split(","):
            rows.extend(GOALS[goal.strip()](plan))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nsheetmap performance, {plan.runs} run(s) each, medians; {machine()}\n")
    print(table(rows))
    print(
        f"\n{sum(r.result == 'PASS' for r in rows)} passed, {sum(r.result == 'FAIL' for r in rows)} failed, "
        f"{sum(r.result.startswith('ERROR') for r in rows)} errors in {time.perf_counter() - started:.0f} s"
    )
    if args.json:
        args.json.write_text(json.dumps([vars(r) for r in rows], indent=2, ensure_ascii=False), encoding="utf-8")
    bad = any(r.result == "FAIL" or r.result.startswith("ERROR") for r in rows)
    return 1 if args.strict and bad else 0


if __name__ == "__main__":
    sys.exit(main())
