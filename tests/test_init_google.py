"""`sheetmap init --google URL`: the nightly GitHub Pages workflow for a Google Sheet.

Besides its shape, the workflow's own shell steps are run, night after night,
as GitHub would run them (bash -eo pipefail, with the secret and the Pages
URL filled in): against the loopback Google stand-in holding the starter
workbook, and a loopback web server playing the published GitHub Pages site.
The `uses:` steps are GitHub's own actions; deploying is copying the site.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import run_sheetmap, serve_folder
from fake_google import FakeGoogle, generate_private_key, service_account_info
from google_workbook import google_env, spreadsheet_from_xlsx

EMAIL = "roadmap-bot@team-roadmap.iam.gserviceaccount.com"
KEY = "1TeamRoadmapGoogleSheetKey_0123456789-abcdefg"
URL = f"https://docs.google.com/spreadsheets/d/{KEY}/edit"
SECRET = "SHEETMAP_GOOGLE_CREDENTIALS"


def _workflow(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as true
    return dict(data)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("init-google")
    result = run_sheetmap("init", "team-roadmap", "--google", URL + "#gid=0", cwd=root)
    assert result.returncode == 0, result.stderr
    assert f"repository secret {SECRET}" in result.stdout and "Settings > Pages" in result.stdout
    assert "       cd team-roadmap\n" in result.stdout
    return root / "team-roadmap"


def test_the_config_names_the_sheet(project: Path) -> None:
    text = (project / "sheetmap.yml").read_text(encoding="utf-8")
    assert f'sources:\n  - "{URL}"\n' in text  # canonical: no #gid, no ?usp=sharing
    assert (project / "roadmap.xlsx").is_file()  # a template for a new sheet


def test_the_workflow_runs_nightly_and_on_demand_with_the_secret(project: Path) -> None:
    flow = _workflow(project / ".github/workflows/roadmap.yml")

    assert flow["on"]["schedule"] == [{"cron": "23 4 * * *"}]
    assert "workflow_dispatch" in flow["on"]
    assert flow["on"]["push"]["paths"] == ["sheetmap.yml", "site_templates/**", ".github/workflows/roadmap.yml"]
    steps = flow["jobs"]["build"]["steps"]
    with_secret = [s["run"] for s in steps if SECRET in s.get("env", {})]
    assert with_secret == [
        "sheetmap validate --format github",
        'sheetmap build --out site --previous "$PAGES_URL/roadmap.json"',
    ]
    for step in steps:
        if SECRET in step.get("env", {}):
            assert step["env"][SECRET] == "${{ secrets.SHEETMAP_GOOGLE_CREDENTIALS }}"
    # Deploy only when the site changed.
    assert flow["jobs"]["build"]["outputs"] == {"changed": "${{ steps.compare.outputs.changed }}"}
    upload = next(s for s in steps if s.get("uses") == "actions/upload-pages-artifact@v3")
    assert upload["if"] == "steps.compare.outputs.changed == 'true'"
    assert flow["jobs"]["deploy"]["if"] == "needs.build.outputs.changed == 'true'"
    assert flow["jobs"]["deploy"]["steps"][0]["uses"] == "actions/deploy-pages@v4"
    # configure-pages comes first: it fails early when Pages is off, and gives the site's URL.
    uses = [s.get("uses") or s.get("name") for s in steps]
    assert uses.index("actions/configure-pages@v5") < uses.index("Check the workbook")


def test_a_publish_to_the_web_link_is_refused_and_nothing_written(tmp_path: Path) -> None:
    result = run_sheetmap(
        "init", "x", "--google", "https://docs.google.com/spreadsheets/d/e/2PACX-1vQ/pubhtml", cwd=tmp_path
    )
    assert result.returncode == 2
    assert "is a 'Publish to the web' link" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x").exists()


# --------------------------------------------------------------------------- running the workflow


@dataclass
class Pages:
    """A loopback GitHub Pages: serves `root/roadmap/` at base_url, as a project site."""

    root: Path
    base_url: str

    @property
    def folder(self) -> Path:
        return self.root / "roadmap"

    def deploy(self, site: Path) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        shutil.copytree(site, self.folder)


@pytest.fixture
def pages(tmp_path: Path) -> Iterator[Pages]:
    root = tmp_path / "pages"
    root.mkdir()
    with serve_folder(root) as address:
        yield Pages(root, f"{address}/roadmap")


@pytest.fixture
def fake() -> Iterator[FakeGoogle]:
    with FakeGoogle() as server:
        yield server


@dataclass
class Night:
    returncodes: list[int]
    output: str
    changed: str | None


def run_build_job(project: Path, checkout: Path, pages: Pages, secret: str, run_id: int) -> Night:
    """The build job's shell steps, in order, as a fresh GitHub runner runs them; stops at the first failure."""
    shutil.rmtree(checkout, ignore_errors=True)
    shutil.copytree(project, checkout)  # actions/checkout: a clean folder every night
    github_output = checkout.parent / f"github-output-{run_id}"
    github_output.write_text("", encoding="utf-8")
    expressions = {"secrets.SHEETMAP_GOOGLE_CREDENTIALS": secret, "steps.pages.outputs.base_url": pages.base_url}
    flow = _workflow(checkout / ".github/workflows/roadmap.yml")
    codes, output = [], ""
    for step in flow["jobs"]["build"]["steps"]:
        if "run" not in step or step["run"].startswith("pip install"):
            continue  # GitHub's actions, and installing sheetmap, which is installed here
        assert "${{" not in step["run"]  # untrusted values reach scripts only through env
        env = {
            name: re.sub(r"\$\{\{\s*(.+?)\s*\}\}", lambda m: expressions[m.group(1)], str(value))
            for name, value in step.get("env", {}).items()
        }
        script = checkout.parent / f"step-{run_id}.sh"
        script.write_text(step["run"], encoding="utf-8")
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=checkout,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={
                **os.environ,
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                "GITHUB_OUTPUT": str(github_output),
                "GITHUB_RUN_ID": str(run_id),
                "NO_PROXY": "127.0.0.1,localhost",
                "no_proxy": "127.0.0.1,localhost",
                **env,
            },
        )
        codes.append(done.returncode)
        output += done.stdout + done.stderr
        if done.returncode:
            break
    outputs = dict(line.split("=", 1) for line in github_output.read_text(encoding="utf-8").splitlines() if "=" in line)
    return Night(codes, output, outputs.get("changed"))


def test_nights_publish_only_changes_and_failures_leave_the_site(
    tmp_path: Path, project: Path, pages: Pages, fake: FakeGoogle, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = generate_private_key()
    fake.register(EMAIL, key)
    # The team uploaded the starter workbook to Drive and saved it as a Google Sheet.
    sheet = fake.add(spreadsheet_from_xlsx(project / "roadmap.xlsx", key=KEY, title="Roadmap", shared_with={EMAIL}))
    info = service_account_info(key, email=EMAIL, token_uri=fake.token_uri)
    secret = google_env(fake, info)[SECRET]
    monkeypatch.setenv("SHEETMAP_GOOGLE_API", fake.url)  # the runner's environment reaches every step
    checkout = tmp_path / "checkout"
    # Night 1: nothing published yet.
    first = run_build_job(project, checkout, pages, secret, run_id=1)
    assert first.returncodes == [0, 0, 0], first.output
    assert "No roadmap.json at" in first.output  # --previous: the first publish starts a fresh feed
    assert first.changed == "true"
    digest = (checkout / "site" / "sheetmap-build.txt").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    pages.deploy(checkout / "site")  # the deploy job ran

    # Night 2: the sheet did not change; the same site is not deployed again.
    second = run_build_job(project, checkout, pages, secret, run_id=2)
    assert second.returncodes == [0, 0, 0], second.output
    assert second.changed == "false"
    assert "The published site is already this one: nothing to deploy." in second.output
    assert (checkout / "site" / "sheetmap-build.txt").read_text(encoding="utf-8").strip() == digest

    # Night 3: a card moved from Next to Now; the new site is deployed, with the move in the feed.
    initiatives = next(tab for tab in sheet.tabs if tab.title == "Initiatives")
    row = next(r for r in initiatives.rows if r and r[0] == "INIT-2")
    row[2] = "Now"
    third = run_build_job(project, checkout, pages, secret, run_id=3)
    assert third.returncodes == [0, 0, 0], third.output
    assert third.changed == "true"
    feed = (checkout / "site" / "feed.xml").read_text(encoding="utf-8")
    # Computed against the published roadmap.json, fetched through --previous.
    assert "<title>Moved to Now: Teams can't find the report they need</title>" in feed
    assert "<summary>Moved from Next to Now." in feed
    pages.deploy(checkout / "site")
    published = {p.relative_to(pages.folder): p.read_bytes() for p in pages.folder.rglob("*") if p.is_file()}

    # Night 4: someone removed the robot from the sheet's sharing. The run stops at the check,
    # with an annotation saying what to do, and nothing reaches the deploy job.
    sheet.shared_with.clear()
    fourth = run_build_job(project, checkout, pages, secret, run_id=4)
    assert fourth.returncodes == [2], fourth.output
    assert f"::error title=sheetmap::The service account {EMAIL} cannot open the spreadsheet" in fourth.output
    assert fourth.changed is None
    assert {p.relative_to(pages.folder): p.read_bytes() for p in pages.folder.rglob("*") if p.is_file()} == published
    for material in (info["private_key_id"], info["private_key"].splitlines()[1]):
        assert material not in first.output + second.output + third.output + fourth.output


def test_the_guide_shows_the_workflow_init_writes(project: Path) -> None:
    guide = (Path(__file__).resolve().parent.parent / "docs" / "publishing.md").read_text(encoding="utf-8")
    written = (project / ".github/workflows/roadmap.yml").read_text(encoding="utf-8")
    assert f"```yaml\n{written}```" in guide
