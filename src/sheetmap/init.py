"""`sheetmap init`: everything a team needs to start from nothing.

Writes a starter workbook (`starter.py`), a commented `sheetmap.yml` and a
GitHub Actions workflow that validates, builds and publishes the site to
GitHub Pages on every change, every night and on demand. Existing files are
never overwritten unless asked: all files are checked before any is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sheetmap.atomic_file import write_atomically
from sheetmap.errors import SheetmapError

WORKBOOK = "roadmap.xlsx"
CONFIG = "sheetmap.yml"
WORKFLOW = ".github/workflows/roadmap.yml"


@dataclass(frozen=True)
class WorkflowOptions:
    """What the CI workflow depends on; variants (e.g. a Google Sheets source) set these.

    `watch` are the repository paths whose changes trigger a rebuild; `env`
    is set on the validate and build steps (e.g. a credentials secret);
    `setup` are extra shell lines run after installing sheetmap.
    """

    watch: tuple[str, ...] = (WORKBOOK, CONFIG, "site_templates/**", WORKFLOW)
    branch: str = "main"
    #: nightly, at an odd minute so it does not queue behind everyone's midnight jobs
    cron: str = "23 4 * * *"
    python: str = "3.12"
    install: str = "pip install sheetmap"
    env: Mapping[str, str] = field(default_factory=lambda: {"PAGES_URL": "${{ steps.pages.outputs.base_url }}"})
    #: The change feed's dates come from the data; in CI the commit time of the
    #: workbook is the better date for "moved" and "added" entries.
    setup: tuple[str, ...] = ('echo "SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)" >> "$GITHUB_ENV"',)
    #: the public site's folder, as in sheetmap.yml
    site: str = "site"
    #: more arguments for `sheetmap build` (shell syntax; `env` is set on that step).
    #: Each run starts from an empty folder: the change feed is computed against the published data.
    build_args: str = '--previous "$PAGES_URL/roadmap.json"'
    #: upload and deploy only when the built site differs from the published one
    deploy_only_changes: bool = False
    comment: str = (
        "Rebuilds the roadmap website from the workbook and publishes it to GitHub Pages:\n"
        "when the workbook or settings change on the main branch, every night, and on demand\n"
        "(Actions > Roadmap > Run workflow).\n"
        "One-time setup: Settings > Pages > Build and deployment > Source: GitHub Actions."
    )


def workflow_text(options: WorkflowOptions | None = None) -> str:
    """The GitHub Actions workflow (YAML) for `options`."""
    o = options or WorkflowOptions()
    header = "".join(f"# {line}\n" if line else "#\n" for line in o.comment.splitlines())
    watch = "".join(f"      - {_yaml_str(path)}\n" for path in o.watch)
    env = ""
    if o.env:
        env = "        env:\n" + "".join(f"          {name}: {_yaml_str(value)}\n" for name, value in o.env.items())
    setup = "".join(f"      - run: {_yaml_str(line)}\n" for line in o.setup)
    build_args = f" {o.build_args}" if o.build_args else ""
    outputs, compare, upload_if, deploy_if = ("", "", "", "")
    if o.deploy_only_changes:
        outputs = "    outputs:\n      changed: ${{ steps.compare.outputs.changed }}\n"
        compare = _COMPARE_STEP.replace("{site}", o.site)
        upload_if = "        if: steps.compare.outputs.changed == 'true'\n"
        deploy_if = "    if: needs.build.outputs.changed == 'true'\n"
    return f"""{header}name: Roadmap

on:
  push:
    branches: [{o.branch}]
    paths:
{watch}  schedule:
    - cron: "{o.cron}"
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

# One publish at a time; a newer run waits rather than cancelling one half-way.
concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
{outputs}    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "{o.python}"
      - name: Install sheetmap
        run: {o.install}
{setup}      - uses: actions/configure-pages@v5
        id: pages
      - name: Check the workbook
        # Problems appear as annotations on the run, and in full in this step's log.
        run: sheetmap validate --format github
{env}      - name: Build the site
        run: sheetmap build --out {o.site}{build_args}
{env}{compare}      - uses: actions/upload-pages-artifact@v3
{upload_if}        with:
          path: {o.site}

  deploy:
    needs: build
{deploy_if}    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - name: Publish to GitHub Pages
        id: deployment
        uses: actions/deploy-pages@v4
"""


# sheetmap writes the same bytes for the same input, so a digest of every file
# tells whether this build differs from the site online, whose digest is
# published next to it. Unknown (first deploy, unreachable): deploy.
_COMPARE_STEP = """\
      - name: Compare with the published site
        id: compare
        env:
          PAGES_URL: ${{ steps.pages.outputs.base_url }}
        run: |
          files=$(cd {site} && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
          digest=$(echo "$files" | sha256sum | cut -c 1-64)
          published=$(curl -fsSL --max-time 30 "$PAGES_URL/sheetmap-build.txt?run=$GITHUB_RUN_ID" || true)
          echo "$digest" > {site}/sheetmap-build.txt
          if [ "$digest" = "$published" ]; then
            echo "The published site is already this one: nothing to deploy."
            echo "changed=false" >> "$GITHUB_OUTPUT"
          else
            echo "changed=true" >> "$GITHUB_OUTPUT"
          fi
"""


def _yaml_str(value: str) -> str:
    """A YAML scalar that stays the string it is (globs and `${{ … }}` included)."""
    if value.startswith("${{"):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def config_text(source: str = WORKBOOK) -> str:
    """The starter `sheetmap.yml`: the settings a team needs, and every other one commented out."""
    return f"""# sheetmap settings. Every setting is optional; paths are relative to this file.
# Check this file and the workbook with `sheetmap validate`.

# The site's title, and a sentence shown under it.
title: Product roadmap
description: What we are working on now, what comes next, and what we are exploring for later.

# The workbooks (or CSV folders, or Google Sheets URLs) read when no source is named
# on the command line: `sheetmap build` then builds from these.
sources:
  - {WORKBOOK if source == WORKBOOK else _yaml_str(source)}

# What an empty Visibility cell means. Internal keeps everything off the public site
# until a row is marked Public, so nothing is published by accident.
default_visibility: Internal

# Which site `sheetmap build` makes without --audience: public or internal.
default_audience: public

# Where each audience's site is written.
audiences:
  public:
    out: site
  internal:
    out: site-internal

# Brand colour for links and highlights. Keep the quotes: YAML reads # as a comment.
brand_color: "#2f5bd3"

# The published address, for the change feed and search engines.
# base_url: https://your-org.github.io/roadmap/

# A logo and a favicon shown on every page.
# logo: logo.png
# favicon: favicon.png

# How strict each check is: error, warning, notice or off, per problem code
# (the codes are listed in sheetmap's validation docs). Errors stop a build;
# warnings fail it only with --strict.
# rules:
#   tactical-card: off
#   now-needs-detail: error

# Your own words for the fixed values, per column: horizon, visibility, stage,
# status, effort or value.
# synonyms:
#   horizon:
#     this quarter: Now
#     next quarter: Next
#   status:
#     waiting: Blocked

# Other names for sheets (tabs) and columns, if your workbook uses its own.
# aliases:
#   sheets:
#     Initiatives: [Our roadmap]
#   Initiatives:
#     Horizon: [When]

# Dates typed as text in your own style, e.g. 31.03.2026. Real spreadsheet dates
# and 2026-03-31 always work.
# date_format: "%d.%m.%Y"

# Labels shown for the horizons on the site.
# horizon_labels:
#   Now: Doing now
#   Later: Exploring

# Links in the footer of every page.
# footer_links:
#   - title: Our blog
#     url: https://example.com/blog

# A folder of your own templates that replace the built-in ones file by file.
# templates: site_templates

# Google Sheets only: a folder where the last good download is kept;
# `sheetmap build --offline` builds from it when Google cannot be reached.
# snapshot: .sheetmap-snapshot
"""


def starter_files(workflow: WorkflowOptions | None = None, source: str = WORKBOOK) -> dict[str, bytes]:
    """Relative path -> content of every file `sheetmap init` writes."""
    from sheetmap.starter import starter_workbook

    return {
        WORKBOOK: starter_workbook(),
        CONFIG: config_text(source).encode("utf-8"),
        WORKFLOW: workflow_text(workflow).encode("utf-8"),
    }


def init_project(
    directory: Path, *, force: bool = False, workflow: WorkflowOptions | None = None, source: str = WORKBOOK
) -> list[Path]:
    """Write the starter files into `directory` (created if needed); return their paths.

    Raises SheetmapError, writing nothing, when any of them exists and
    `force` is not set.
    """
    if directory.exists() and not directory.is_dir():
        raise SheetmapError(
            f"{directory} is a file, not a folder. Name a new or existing folder: sheetmap init my-roadmap"
        )
    files = starter_files(workflow, source)
    existing = [name for name in files if (directory / name).exists()]
    if existing and not force:
        listed = ", ".join(str(directory / name) for name in existing)
        raise SheetmapError(
            f"{listed} already exist{'s' if len(existing) == 1 else ''}; nothing was written. "
            "Run `sheetmap init --force` to replace them, or start in a new folder: sheetmap init my-roadmap"
        )
    written = []
    for name, content in files.items():
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        # A half-written workbook is worse than none.
        write_atomically(target, content, mode=0o644)
        written.append(target)
    return written


def next_steps(directory: Path, written: list[Path]) -> str:
    """What to do after `sheetmap init`, for the person who just ran it."""
    into = "" if directory.resolve() == Path.cwd().resolve() else f"  cd {directory}\n"
    files = "\n".join(f"  {path}" for path in written)
    return (
        f"Wrote:\n{files}\n\n"
        "Next:\n"
        f"{into}"
        f"  sheetmap validate          # check {WORKBOOK}: every problem with its cell and a fix\n"
        "  sheetmap build             # the public site, in site/\n"
        "  sheetmap build --audience internal   # the team's site with sprints, in site-internal/\n\n"
        f"Replace the example rows in {WORKBOOK} with your own (the 'Start here' tab explains each column).\n"
        "To publish with GitHub Pages: push this folder to GitHub, then in the repository choose\n"
        "Settings > Pages > Source: GitHub Actions. The site then rebuilds on every change and every night."
    )
