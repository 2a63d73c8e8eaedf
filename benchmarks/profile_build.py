"""Where a build's time goes: each stage of the pipeline timed, then the hottest functions.

    .venv/bin/python benchmarks/profile_build.py WORKBOOK [--audience internal] [--top 25]

Stages are the pipeline's own steps, called one by one in this process
(wall time, and CPU time, which a busy machine disturbs less; the CPU time
of worker processes is added in): read the sources, match sheets and parse
cells (with the Markdown), product rules, the audience projection, then
rendering every page and writing it into a fresh folder, as a build does
(over the cores for a big site: `render/write.py`). Then the whole build
runs once more under cProfile, in one process so that the profile sees the
rendering, and the functions with the most time of their own are listed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path


def stages(sources: list[str], audience: str) -> list[tuple[str, float, float]]:
    from sheetmap import rules
    from sheetmap.audience import project
    from sheetmap.background import Helper
    from sheetmap.config import Config
    from sheetmap.parse import build_roadmap, render_markdown_cell
    from sheetmap.render.site import write_site
    from sheetmap.render.views import SiteView
    from sheetmap.report import Report
    from sheetmap.sources import read_sources

    config = Config()
    timings: list[tuple[str, float, float]] = []
    cpu = [_cpu()]

    def timed(name: str, started: float) -> float:
        now, used = time.perf_counter(), _cpu()
        timings.append((name, now - started, used - cpu[0]))
        cpu[0] = used
        print(f"  {name}: {now - started:.2f} s", file=sys.stderr, flush=True)
        return now

    t = time.perf_counter()
    with Helper(render_markdown_cell) as helper:  # as pipeline.load does: Markdown on the other core
        raw = read_sources(sources)
        t = timed(f"read ({sum(len(s.rows) for s in raw):,} rows)", t)
        report = Report(config.rules)
        roadmap = build_roadmap(raw, config, report, helper)
    t = timed("match sheets, parse cells, Markdown (a helper process renders some)", t)
    rules.check(roadmap, report)
    t = timed(f"product rules ({len(report)} problems)", t)
    projected = project(roadmap, audience)
    t = timed(f"project for {audience}", t)
    view = SiteView(projected, config, None)
    folder = Path(tempfile.mkdtemp(prefix="sheetmap-profile-"))
    try:
        count = write_site(view, folder, None)
        size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        t = timed(f"render and write {count:,} files ({size / 1e6:.0f} MB) into a fresh folder", t)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        timed("remove a site of that size", t)
    return timings


def _cpu() -> float:
    """CPU seconds of this process and of the worker processes it has waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def hottest(sources: list[str], audience: str, top: int) -> str:
    from sheetmap.config import Config
    from sheetmap.pipeline import build
    from sheetmap.render import write

    write.PARALLEL_FROM = 10**12  # a profile sees only its own process
    out = Path(tempfile.mkdtemp(prefix="sheetmap-profile-")) / "site"
    profiler = cProfile.Profile()
    try:
        profiler.enable()
        build(sources, Config(), audience=audience, out=out)
        profiler.disable()
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return text.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="+")
    parser.add_argument("--audience", default="internal", choices=("public", "internal"))
    parser.add_argument("--top", type=int, default=25, help="functions to list (0: stages only)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    import sheetmap.pipeline  # noqa: F401  (imports are start-up cost, not a stage)

    print(f"imports: {time.perf_counter() - started:.2f} s")
    timings = stages(args.sources, args.audience)
    total, total_cpu = sum(t[1] for t in timings), sum(t[2] for t in timings)
    width = max(len(t[0]) for t in timings)
    print(f"{'stage':<{width}}  {'wall':>9}  {'CPU':>9}  share")
    for name, seconds, cpu in timings:
        print(f"{name:<{width}}  {seconds:7.2f} s  {cpu:7.2f} s  {100 * cpu / total_cpu:4.0f}%")
    print(f"{'total':<{width}}  {total:7.2f} s  {total_cpu:7.2f} s")
    if args.top:
        sys.stdout.write(hottest(args.sources, args.audience, args.top))


if __name__ == "__main__":
    main()
