"""`sheetmap init`: a starter workbook, config and CI workflow that work as written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from conftest import run_sheetmap
from sheetmap.config import KNOWN_KEYS, load_config
from sheetmap.init import WorkflowOptions, config_text, init_project, workflow_text
from sheetmap.schema import SHEETS
from sheetmap.starter import START_HERE, starter_workbook

FILES = ["roadmap.xlsx", "sheetmap.yml", ".github/workflows/roadmap.yml"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder made by the real `sheetmap init`, shared by the read-only tests below."""
    root = tmp_path_factory.mktemp("init")
    result = run_sheetmap("init", "team-roadmap", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "cd team-roadmap" in result.stdout
    return root / "team-roadmap"


@pytest.fixture(scope="module")
def book(project: Path) -> Any:
    return openpyxl.load_workbook(project / "roadmap.xlsx")


def test_init_writes_the_three_files(project: Path) -> None:
    assert sorted(p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()) == sorted(FILES)


def test_the_workbook_has_every_sheet_with_its_headers_frozen(book: Any) -> None:
    assert book.sheetnames == [START_HERE, *(s.name for s in SHEETS)]
    assert book.active.title == "Initiatives"
    for spec in SHEETS:
        ws = book[spec.name]
        assert [c.value for c in ws[1]] == [c.name for c in spec.columns], spec.name
        assert ws.freeze_panes == "A2"
        assert all(c.font.b for c in ws[1])
        for letter in "AB":
            assert ws.column_dimensions[letter].width >= 10


def _validations(ws: Any) -> dict[str, Any]:
    """Column letter -> its data validation (each covers one column's data rows)."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        (area,) = str(dv.sqref).split()
        start, end = area.split(":")
        assert start[1:] == "2" and int(end[1:]) >= 200
        found[start[0]] = dv
    return found


def test_every_column_explains_itself_where_a_user_sees_it(book: Any) -> None:
    for spec in SHEETS:
        ws = book[spec.name]
        validations = _validations(ws)
        for index, column in enumerate(spec.columns):
            header = ws.cell(row=1, column=index + 1)
            assert header.comment is not None and column.help in header.comment.text
            dv = validations[header.column_letter]
            assert dv.showInputMessage and dv.prompt == column.help and dv.promptTitle == column.name


def test_fixed_choice_columns_have_drop_downs(book: Any) -> None:
    seen = set()
    for spec in SHEETS:
        validations = _validations(book[spec.name])
        for index, column in enumerate(spec.columns):
            if column.kind != "choice":
                continue
            dv = validations[openpyxl.utils.get_column_letter(index + 1)]
            assert dv.type == "list"
            assert dv.formula1 == '"' + ",".join(column.choices) + '"'
            seen.add(column.name)
    assert seen == {"Horizon", "Visibility", "Stage", "Status", "Effort", "Value"}


@pytest.mark.parametrize(
    ("sheet", "letter", "formula"),
    [
        ("Initiatives", "D", "Themes!$A$2:$A$501"),  # Theme
        ("Ideas", "C", "Initiatives!$A$2:$A$501"),  # Initiative
        ("Tasks", "C", "Sprints!$A$2:$A$501"),  # Sprint
    ],
)
def test_references_drop_down_the_ids_of_their_sheet(book: Any, sheet: str, letter: str, formula: str) -> None:
    dv = _validations(book[sheet])[letter]
    assert (dv.type, dv.formula1, dv.showErrorMessage) == ("list", formula, True)


def test_the_example_rows_pass_strict_validation(project: Path) -> None:
    result = run_sheetmap("validate", "--strict", "--format", "json", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == {"errors": 0, "warnings": 0, "notices": 0, "problems": []}


def test_the_example_rows_fill_every_sheet(book: Any) -> None:
    for spec in SHEETS:
        assert book[spec.name].max_row >= 2, spec.name


def test_init_then_build_publishes_public_and_internal_sites(tmp_path: Path) -> None:
    assert run_sheetmap("init", cwd=tmp_path).returncode == 0
    public = run_sheetmap("build", cwd=tmp_path)
    assert public.returncode == 0, public.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    internal = run_sheetmap("build", "--audience", "internal", cwd=tmp_path)
    assert internal.returncode == 0, internal.stderr
    assert (tmp_path / "site-internal" / "index.html").is_file()
    pages = [p for p in (tmp_path / "site").rglob("*") if p.suffix in {".html", ".json", ".xml"}]
    published = "\n".join(p.read_text("utf-8") for p in pages)
    assert "New customers don't know where to start" in published.replace("&#39;", "'")
    for internal_only in ("Example Co", "talk to Finance", "Invoices are hard to reconcile", "Sprint 1", "Alex"):
        assert internal_only not in published
    assert "Sprint 1" in (tmp_path / "site-internal" / "sprints" / "index.html").read_text("utf-8")


def test_the_config_is_valid_and_mentions_every_setting(project: Path) -> None:
    config = load_config(project / "sheetmap.yml")
    assert config.sources == (str(project / "roadmap.xlsx"),)
    assert config.default_visibility == "Internal"
    text = config_text()
    for key in KNOWN_KEYS:
        assert f"\n{key}:" in text or f"\n# {key}:" in text, key


def _workflow(text: str) -> dict[Any, Any]:
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as true
    return data


def test_the_workflow_builds_on_push_schedule_and_demand_and_deploys_to_pages(project: Path) -> None:
    flow = _workflow((project / ".github/workflows/roadmap.yml").read_text("utf-8"))
    assert "roadmap.xlsx" in flow["on"]["push"]["paths"] and "sheetmap.yml" in flow["on"]["push"]["paths"]
    assert flow["on"]["schedule"] == [{"cron": "23 4 * * *"}]
    assert "workflow_dispatch" in flow["on"]
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert flow["concurrency"]["group"] == "pages"
    build = flow["jobs"]["build"]["steps"]
    assert [s.get("uses") for s in build if "uses" in s] == [
        "actions/checkout@v4",
        "actions/setup-python@v5",
        "actions/configure-pages@v5",
        "actions/upload-pages-artifact@v3",
    ]
    runs = [s["run"] for s in build if "run" in s]
    assert runs == [
        "pip install sheetmap",
        'echo "SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)" >> "$GITHUB_ENV"',
        "sheetmap validate --format github",
        # each run starts empty: the change feed is computed against the published roadmap.json
        'sheetmap build --out site --previous "$PAGES_URL/roadmap.json"',
    ]
    built = next(s for s in build if s.get("run", "").startswith("sheetmap build"))
    assert built["env"]["PAGES_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert next(s for s in build if s.get("uses") == "actions/upload-pages-artifact@v3")["with"] == {"path": "site"}
    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][0]["uses"] == "actions/deploy-pages@v4"


def test_workflow_options_leave_room_for_variants() -> None:
    options = WorkflowOptions(
        watch=("sheetmap.yml",),
        env={"SHEETMAP_GOOGLE_CREDENTIALS": "${{ secrets.SHEETMAP_GOOGLE_CREDENTIALS }}"},
        setup=("echo ready",),
        cron="0 * * * *",
        build_args="",
    )
    flow = _workflow(workflow_text(options))
    assert flow["on"]["push"]["paths"] == ["sheetmap.yml"]
    assert flow["on"]["schedule"] == [{"cron": "0 * * * *"}]
    steps = flow["jobs"]["build"]["steps"]
    with_env = [s["run"] for s in steps if "env" in s]
    assert with_env == ["sheetmap validate --format github", "sheetmap build --out site"]
    assert steps[3] == {"run": "echo ready"}
    secret = next(s["env"] for s in steps if "env" in s)["SHEETMAP_GOOGLE_CREDENTIALS"]
    assert secret == "${{ secrets.SHEETMAP_GOOGLE_CREDENTIALS }}"


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    (tmp_path / "sheetmap.yml").write_text("title: Ours\n")
    result = run_sheetmap("init", cwd=tmp_path)
    assert result.returncode == 2
    assert "sheetmap.yml already exists; nothing was written" in result.stderr
    assert "--force" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheetmap.yml"]
    assert (tmp_path / "sheetmap.yml").read_text() == "title: Ours\n"
    forced = run_sheetmap("init", ".", "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert (tmp_path / "sheetmap.yml").read_text() == config_text()
    assert (tmp_path / "roadmap.xlsx").is_file()


def test_init_into_a_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "roadmap").write_text("not a folder")
    result = run_sheetmap("init", "roadmap", cwd=tmp_path)
    assert result.returncode == 2
    assert "is a file, not a folder" in result.stderr


def test_the_starter_files_are_the_same_bytes_every_time(tmp_path: Path) -> None:
    assert starter_workbook() == starter_workbook()
    first = init_project(tmp_path / "a")
    second = init_project(tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
