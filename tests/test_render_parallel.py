"""Pages rendered by worker processes: the same bytes as one process, and failures that publish nothing.

A workbook big enough to be shared out (every kind of page: board, embed,
initiatives with ideas and delivery, completed, objectives, priorities,
sprint boards, the unplanned backlog, roadmap.json, the feed) is built by
the real CLI in a fresh process: once in parallel, once forced into one
process. Builds log at DEBUG which processes wrote the files, so the tests
see that workers were used, and when they were not (small sites, other
threads running).
"""

from __future__ import annotations

import gc
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import benchmark_module, run_sheetmap, tree_bytes, write_workbook
from sheetmap.errors import SheetmapError
from sheetmap.publish import WORK_PREFIX
from sheetmap.render import write

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_sheets" / "acme-roadmap.xlsx"

needs_cores = pytest.mark.skipif(write.workers() < 2 or not hasattr(os, "fork"), reason="one core: never parallel")

# The build runs in a fresh process (a test session has threads, and the build would rightly stay serial),
# with DEBUG logging on stderr; "serial" forces one process, "parallel" leaves the choice to the build.
_BUILD = """
import logging, os, sys
logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s", stream=sys.stderr)
print(f"parent pid {os.getpid()}", file=sys.stderr)
mode, args = sys.argv[1], sys.argv[2:]
from sheetmap.render import site, write
if mode == "serial":
    write.PARALLEL_FROM = 10**12
if mode == "threads":
    import threading
    stop = threading.Event()
    threading.Thread(target=stop.wait, daemon=True).start()
if mode == "killed":
    # A worker dies while it renders a page (as when the kernel's out-of-memory killer picks it).
    import signal
    parent = os.getpid()
    def doomed(view, env):
        def make():
            if os.getpid() != parent:
                os.kill(os.getpid(), signal.SIGKILL)
            return b"never published"
        yield site.Page("doomed.txt", make, weight=10**9)  # the heaviest: a worker takes it first
    site.GENERATORS.append(doomed)
from sheetmap.cli import main
main(args, prog_name="sheetmap")
"""


def build(mode: str, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _BUILD, mode, "build", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def writers(stderr: str) -> list[int]:
    """The pids of the processes that wrote files, as a build's DEBUG log names them ([] for one process)."""
    for line in stderr.splitlines():
        if " processes (pids [" in line:
            return [int(p) for p in line.split("pids [")[1].rstrip("])").split(", ")]
    assert "wrote" in stderr and "files in this process" in stderr, stderr[-2000:]
    return []


def parent_pid(stderr: str) -> int:
    return int(stderr.split("parent pid ", 1)[1].split()[0])


@pytest.fixture(scope="module")
def big_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every sheet, with references between them: big enough to be shared out for either audience."""
    generate = benchmark_module("generate")
    shape = generate.Shape(
        "parallel", initiatives=400, ideas=1200, tasks=3000, sprints=6, objectives=6, feedback=100, public=0.9
    )
    sheets = {title: [header, *rows] for title, header, rows in generate.sheets(shape)}
    return write_workbook(tmp_path_factory.mktemp("workbook") / "big.xlsx", sheets)


@needs_cores
@pytest.mark.parametrize("audience", ["internal", "public"])
def test_workers_write_the_same_bytes_as_one_process(big_workbook: Path, tmp_path: Path, audience: str) -> None:
    parallel = build("parallel", big_workbook, "--audience", audience, "--out", "parallel", cwd=tmp_path)
    serial = build("serial", big_workbook, "--audience", audience, "--out", "serial", cwd=tmp_path)
    assert parallel.returncode == 0, parallel.stderr[-3000:]
    assert serial.returncode == 0, serial.stderr[-3000:]
    pids = writers(parallel.stderr)
    assert len(pids) == write.workers(), "a process per core wrote files"
    assert parent_pid(parallel.stderr) in pids  # the build's own process, and forked workers
    assert writers(serial.stderr) == []
    # The pages that list the whole roadmap are the parent's, rendered in little memory while the workers start
    # on the rest: board, embed, completed, objectives, feed, robots.txt, roadmap.json, themes.css and 4 assets
    # (appearance.js, board.js, style.css, the favicon); internal: the priorities, the sprints' overview and
    # unplanned backlog, sprints.css.
    assert f" {16 if audience == 'internal' else 12} here, " in parallel.stderr
    built, expected = tree_bytes(tmp_path / "parallel"), tree_bytes(tmp_path / "serial")
    assert len(expected) > 150 and built.keys() == expected.keys()
    assert [name for name in expected if built[name] != expected[name]] == []
    if audience == "internal":
        assert any(name.startswith("sprints/") for name in built)  # the sprint boards were shared out too
    # and the plain command, as CI runs it, publishes the same site
    assert run_sheetmap("build", big_workbook, "--audience", audience, "--out", "cli", cwd=tmp_path).returncode == 0
    assert tree_bytes(tmp_path / "cli") == expected


@needs_cores
@pytest.mark.parametrize(
    ("mistake", "said"),
    [
        ("{{ item.no_such_field.upper() }}", "no_such_field"),  # Jinja's own error
        ('{{ item.rank + "st" }}', "unsupported operand type(s) for +"),  # Python's, raised in the team's template
    ],
)
def test_a_page_that_fails_in_a_worker_fails_the_build_and_publishes_nothing(
    big_workbook: Path, tmp_path: Path, mistake: str, said: str
) -> None:
    assert run_sheetmap("build", big_workbook, "--out", "site", cwd=tmp_path).returncode == 0
    before = tree_bytes(tmp_path / "site")
    templates = tmp_path / "site_templates"
    templates.mkdir()
    # One initiative page in the middle of the list fails: a mistake in a team's template.
    (templates / "initiative.html").write_text(
        '{% extends "default:initiative.html" %}\n'
        '{% block main %}{% if item.id == "INIT-77" %}' + mistake + "{% endif %}"
        "{{ super() }}{% endblock %}\n",
        encoding="utf-8",
    )
    (tmp_path / "sheetmap.yml").write_text("templates: site_templates\n", encoding="utf-8")
    failed = build("parallel", big_workbook, "--out", "site", cwd=tmp_path)
    assert failed.returncode == 2, failed.stderr[-3000:]
    assert f"chunks shared with {write.workers() - 1} forked workers" in failed.stderr
    message = failed.stderr.split("Error: ", 1)[1]
    assert "Traceback" not in failed.stderr
    assert message.startswith("The template site_templates/initiative.html has an error at line 2")
    assert "(rendering initiatives/" in message and said in message
    assert "Nothing was written; site/ is unchanged." in message
    assert tree_bytes(tmp_path / "site") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(WORK_PREFIX)] == []
    # One process says the same.
    alone = build("serial", big_workbook, "--out", "site", cwd=tmp_path)
    assert alone.returncode == 2 and alone.stderr.split("Error: ", 1)[1] == message


@needs_cores
def test_a_worker_that_dies_fails_the_build_cleanly(big_workbook: Path, tmp_path: Path) -> None:
    assert run_sheetmap("build", big_workbook, "--out", "site", cwd=tmp_path).returncode == 0
    before = tree_bytes(tmp_path / "site")
    failed = build("killed", big_workbook, "--out", "site", cwd=tmp_path)
    assert failed.returncode == 2, failed.stderr[-3000:]
    assert "Traceback" not in failed.stderr
    assert "a worker process ended unexpectedly (killed by SIGKILL)" in failed.stderr
    assert "Nothing was written; site/ is unchanged." in failed.stderr
    assert tree_bytes(tmp_path / "site") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(WORK_PREFIX)] == []


@needs_cores
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the process tree from /proc")
def test_workers_do_not_outlive_a_killed_build(big_workbook: Path, tmp_path: Path) -> None:
    """SIGKILL (a CI job cancelled) leaves no worker behind, writing into a folder the next build removes."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sheetmap", "build", str(big_workbook), "--audience", "internal", "--out", "site"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children: list[str] = []
    wanted = write.workers() - 1  # the build's own process renders too
    deadline = time.monotonic() + 120
    try:
        while process.poll() is None and len(children) < wanted and time.monotonic() < deadline:
            try:
                children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
            except OSError:
                children = []
            time.sleep(0.001)
        if len(children) < wanted:
            pytest.skip("the build finished before its workers could be seen")
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    def alive(pid: str) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
        except OSError:
            return False

    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(alive(pid) for pid in children)


def test_a_build_leaves_garbage_collection_as_it_found_it(tmp_path: Path) -> None:
    """Rendering freezes the model out of garbage collection (it is a fifth of the time), and thaws it after."""
    from sheetmap.config import Config
    from sheetmap.pipeline import build as run_build

    assert gc.get_freeze_count() == 0 and gc.isenabled()
    assert run_build([str(SAMPLE)], Config(), audience="internal", out=tmp_path / "site").written
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()  # paused while the workbook is read and checked, not after
    with pytest.raises(SheetmapError):
        run_build([str(tmp_path / "missing.xlsx")], Config(), audience="internal", out=tmp_path / "site")
    assert gc.isenabled()
    gc.disable()  # an application that manages the collector itself keeps it as it set it
    try:
        assert run_build([str(SAMPLE)], Config(), audience="internal", out=tmp_path / "again").written
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_builds_in_one_process_see_edited_and_added_templates(tmp_path: Path) -> None:
    """A build reads each template once, without checking it again for every card; the next build reads it anew."""
    from sheetmap.config import Config
    from sheetmap.pipeline import build as run_build

    templates = tmp_path / "site_templates"
    templates.mkdir()
    config = Config(templates=templates)
    built: list[str] = []
    for n, footer in enumerate([None, "<footer>first</footer>\n", "<footer>second</footer>\n"]):
        if footer is not None:
            (templates / "footer.html").write_text(footer, encoding="utf-8")
        assert run_build([str(SAMPLE)], config, audience="public", out=tmp_path / f"site-{n}").written
        built.append((tmp_path / f"site-{n}" / "index.html").read_text(encoding="utf-8"))
    assert "<footer>first</footer>" not in built[0] and '<footer class="site-footer">' in built[0]
    assert "<footer>first</footer>" in built[1]
    assert "<footer>second</footer>" in built[2] and "<footer>first</footer>" not in built[2]


def test_a_small_site_is_written_by_one_process(tmp_path: Path) -> None:
    done = build("parallel", SAMPLE, "--audience", "internal", "--out", "site", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert writers(done.stderr) == []  # starting workers would cost more than the sample's pages


@needs_cores
def test_no_workers_while_other_threads_run(big_workbook: Path, tmp_path: Path) -> None:
    """As under `sheetmap serve` or MkDocs embedding sheetmap: forking a process with threads can deadlock."""
    done = build("threads", big_workbook, "--out", "threads", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "other threads are running: rendering in this process" in done.stderr
    assert writers(done.stderr) == []
    parallel = build("parallel", big_workbook, "--out", "parallel", cwd=tmp_path)
    assert writers(parallel.stderr) != []
    assert tree_bytes(tmp_path / "threads") == tree_bytes(tmp_path / "parallel")


def test_chunks_cover_every_page_once_heaviest_first() -> None:
    weights = [1] * 500 + [900, 3, 400] + [1] * 97
    parts = write.chunks(weights, 2)
    flat = [i for part in parts for i in part]
    assert sorted(flat) == list(range(len(weights)))
    assert parts[0] == [500] and parts[1] == [502]  # the heaviest pages go out first, alone
    assert all(part == sorted(part) for part in parts)
    assert 2 <= len(parts) <= 2 * write.CHUNKS_PER_WORKER + 1
    assert len(write.chunks([1] * 100_000, 10_000)) <= write.MAX_CHUNKS


def test_a_page_listing_the_whole_roadmap_is_rendered_in_little_memory(tmp_path: Path) -> None:
    """The parent renders those pages while its workers run: holding every piece of one (half a million
    for goal 1's priorities) took 50 MB for a 6.7 MB page, all of it on top of what the workers hold."""
    import tracemalloc

    import jinja2

    from sheetmap.config import Config
    from sheetmap.model import Roadmap
    from sheetmap.render.site import render, render_listing
    from sheetmap.render.views import SiteView

    (tmp_path / "list.html").write_text(
        '<ul>{% for n in rows %}<li id="r{{ n }}">{{ root }}/{{ n }} &#8250; {{ "x" * (n % 7) }}</li>{% endfor %}</ul>',
        encoding="utf-8",
    )
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path), autoescape=True)
    view = SiteView(Roadmap(), Config(), None)
    rows = range(100_000)
    expected = render(env, "list.html", view, "..", rows=rows)
    tracemalloc.start()
    try:
        written = render_listing(env, "list.html", view, "..", rows=rows)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert written == expected and len(written) > 3_000_000
    assert peak < 3 * len(written)


_FREED_HEAP = """
import sys
from sheetmap.render.write import return_free_memory
def resident_mb():
    with open("/proc/self/status") as status:
        return int(status.read().split("VmRSS:")[1].split()[0]) // 1024
blocks = [bytes(4000) + bytes([n % 256]) for n in range(20_000)]  # 80 MB in the C heap, not in mmaps
del blocks[:-1]  # the last one stays, so free() cannot give the heap's top back by itself
held = resident_mb()
if sys.argv[1] == "trim":
    return_free_memory()
print(held, resident_mb())
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_memory_freed_into_the_c_heap_goes_back_to_the_system_before_forking() -> None:
    """Workers forked from a process holding 50-80 MB of free heap counted it twice (goal 1: 390 -> 320 MB)."""

    def resident(mode: str) -> tuple[int, int]:
        done = subprocess.run([sys.executable, "-c", _FREED_HEAP, mode], capture_output=True, text=True, check=True)
        held, after = done.stdout.split()
        return int(held), int(after)

    held, after = resident("keep")
    assert held - after < 10  # freed, but still the process's: what the build had before forking
    held, after = resident("trim")
    assert held - after > 60


def test_two_pages_for_one_file_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    """Which process wrote last would decide the file: a repeated path is a bug, caught up front."""
    from sheetmap.render.site import Page

    pages = [Page("sprints/a.html", lambda: b"first"), Page("sprints/a.html", lambda: b"second")]
    with pytest.raises(ValueError, match=r"sprints/a\.html"):
        write.write_pages(pages, tmp_path / "site")
    assert not (tmp_path / "site").exists()
