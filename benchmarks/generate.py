"""Deterministic benchmark inputs: large roadmap workbooks and a comparable Hugo site.

    python benchmarks/generate.py                 # every shape into $TMPDIR/sheetmap-bench
    python benchmarks/generate.py mixed init-10k  # just these

Every workbook holds every sheet of SPEC §2 with values a product team
would type: problem-focused titles, Markdown descriptions with lists,
emphasis and links, real spreadsheet dates, objectives, themes, customer
feedback, sprints and tasks pointing back at ideas. The same seed gives the
same cells, so runs on different machines read the same data. Files are
written with openpyxl's write-only mode (streamed, a few seconds per
100,000 rows) and cached by shape and generator version: a second run
reuses them.

A shape with `typos` also holds a small share of mistyped references and
repeated IDs, so that validation has to find and explain them (suggestions
are where a quadratic step would hide).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Bump when the generated content changes, so cached files are rebuilt.
VERSION = 5


def cache_dir() -> Path:
    """Where inputs are kept between runs: outside the repository, never committed."""
    return Path(os.environ.get("SHEETMAP_BENCH_DIR") or Path(tempfile.gettempdir()) / "sheetmap-bench")


@dataclass(frozen=True)
class Shape:
    """How many rows of each sheet a workbook holds."""

    name: str
    initiatives: int
    ideas: int
    tasks: int
    sprints: int
    objectives: int
    feedback: int
    themes: int = 12
    #: share of initiatives that are Public (the rest Internal)
    public: float = 0.6
    #: share of ideas and tasks whose reference is mistyped (and of IDs repeated)
    typos: float = 0.0
    seed: int = 20261101

    @property
    def rows(self) -> int:
        return self.initiatives + self.ideas + self.tasks + self.sprints + self.objectives + self.feedback + self.themes

    @property
    def filename(self) -> str:
        return f"{self.name}-v{VERSION}.xlsx"


def scaled(name: str, n: int, *, typos: float = 0.0) -> Shape:
    """The scaling family: n initiatives (all public), 2n ideas, n tasks, n/5 feedback."""
    return Shape(
        name,
        initiatives=n,
        ideas=2 * n,
        tasks=n,
        sprints=max(2, n // 100),
        objectives=max(4, n // 250),
        feedback=max(2, n // 5),
        public=1.0,
        typos=typos,
    )


#: The issue's big organisation: 2,000 initiatives, 20,000 ideas, 100,000 tasks, 100 sprints.
MIXED = Shape("mixed", initiatives=2_000, ideas=20_000, tasks=100_000, sprints=100, objectives=40, feedback=4_000)

SHAPES: dict[str, Shape] = {
    s.name: s
    for s in (
        MIXED,
        scaled("init-1k", 1_000),
        scaled("init-10k", 10_000),
        scaled("init-100k", 100_000),
        scaled("typos-1k", 1_000, typos=0.005),
        scaled("typos-10k", 10_000, typos=0.005),
        scaled("typos-100k", 100_000, typos=0.005),
    )
}

#: Tiny versions of the same families, for the smoke test (seconds, not minutes).
SMOKE_SHAPES: dict[str, Shape] = {
    s.name: s
    for s in (
        Shape("smoke-mixed", initiatives=20, ideas=200, tasks=1_000, sprints=4, objectives=4, feedback=40),
        scaled("smoke-init-a", 20),
        scaled("smoke-init-b", 200),
        scaled("smoke-typos-a", 20, typos=0.05),
        scaled("smoke-typos-b", 200, typos=0.05),
    )
}


# --- vocabulary ------------------------------------------------------------------------------------------------

THEMES = [
    ("Reporting", "#4f7cac", "Reports, dashboards and finding the answer you need."),
    ("Data connections", "#2a9d8f", "Getting data in: warehouses, apps and keeping it fresh."),
    ("Collaboration", "#e9a03b", "Sharing insights, discussing them and acting on them together."),
    ("Admin & billing", "#8e6cb8", "Seats, permissions, invoices and plans."),
    ("Performance", "#d64545", "Speed at every size of account."),
    ("Mobile", "#2f5bd3", "Answers on the phone, offline and on the go."),
    ("Trust & security", "#1d3557", "Audit logs, SSO, data residency and compliance."),
    ("Onboarding", "#6c757d", "The first week: from sign-up to the first useful dashboard."),
    ("Alerts", "#e8833a", "Knowing when a number moves, without watching it."),
    ("Developer platform", "#8d5b3e", "APIs, SDKs and embedding analytics in other products."),
    ("Forecasting", "#d6649a", "What the numbers will probably do next."),
    ("Accessibility", "#3a7d44", "Everyone can read and use every chart."),
]
PEOPLE = ["Priya Raman", "Tom Becker", "Chen Wei", "Ben Okafor", "Ana Souza", "Lena Vogel", "Omar Haddad", "Mia Kim"]
TEAMS = ["Core", "Growth", "Platform", "Mobile", "Data", "Trust", "Insights", "Payments", "Search", "Infra"]
CUSTOMERS = ["Northgate Logistics", "Pinecrest Health", "Harbor & Vine", "Bluefield Energy", "Quarry Lane Books"]
PERSONAS = [
    "Teams",
    "Analysts",
    "Admins",
    "Sales managers",
    "New customers",
    "Finance leads",
    "Account managers",
    "Executives",
]
PROBLEMS = [
    "{p} can't find the {o} they need",
    "{p} lose track of {o} across workspaces",
    "{o} are slow on large accounts",
    "{p} don't trust the numbers in {o}",
    "{p} wait days for {o} from the data team",
    "{p} rebuild {o} that already exist",
    "{o} break when a source changes",
    "{p} miss changes in {o} until it is too late",
]
OBJECTS = [
    "reports",
    "dashboards",
    "metric definitions",
    "alerts",
    "data sources",
    "forecasts",
    "invoices",
    "exports",
    "permissions",
    "embedded charts",
]
TAGS = ["search", "speed", "enterprise", "self-serve", "api", "mobile", "sso", "export", "charts", "billing", "ai"]
METRICS = ["Weekly active users", "Time to first dashboard", "p95 load time", "Report views per user", "Churn"]
STAGES = ["Discovering", "Prototyping", "Ready", "In development", "Validating", "Successful", "Failed", "Parked"]
STATUSES = ["To do", "In progress", "In review", "Blocked", "Done"]
EFFORTS = ["XS", "S", "M", "L", "XL"]
VALUES = ["Low", "Medium", "High"]
SOURCES = ["Support ticket", "Sales call", "Survey", "Community forum", "Customer advisory board"]
START = dt.date(2024, 1, 1)


def _problem_title(rng: random.Random) -> str:
    return rng.choice(PROBLEMS).format(p=rng.choice(PERSONAS), o=rng.choice(OBJECTS)).capitalize()


def _problem_md(rng: random.Random, n: int) -> str:
    share = rng.randint(12, 87)
    return (
        f"In our last survey **{share}%** of {rng.choice(PERSONAS).lower()} said they gave up on "
        f"{rng.choice(OBJECTS)} at least once a week. Accounts above {rng.randint(2, 90)} million events "
        f"wait *{rng.randint(3, 20)} seconds or more* (case {n})."
    )


def _description_md(rng: random.Random, n: int, ident: str) -> str:
    steps = rng.sample(
        [
            "cache what has not changed",
            "load the most important tiles first",
            "pre-aggregate the heaviest tables overnight",
            "one search box for everything in a workspace",
            "a **verified** badge on trusted items",
            "recently viewed items on the home page",
            "an audit trail for every change",
            "alerts when a number moves by more than `2σ`",
        ],
        3,
    )
    items = "\n".join(f"- {s}" for s in steps)
    return (
        f"We are attacking this from {len(steps)} sides:\n\n{items}\n\n"
        f"Read the design notes in the [product blog](https://blog.example.com/{ident.lower()}) "
        f"(draft {n % 7 + 1})."
    )


def _date(rng: random.Random, span_days: int = 900) -> dt.date:
    return START + dt.timedelta(days=rng.randrange(span_days))


# --- rows ------------------------------------------------------------------------------------------------------


def _maybe_typo(rng: random.Random, shape: Shape, value: str) -> str:
    """A reference as typed: now and then with a slip a person makes (swapped or doubled characters)."""
    if not value or not shape.typos or rng.random() >= shape.typos:
        return value
    if rng.random() < 0.5:
        return value.replace("-", "_", 1)  # IDEA_12: close enough to suggest IDEA-12
    return value + str(rng.randint(0, 9))  # IDEA-120 when IDEA-12 was meant, or one that does not exist


def _repeat(rng: random.Random, shape: Shape, ident: str, earlier: str) -> str:
    """Now and then an ID that repeats an earlier row's (copy-pasted rows)."""
    if shape.typos and earlier and rng.random() < shape.typos / 5:
        return earlier
    return ident


def sheets(shape: Shape) -> Iterator[tuple[str, list[str], Iterator[list[Any]]]]:
    """(title, header, rows) of every sheet of `shape`, in workbook order."""
    rng = random.Random(shape.seed)
    themes = [THEMES[i % len(THEMES)] for i in range(shape.themes)]
    objective_ids = [f"OKR-{n}" for n in range(1, shape.objectives + 1)]
    # every tenth objective is internal; public cards point only at public ones (as a careful team does)
    public_objectives = [o for n, o in enumerate(objective_ids) if n % 10 != 9]
    initiative_ids = [f"INIT-{n}" for n in range(1, shape.initiatives + 1)]
    public_initiatives: set[str] = set()
    idea_ids = [f"IDEA-{n}" for n in range(1, shape.ideas + 1)]
    sprint_names = _sprint_names(shape)

    def initiatives() -> Iterator[list[Any]]:
        for n, ident in enumerate(initiative_ids, 1):
            horizon = rng.choices(["Now", "Next", "Later", "Done"], weights=[2, 3, 3, 2])[0]
            detailed = horizon in ("Now", "Done") or rng.random() < 0.6
            # a few titles read like tasks (a product rule warns about them), as in real sheets
            title = (f"Add {rng.choice(OBJECTS)} export" if rng.random() < 0.003 else _problem_title(rng)) + f" #{n}"
            public = rng.random() < shape.public
            if public:
                public_initiatives.add(ident)
            targets = public_objectives if public else objective_ids
            yield [
                _repeat(rng, shape, ident, initiative_ids[n - 2] if n > 1 else ""),
                title,
                horizon,
                themes[rng.randrange(len(themes))][0],
                ", ".join(rng.sample(TAGS, rng.randint(0, 3))),
                ", ".join(rng.sample(targets, min(len(targets), rng.randint(1, 2)))),
                _problem_md(rng, n) if detailed else None,
                _description_md(rng, n, ident) if detailed else None,
                f"{rng.choice(METRICS)} up {rng.randint(5, 40)}%" if rng.random() < 0.7 else None,
                rng.choice(PEOPLE),
                "Public" if public else "Internal",
                n if rng.random() < 0.3 else None,
                _date(rng) if horizon == "Done" else None,
                f"Design partner: {rng.choice(CUSTOMERS)}. Flag: `exp_{n}`." if rng.random() < 0.3 else None,
            ]

    def ideas() -> Iterator[list[Any]]:
        for n, ident in enumerate(idea_ids, 1):
            stage = rng.choice(STAGES)
            finished = stage in ("Successful", "Failed")
            metric = rng.choice(METRICS)
            parent = initiative_ids[rng.randrange(len(initiative_ids))] if rng.random() < 0.95 else ""
            yield [
                _repeat(rng, shape, ident, idea_ids[n - 2] if n > 1 else ""),
                f"{rng.choice(['Try', 'Test', 'Offer', 'Pilot'])} {rng.choice(OBJECTS)} idea {n}",
                _maybe_typo(rng, shape, parent),
                stage,
                f"If we improve {rng.choice(OBJECTS)}, it could solve slow answers and uplift {metric.lower()} by "
                f"{rng.randint(5, 40)}%",
                f"As a {rng.choice(PERSONAS).lower()[:-1]}, I want faster {rng.choice(OBJECTS)} so that I decide sooner"
                if rng.random() < 0.5
                else None,
                f"Ranks results by **views in the last {rng.randint(7, 90)} days** (idea {n})."
                if rng.random() < 0.6
                else None,
                metric,
                f"+{rng.randint(5, 40)}%",
                f"{rng.randint(-5, 45)}% after {rng.randint(2, 8)} weeks"
                if finished and rng.random() < 0.995
                else None,
                rng.choice(EFFORTS),
                rng.choice(VALUES),
                # an idea under an internal card stays internal (else a product rule warns)
                "Public" if parent in public_initiatives and rng.random() < 0.85 else "Internal",
            ]

    def objectives() -> Iterator[list[Any]]:
        for n, ident in enumerate(objective_ids, 1):
            results = "\n".join(
                f"{rng.choice(METRICS)} from {rng.randint(10, 40)}% to {rng.randint(41, 80)}%" for _ in range(3)
            )
            yield [
                ident,
                f"Make {rng.choice(OBJECTS)} the first place teams go for answers ({n})",
                results,
                f"{2025 + n % 3} H{1 + n % 2}",
                "Internal" if n % 10 == 0 else "Public",
            ]

    def theme_rows() -> Iterator[list[Any]]:
        for n, (name, color, description) in enumerate(themes):
            yield [name if n < len(THEMES) else f"{name} {n}", color, description]

    def feedback() -> Iterator[list[Any]]:
        for n in range(1, shape.feedback + 1):
            item = rng.choice(idea_ids) if rng.random() < 0.7 else rng.choice(initiative_ids)
            yield [
                f"FB-{n}",
                item,
                f"We have {rng.randint(2, 9)} versions of the same {rng.choice(OBJECTS)[:-1]} and nobody knows "
                f"which one is right (ticket {n}).",
                rng.choice(CUSTOMERS),
                rng.choice(SOURCES),
                _date(rng),
            ]

    def sprint_rows() -> Iterator[list[Any]]:
        for name, team, start in sprint_names:
            yield [name, start, start + dt.timedelta(days=13), f"Ship the {rng.choice(OBJECTS)} beta", team]

    def tasks() -> Iterator[list[Any]]:
        task_ids = [f"TASK-{n}" for n in range(1, shape.tasks + 1)]
        for n, ident in enumerate(task_ids, 1):
            status = rng.choices(STATUSES, weights=[3, 2, 1, 1, 5])[0]
            sprint = sprint_names[rng.randrange(len(sprint_names))] if rng.random() < 0.9 else None
            done_on = None
            if status == "Done" and sprint is not None and rng.random() < 0.99:
                done_on = sprint[2] + dt.timedelta(days=rng.randrange(14))
            yield [
                _repeat(rng, shape, ident, task_ids[n - 2] if n > 1 else ""),
                f"{rng.choice(['Wire', 'Cache', 'Index', 'Draw', 'Test', 'Document'])} {rng.choice(OBJECTS)} step {n}",
                sprint[0] if sprint else None,
                _maybe_typo(rng, shape, idea_ids[rng.randrange(len(idea_ids))] if rng.random() < 0.8 else ""),
                status,
                rng.choice([1, 2, 3, 5, 8]) if rng.random() < 0.995 else None,
                rng.choice(PEOPLE),
                done_on,
            ]

    yield (
        "Initiatives",
        [
            "ID",
            "Title",
            "Horizon",
            "Theme",
            "Tags",
            "Objectives",
            "Problem",
            "Description",
            "Outcome",
            "Owner",
            "Visibility",
            "Rank",
            "Completed",
            "Notes",
        ],
        initiatives(),
    )
    yield (
        "Ideas",
        [
            "ID",
            "Title",
            "Initiative",
            "Stage",
            "Hypothesis",
            "User story",
            "Description",
            "Metric",
            "Target",
            "Actual",
            "Effort",
            "Value",
            "Visibility",
        ],
        ideas(),
    )
    yield "Objectives", ["ID", "Objective", "Key results", "Period", "Visibility"], objectives()
    yield "Themes", ["Name", "Color", "Description"], theme_rows()
    yield "Feedback", ["ID", "Item", "Feedback", "Customer", "Source", "Date"], feedback()
    yield "Sprints", ["Sprint", "Start", "End", "Goal", "Team"], sprint_rows()
    yield "Tasks", ["ID", "Title", "Sprint", "Item", "Status", "Estimate", "Assignee", "Done on"], tasks()


def _sprint_names(shape: Shape) -> list[tuple[str, str, dt.date]]:
    """(name, team, start) of every sprint: teams take turns, two weeks each, never overlapping."""
    teams = TEAMS[: max(1, min(len(TEAMS), shape.sprints // 10))]
    result = []
    for n in range(shape.sprints):
        team = teams[n % len(teams)]
        round_ = n // len(teams)
        result.append((f"{team} sprint {round_ + 1}", team, START + dt.timedelta(days=14 * round_)))
    return result


# --- files -----------------------------------------------------------------------------------------------------


def write_workbook(shape: Shape, path: Path) -> Path:
    """Write `shape` as a real .xlsx at `path` (streamed with openpyxl's write-only mode)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    for title, header, rows in sheets(shape):
        sheet = workbook.create_sheet(title)
        sheet.freeze_panes = "A2"
        bold = [WriteOnlyCell(sheet, value=h) for h in header]
        for cell in bold:
            cell.font = Font(bold=True)
        sheet.append(bold)
        for row in rows:
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    streamed = path.with_suffix(".streamed.xlsx")
    partial = path.with_suffix(".partial.xlsx")
    workbook.save(streamed)
    save_like_excel(streamed, partial)
    streamed.unlink()
    os.replace(partial, path)  # a killed run never leaves a half-written file under the final name
    return path


_INLINE_CELL = re.compile(rb'<c ([^>]*?)t="inlineStr"><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>', re.S)
_CELL_REF = re.compile(rb'<c r="([A-Z]+)(\d+)"')
_SHEET_DATA = b"<sheetData>"
_SST_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
_MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def save_like_excel(src: Path, dst: Path) -> None:
    """Rewrite an openpyxl workbook the way Excel and LibreOffice save it.

    openpyxl writes every text cell as an inline string and leaves out the
    sheet's `<dimension>`; Excel, LibreOffice and Google Sheets keep text in
    one shared-string table and state each sheet's used range. Readers take
    different paths for the two (openpyxl reads inline strings several times
    slower), so the benchmark reads files shaped like the ones teams save.
    The cell text is moved as it is (already XML-escaped), nothing else changes.
    """
    strings: dict[bytes, int] = {}
    count = 0

    def shared(match: re.Match[bytes]) -> bytes:
        nonlocal count
        count += 1
        index = strings.setdefault(match.group(2), len(strings))
        return b"<c " + match.group(1) + b't="s"><v>' + str(index).encode() + b"</v></c>"

    with zipfile.ZipFile(src) as source, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = _INLINE_CELL.sub(shared, data)
                refs = _CELL_REF.findall(data)
                if refs:
                    last_col = max((c for c, _ in refs), key=lambda c: (len(c), c)).decode()
                    dimension = f'<dimension ref="A1:{last_col}{int(refs[-1][1])}"/>'.encode()
                    data = data.replace(b"<sheetViews>", dimension + b"<sheetViews>", 1)
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + _SST_TYPE + b'"/></Types>',
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Type="' + _SST_REL + b'" Target="sharedStrings.xml" Id="rIdSst"/></Relationships>',
                )
            target.writestr(info, data)
        table = b"".join(b'<si><t xml:space="preserve">' + text + b"</t></si>" for text in strings)
        target.writestr(
            "xl/sharedStrings.xml",
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="'
            + _MAIN_NS
            + f'" count="{count}" uniqueCount="{len(strings)}">'.encode()
            + table
            + b"</sst>",
        )


def workbook(shape: Shape, folder: Path | None = None) -> Path:
    """The cached workbook of `shape`, written first if missing."""
    path = (folder or cache_dir()) / shape.filename
    if not path.exists():
        # Written by a process of its own: writing a big workbook grows a process to about 1 GB, and
        # every command the benchmark starts afterwards would report that as its own peak memory
        # (a forked child's ru_maxrss starts from its parent's, and keeps it across exec).
        writer = [sys.executable, __file__, "--only", shape.name, "--dir", str(path.parent)]
        subprocess.run(writer, check=True, stdout=subprocess.DEVNULL)
    return path


def hugo_site(pages: int, folder: Path | None = None, seed: int = 20261101) -> Path:
    """A Hugo project of `pages` initiative pages with the same kind of Markdown sheetmap renders.

    Each page has the card's front matter and a body of why (Problem), what
    (Description) and its ideas with hypothesis, target and description, so
    Hugo converts about as much Markdown per page as a sheetmap initiative
    page holds. The home page lists every page, as the roadmap board does.
    """
    root = (folder or cache_dir()) / f"hugo-{pages}-v{VERSION}"
    if (root / ".complete").exists():
        return root
    rng = random.Random(seed)
    content = root / "content" / "initiatives"
    content.mkdir(parents=True, exist_ok=True)
    (root / "config.toml").write_text(
        'baseURL = "/"\nlanguageCode = "en-us"\ntitle = "Roadmap"\nrelativeURLs = true\n'
        'disableKinds = ["taxonomy", "term"]\n',
        encoding="utf-8",
    )
    layouts = root / "layouts" / "_default"
    layouts.mkdir(parents=True, exist_ok=True)
    (layouts / "baseof.html").write_text(
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title>'
        '<link rel="stylesheet" href="/style.css"></head><body>\n<header><nav><a href="/">Roadmap</a> '
        '<a href="/completed/">Completed</a> <a href="/objectives/">Objectives</a></nav></header>\n'
        '<main>{{ block "main" . }}{{ end }}</main>\n<footer>Roadmap</footer></body></html>\n',
        encoding="utf-8",
    )
    (layouts / "single.html").write_text(
        '{{ define "main" }}<article><h1>{{ .Title }}</h1><p class="meta">{{ .Params.horizon }} · '
        "{{ .Params.theme }}</p>{{ .Content }}</article>{{ end }}\n",
        encoding="utf-8",
    )
    (layouts / "list.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">'
        "{{ .Title }}</a> {{ .Params.horizon }}</li>{{ end }}</ul>{{ end }}\n",
        encoding="utf-8",
    )
    (root / "layouts" / "index.html").write_text(
        '{{ define "main" }}<h1>Roadmap</h1><ul>{{ range .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">'
        "{{ .Title }}</a> {{ .Params.horizon }} {{ .Params.theme }}</li>{{ end }}</ul>{{ end }}\n",
        encoding="utf-8",
    )
    for n in range(1, pages + 1):
        ident = f"INIT-{n}"
        ideas = []
        for k in range(rng.randint(0, 4)):
            ideas.append(
                f"### IDEA-{n}-{k}: Try {rng.choice(OBJECTS)} idea\n\n"
                f"*{rng.choice(STAGES)}* — If we improve {rng.choice(OBJECTS)}, it could solve slow answers and "
                f"uplift {rng.choice(METRICS).lower()} by {rng.randint(5, 40)}%. Target +{rng.randint(5, 40)}%.\n\n"
                f"Ranks results by **views in the last {rng.randint(7, 90)} days** (idea {k}).\n"
            )
        body = (
            f"## Why\n\n{_problem_md(rng, n)}\n\n## What\n\n{_description_md(rng, n, ident)}\n\n"
            f"## Ideas\n\n" + "\n".join(ideas)
        )
        title = _problem_title(rng).replace('"', "'") + f" #{n}"
        (content / f"init-{n}.md").write_text(
            f'---\ntitle: "{title}"\nhorizon: "{rng.choice(["Now", "Next", "Later"])}"\n'
            f'theme: "{rng.choice(THEMES)[0]}"\n---\n\n{body}',
            encoding="utf-8",
        )
    (root / ".complete").write_text("", encoding="utf-8")
    return root


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help=f"shapes to write (default: all of {', '.join(SHAPES)})")
    parser.add_argument("--dir", type=Path, default=None, help=f"output folder (default: {cache_dir()})")
    parser.add_argument("--only", help="write this one shape in this process (how `workbook` writes each)")
    args = parser.parse_args(argv)
    everything = {**SHAPES, **SMOKE_SHAPES}
    if args.only:
        write_workbook(everything[args.only], (args.dir or cache_dir()) / everything[args.only].filename)
        return
    for name in args.names or list(SHAPES):
        shape = everything[name]
        started = time.perf_counter()
        path = workbook(shape, args.dir)
        print(f"{shape.name}: {shape.rows:,} rows -> {path} ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
