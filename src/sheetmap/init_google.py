"""`sheetmap init --google URL`: a project that publishes a Google Sheet every night.

The files are `init.py`'s, with three differences: `sheetmap.yml` names the
spreadsheet instead of the starter workbook (which is still written, as a
template for a new sheet); the workflow hands the service-account key to the
steps that read the sheet, from the `SHEETMAP_GOOGLE_CREDENTIALS` secret; and
it deploys only when the site changed, since most nights nothing did.
"""

from __future__ import annotations

from pathlib import Path

from sheetmap.init import CONFIG, WORKBOOK, WORKFLOW, WorkflowOptions, init_project
from sheetmap.sources import gsheets

SECRET = gsheets.CREDENTIALS_JSON_VAR
GUIDE = "sheetmap's guide 'Publishing every night from a Google Sheet' (docs/publishing.md)"


def sheet_url(spec: str) -> str:
    """The canonical address of the spreadsheet a URL or key names; SourceError when it names none."""
    return f"https://docs.google.com/spreadsheets/d/{gsheets.spreadsheet_key(spec)}/edit"


def google_workflow() -> WorkflowOptions:
    """The nightly GitHub Pages workflow for a Google Sheets source."""
    return WorkflowOptions(
        # The sheet lives in Google: only the settings, templates and workflow are in the repository.
        watch=(CONFIG, "site_templates/**", WORKFLOW),
        env={
            SECRET: f"${{{{ secrets.{SECRET} }}}}",
            "PAGES_URL": "${{ steps.pages.outputs.base_url }}",
        },
        # The sheet has no commit time: the feed's dates come from the data.
        setup=(),
        deploy_only_changes=True,
        comment=(
            "Rebuilds the roadmap website from the Google Sheet named in sheetmap.yml and publishes\n"
            "it to GitHub Pages: every night, on demand (Actions > Roadmap > Run workflow), and when\n"
            "the settings change. It deploys only when the site changed; when the sheet cannot be\n"
            "read the run fails, says why, and the published site stays as it was.\n"
            "\n"
            "One-time setup, step by step in sheetmap's guide\n"
            "'Publishing every night from a Google Sheet' (docs/publishing.md):\n"
            "  1. Share the sheet (Viewer) with the service account's e-mail address.\n"
            f"  2. Settings > Secrets and variables > Actions > New repository secret: {SECRET},\n"
            "     the service account's JSON key file, pasted unchanged.\n"
            "  3. Settings > Pages > Build and deployment > Source: GitHub Actions."
        ),
    )


def init_google(directory: Path, spec: str, *, force: bool = False) -> str:
    """Write the project for the spreadsheet `spec` (URL or key) and return what to do next."""
    url = sheet_url(spec)
    written = init_project(directory, force=force, workflow=google_workflow(), source=url)
    return next_steps(directory, written, url)


def next_steps(directory: Path, written: list[Path], url: str) -> str:
    """What to do after `sheetmap init --google`, for the person who just ran it."""
    into = "" if directory.resolve() == Path.cwd().resolve() else f"       cd {directory}\n"
    files = "\n".join(f"  {path}" for path in written)
    return (
        f"Wrote:\n{files}\n\n"
        f"sheetmap.yml reads the Google Sheet {url}\n\n"
        "Next:\n"
        "  1. Share the sheet with your service account's e-mail address, as Viewer.\n"
        "     (No service account yet? The guide below starts there.)\n"
        "  2. Try it on this computer:\n"
        f"{into}"
        "       export GOOGLE_APPLICATION_CREDENTIALS=/path/to/the-key.json\n"
        "       sheetmap validate      # every problem, with a link to its cell\n"
        "       sheetmap build         # the public site, in site/\n"
        "  3. Push this folder to a GitHub repository; add the key file's contents as the\n"
        f"     repository secret {SECRET} (Settings > Secrets and variables > Actions);\n"
        "     choose Settings > Pages > Source: GitHub Actions. The site then rebuilds every\n"
        "     night, and Actions > Roadmap > Run workflow rebuilds it now.\n\n"
        f"{WORKBOOK} is a template with every tab and column: if the sheet does not have them yet,\n"
        "upload it to Google Drive and choose File > Save as Google Sheets, or use File > Import.\n"
        f"Step by step: {GUIDE}."
    )
