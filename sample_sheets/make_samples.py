"""Write the sample workbooks shipped with sheetmap.

    python sample_sheets/make_samples.py

writes, next to this script:

* ``acme-roadmap.xlsx`` -- the full showcase: every sheet of the workbook
  format (Initiatives, Ideas, Objectives, Themes, Feedback, Sprints, Tasks)
  filled in by the product team of Larkspur Analytics, a fictional B2B
  product-analytics and reporting tool.
* ``minimal.xlsx`` -- the smallest useful workbook: one Initiatives sheet
  with ID, Title, Horizon and Visibility.

The output is deterministic, byte for byte: no randomness, no clock. The
workbook properties carry a fixed date and the zip members are rewritten
with a fixed timestamp, so running the script twice gives identical files.

All names (companies, people, customers) are invented.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.xml.functions import tostring

HERE = Path(__file__).resolve().parent
FIXED_TIMESTAMP = datetime(2026, 11, 1, 9, 0, 0)
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)

# ---------------------------------------------------------------------------
# Data: Larkspur Analytics
# ---------------------------------------------------------------------------

COMPANY = "Larkspur Analytics"

THEMES = [
    {
        "Name": "Reporting",
        "Color": "#4F7CAC",
        "Description": "Reports, dashboards and finding the answer you need.",
    },
    {
        "Name": "Data connections",
        "Color": "#2A9D8F",
        "Description": "Getting data in: warehouses, apps and keeping it fresh.",
    },
    {
        "Name": "Collaboration",
        "Color": "#E9A03B",
        "Description": "Sharing insights, discussing them and acting on them together.",
    },
    {
        "Name": "Admin & billing",
        "Color": "#8E6CB8",
        "Description": "Security, access control, plans and invoices.",
    },
    {
        "Name": "Performance",
        "Color": "#D1605E",
        "Description": "Speed and reliability, at any account size.",
    },
    {
        "Name": "Onboarding",
        "Color": "#6BA368",
        "Description": "The first hour with Larkspur: from sign-up to the first real insight.",
    },
]

OBJECTIVES = [
    {
        "ID": "OKR-1",
        "Objective": "Make Larkspur the first place teams go for answers",
        "Key results": "\n".join([
            "Weekly active users per account from 38% to 55%",
            "Median time to find an existing report under 30 seconds",
            "Saved reports viewed at least weekly up 30%",
        ]),
        "Period": "2026 H2",
        "Visibility": "Public",
    },
    {
        "ID": "OKR-2",
        "Objective": "Connect to wherever our customers' data lives",
        "Key results": "\n".join([
            "90% of new accounts connect a data source in their first week",
            "Sync failures below 0.5% of runs",
            "Three new warehouse connectors generally available",
        ]),
        "Period": "2026 H2",
        "Visibility": "Public",
    },
    {
        "ID": "OKR-3",
        "Objective": "Earn the trust of enterprise security teams",
        "Key results": "\n".join([
            "SOC 2 Type II report available to every prospect on request",
            "Security review cycle time from 6 weeks to 2 weeks",
            "SSO and SCIM available on every Business and Enterprise plan",
        ]),
        "Period": "2026 H2",
        "Visibility": "Public",
    },
    {
        "ID": "OKR-4",
        "Objective": "Dashboards so fast nobody notices them loading",
        "Key results": "\n".join([
            "p95 dashboard load time under 2 seconds for every account size",
            "Query timeout rate below 0.1%",
            "99.95% monthly uptime",
        ]),
        "Period": "2026 H2",
        "Visibility": "Public",
    },
    {
        "ID": "OKR-5",
        "Objective": "Grow net revenue retention to 115%",
        "Key results": "\n".join([
            "Expansion revenue from seat upgrades up 20%",
            "Involuntary churn from failed payments halved",
            "Billing-related support tickets down 40%",
        ]),
        "Period": "2026 H2",
        "Visibility": "Internal",
    },
    {
        "ID": "OKR-6",
        "Objective": "New teams succeed without talking to us",
        "Key results": "\n".join([
            "Trial-to-paid conversion from 14% to 20%",
            "70% of trials finish the setup checklist",
            "Onboarding support tickets down 30%",
        ]),
        "Period": "2027 H1",
        "Visibility": "Public",
    },
]

INITIATIVES = [
    # ----------------------------------------------------------------- Now
    {
        "ID": "INIT-1",
        "Title": "Teams can't find the report they need",
        "Horizon": "Now",
        "Theme": "Reporting",
        "Tags": "search, navigation",
        "Objectives": "OKR-1",
        "Problem": (
            "A typical Business account has **over 400 saved reports**, and the "
            "only way to find one is to scroll a folder tree. In our October "
            "survey, 61% of users said they had rebuilt a report because they "
            "could not find the original."
        ),
        "Description": (
            "We are making everything in a workspace findable from one place:\n"
            "\n"
            "- one search box for reports, dashboards and metric definitions\n"
            "- a **verified** badge so people know which report to trust\n"
            "- recently viewed and popular reports on the home page\n"
            "\n"
            "Read the design notes in our "
            "[product blog](https://blog.larkspur.example/finding-reports)."
        ),
        "Outcome": "Weekly report views per user up 20%; duplicate reports created per month down 30%",
        "Owner": "Priya Raman",
        "Visibility": "Public",
        "Rank": 1,
        "Notes": "Design partners: Northgate Logistics and Pinecrest Health. Search beta flag: `search_v2`.",
    },
    {
        "ID": "INIT-2",
        "Title": "Dashboards are slow on large accounts",
        "Horizon": "Now",
        "Theme": "Performance",
        "Tags": "speed, enterprise",
        "Objectives": "OKR-4",
        "Problem": (
            "Accounts with more than 50 million events a month wait **8 seconds or "
            "more** for a dashboard at p95. People open a dashboard, switch tabs, "
            "and often never come back."
        ),
        "Description": (
            "We are attacking load time from three sides:\n"
            "\n"
            "1. cache tiles that have not changed\n"
            "2. load the most important tiles first, so the page is useful at once\n"
            "3. pre-aggregate the heaviest event tables overnight\n"
        ),
        "Outcome": "p95 dashboard load under 2 seconds for the 50 largest accounts",
        "Owner": "Tom Becker",
        "Visibility": "Public",
        "Rank": 2,
        "Notes": "Tile cache shipped in Sprint 43 and is holding up. Pre-aggregation needs a storage budget decision from Finance.",
    },
    {
        "ID": "INIT-3",
        "Title": "Warehouse setup takes days, not minutes",
        "Horizon": "Now",
        "Theme": "Data connections",
        "Tags": "connectors, bigquery, setup",
        "Objectives": "OKR-2, OKR-6",
        "Problem": (
            "Connecting BigQuery or Redshift means creating a service account, "
            "granting the right roles and pasting a key. The person who signs up "
            "is rarely the person who can do that, so **a third of trials never "
            "connect any data**."
        ),
        "Description": (
            "A guided setup for each warehouse that:\n"
            "\n"
            "- checks every permission and says exactly which one is missing\n"
            "- lets you send a setup link to the data engineer on your team\n"
            "- shows your first tables as soon as the connection works\n"
        ),
        "Outcome": "Median time from sign-up to a connected warehouse under 15 minutes",
        "Owner": "Marcus Lee",
        "Visibility": "Public",
        "Rank": 3,
    },
    {
        "ID": "INIT-4",
        "Title": "Failed card payments silently cancel subscriptions",
        "Horizon": "Now",
        "Theme": "Admin & billing",
        "Tags": "payments, churn",
        "Objectives": "OKR-5",
        "Problem": (
            "About **1 in 5 cancellations** last quarter were involuntary: a card "
            "expired or was declined, we retried once, and the account was "
            "downgraded without anyone noticing."
        ),
        "Description": (
            "- retry declined payments on a smart schedule instead of once\n"
            "- warn the account owner before a card expires\n"
            "- give a grace period before any downgrade\n"
        ),
        "Outcome": "Involuntary churn halved by the end of Q1 2027",
        "Owner": "Sofia Alvarez",
        "Visibility": "Internal",
        "Rank": 4,
        "Notes": "Finance wants the retry schedule reviewed with the payment provider before launch.",
    },
    {
        "ID": "INIT-5",
        "Title": "Security reviews stall enterprise deals",
        "Horizon": "Now",
        "Theme": "Admin & billing",
        "Tags": "security, enterprise, sso",
        "Objectives": "OKR-3",
        "Problem": (
            "Enterprise buyers send a 200-question security questionnaire, and "
            "the median review takes **six weeks**. Two deals slipped a full "
            "quarter in 2026 because of it."
        ),
        "Description": (
            "Give security teams what they need before they ask:\n"
            "\n"
            "- a public **trust centre** with our policies and SOC 2 report on request\n"
            "- SCIM user provisioning for Okta and Microsoft Entra ID\n"
            "- a pre-filled standard questionnaire\n"
            "\n"
            "See the [trust centre](https://trust.larkspur.example)."
        ),
        "Outcome": "Median security review under 2 weeks",
        "Owner": "Sofia Alvarez",
        "Visibility": "Public",
        "Rank": 5,
    },
    {
        "ID": "INIT-6",
        "Title": "Insights get lost in Slack threads",
        "Horizon": "Now",
        "Theme": "Collaboration",
        "Tags": "slack, sharing, comments",
        "Objectives": "OKR-1",
        "Problem": (
            "Teams discuss numbers in Slack, but a screenshot is out of date the "
            "moment it is posted and the discussion never makes it back to the "
            "dashboard."
        ),
        "Description": (
            "- Larkspur links in Slack unfurl as **live** charts\n"
            "- comments on a data point, visible to everyone who opens the chart\n"
            "- a weekly digest of what changed and what people said about it\n"
        ),
        "Outcome": "Dashboard visits that start from Slack up 25%",
        "Owner": "Priya Raman",
        "Visibility": "Public",
        "Notes": "Check with Legal whether unfurled charts may include customer data in shared Slack Connect channels.",
    },
    # ---------------------------------------------------------------- Next
    {
        "ID": "INIT-7",
        "Title": "Scheduled reports land in inboxes nobody reads",
        "Horizon": "Next",
        "Theme": "Collaboration",
        "Tags": "email, alerts",
        "Objectives": "OKR-1",
        "Problem": (
            "We send 1.2 million scheduled report emails a month; **only 12% are "
            "opened**. Most of them say the same thing as last week."
        ),
        "Description": (
            "Send fewer, better emails: only when something changed, with the "
            "headline number in the subject line."
        ),
        "Outcome": "Open rate of scheduled reports from 12% to 30%",
        "Owner": "Hannah Cole",
        "Visibility": "Public",
        "Rank": 1,
    },
    {
        "ID": "INIT-8",
        "Title": "Non-analysts can't answer their own questions",
        "Horizon": "Next",
        "Theme": "Reporting",
        "Tags": "self-serve, ai, templates",
        "Objectives": "OKR-1, OKR-6",
        "Problem": (
            "Marketing and sales teams queue their questions for the one analyst "
            "who knows the data model. A simple question takes **three days** to "
            "answer."
        ),
        "Description": (
            "- ask a question in plain English and get a chart you can edit\n"
            "- report templates for marketing, sales and product teams\n"
            "- **explain this chart**: a short summary of what a chart shows\n"
        ),
        "Outcome": "Share of reports created by non-analysts from 18% to 35%",
        "Owner": "Priya Raman",
        "Visibility": "Public",
        "Rank": 2,
        "Notes": "Plain-English questions depend on the LLM vendor review (security + cost). Do not promise a date.",
    },
    {
        "ID": "INIT-9",
        "Title": "Teams can't tell whether data is fresh",
        "Horizon": "Next",
        "Theme": "Data connections",
        "Tags": "freshness, trust, syncs",
        "Objectives": "OKR-2",
        "Problem": (
            "When a sync is late, dashboards quietly show yesterday's numbers and "
            "people make decisions on them."
        ),
        "Description": (
            "Show when every tile was last updated, and tell the data owner when "
            "a sync is late, before anyone else notices."
        ),
        "Outcome": "'Is this data up to date?' support tickets down 50%",
        "Owner": "Marcus Lee",
        "Visibility": "Public",
        "Rank": 3,
    },
    {
        "ID": "INIT-10",
        "Title": "Admins can't see who has access to what",
        "Horizon": "Next",
        "Theme": "Admin & billing",
        "Tags": "permissions, audit, enterprise",
        "Objectives": "OKR-3",
        "Problem": (
            "Quarterly access reviews are a compliance requirement for our "
            "enterprise customers, and today they mean exporting users by hand "
            "and checking every shared dashboard."
        ),
        "Description": "An access review export and an audit log of every sharing change.",
        "Outcome": "Access review for a 500-seat account done in under an hour",
        "Owner": "Sofia Alvarez",
        "Notes": "Visibility left blank on purpose until Legal signs off on the audit-log retention wording.",
    },
    {
        "ID": "INIT-11",
        "Title": "Invoices are hard to reconcile",
        "Horizon": "Next",
        "Theme": "Admin & billing",
        "Tags": "invoices, finance",
        "Objectives": "OKR-5",
        "Problem": (
            "Finance teams cannot match our invoices to their purchase orders, "
            "so payments are held and **billing tickets are 18% of all support "
            "volume**."
        ),
        "Description": (
            "- purchase order numbers and cost centres on every invoice\n"
            "- a monthly usage statement as CSV\n"
        ),
        "Outcome": "Billing tickets down 40%; days sales outstanding under 35",
        "Owner": "Sofia Alvarez",
        "Visibility": "Internal",
        "Rank": 4,
    },
    {
        "ID": "INIT-12",
        "Title": "Trial users stall at an empty dashboard",
        "Horizon": "Next",
        "Theme": "Onboarding",
        "Tags": "trial, activation",
        "Objectives": "OKR-6",
        "Problem": (
            "Until data is connected, a new workspace is a blank page. Trial "
            "users who see nothing useful on day one rarely come back on day two."
        ),
        "Description": (
            "Let people explore a realistic **sample workspace** straight away, "
            "and guide them to their own data with a short setup checklist."
        ),
        "Outcome": "Day-2 return rate of trial users from 31% to 45%",
        "Owner": "Hannah Cole",
        "Visibility": "Public",
    },
    {
        "ID": "INIT-13",
        "Title": "Growing teams outgrow Starter but can't justify Business",
        "Horizon": "Next",
        "Theme": "Admin & billing",
        "Tags": "pricing, packaging",
        "Objectives": "OKR-5",
        "Problem": (
            "Starter stops at 5 seats and Business starts at $2,400 a month. "
            "Teams of 6 to 15 people churn or share logins."
        ),
        "Description": "Explore a Team plan between Starter and Business.",
        "Outcome": "Seat-limit churn down 30%",
        "Owner": "Daniel Frost",
        "Visibility": "Internal",
        "Notes": "Pricing is confidential until the board review on 2027-01-14.",
    },
    # --------------------------------------------------------------- Later
    {
        "ID": "INIT-14",
        "Title": "Product teams can't connect usage to revenue",
        "Horizon": "Later",
        "Theme": "Data connections",
        "Tags": "revenue, connectors",
        "Problem": (
            "Product usage lives in Larkspur and revenue lives in the billing "
            "system and the CRM, so nobody can say which features drive upgrades."
        ),
        "Owner": "Marcus Lee",
        "Visibility": "Public",
    },
    {
        "ID": "INIT-15",
        "Title": "Alerts are hard to act on away from a desk",
        "Horizon": "Later",
        "Theme": "Collaboration",
        "Tags": "mobile, alerts",
        "Problem": "An alert at 7 pm links to a dashboard that is unusable on a phone.",
        "Owner": "Hannah Cole",
        "Visibility": "Public",
    },
    {
        "ID": "INIT-16",
        "Title": "Regulated customers need their data to stay in the EU",
        "Horizon": "Later",
        "Theme": "Admin & billing",
        "Tags": "compliance, data residency",
        "Objectives": "OKR-3",
        "Problem": (
            "Banks and health providers in the EU cannot store event data in "
            "US regions. We lose these deals at the first call."
        ),
        "Owner": "Tom Becker",
        "Visibility": "Internal",
        "Notes": "Needs a hosting cost estimate and a decision on Frankfurt vs Amsterdam.",
    },
    {
        "ID": "INIT-17",
        "Title": "Anomalies are spotted days too late",
        "Horizon": "Later",
        "Theme": "Reporting",
        "Tags": "alerts, ai",
        "Objectives": "OKR-1",
        "Problem": "A broken checkout shows up in the weekly review, not the morning it broke.",
        "Visibility": "Public",
    },
    {
        "ID": "INIT-18",
        "Title": "Infrastructure costs grow faster than revenue",
        "Horizon": "Later",
        "Theme": "Performance",
        "Tags": "cost, storage",
        "Objectives": "OKR-5",
        "Problem": "Storage cost per account grew 34% this year while revenue per account grew 12%.",
        "Owner": "Tom Becker",
        "Visibility": "Internal",
    },
    {
        "ID": "INIT-19",
        "Title": "Agencies want to manage Larkspur for their clients",
        "Horizon": "Later",
        "Theme": "Admin & billing",
        "Tags": "partners",
        "Owner": "Daniel Frost",
        "Notes": "Partner programme is not announced yet: keep it off the public roadmap.",
    },
    # ---------------------------------------------------------------- Done
    {
        "ID": "INIT-20",
        "Title": "First-time users didn't know where to start",
        "Horizon": "Done",
        "Theme": "Onboarding",
        "Tags": "activation, trial",
        "Objectives": "OKR-6",
        "Problem": (
            "Half of new users left in their first session without creating a "
            "single report."
        ),
        "Description": (
            "We tried an interactive product tour (most people skipped it) and "
            "a **first-report wizard** that builds a real report from your own "
            "data in four steps. The wizard is now the default first screen."
        ),
        "Outcome": "Median time to first insight under 10 minutes",
        "Owner": "Hannah Cole",
        "Visibility": "Public",
        "Completed": date(2026, 3, 18),
    },
    {
        "ID": "INIT-21",
        "Title": "Large exports failed or timed out",
        "Horizon": "Done",
        "Theme": "Performance",
        "Tags": "exports, reliability",
        "Objectives": "OKR-4",
        "Problem": "Exports of more than 100,000 rows timed out after 60 seconds and left people with nothing.",
        "Description": (
            "Exports of any size now run in the background and you get an email "
            "with a download link when they are ready. See "
            "[the help article](https://help.larkspur.example/exports)."
        ),
        "Outcome": "Export failure rate below 0.5%",
        "Owner": "Tom Becker",
        "Visibility": "Public",
        "Completed": date(2026, 5, 6),
    },
    {
        "ID": "INIT-22",
        "Title": "Single sign-on was only available on request",
        "Horizon": "Done",
        "Theme": "Admin & billing",
        "Tags": "sso, security, enterprise",
        "Objectives": "OKR-3",
        "Problem": "Setting up SAML meant a support ticket and a call with our engineers, often a two-week wait.",
        "Description": (
            "Admins now set up SAML single sign-on themselves, with step-by-step "
            "guides for **Okta**, **Microsoft Entra ID** and **Google Workspace**."
        ),
        "Outcome": "SSO adoption on eligible accounts up 30%",
        "Owner": "Sofia Alvarez",
        "Visibility": "Public",
        "Completed": date(2026, 7, 15),
    },
    {
        "ID": "INIT-23",
        "Title": "Snowflake data was hours out of date",
        "Horizon": "Done",
        "Theme": "Data connections",
        "Tags": "snowflake, syncs, freshness",
        "Objectives": "OKR-2",
        "Problem": "Snowflake syncs ran every six hours as full reloads, so morning dashboards showed last night's data.",
        "Description": (
            "Snowflake connections now sync **incrementally**, only the rows "
            "that changed, every 15 minutes."
        ),
        "Outcome": "Median sync lag under 15 minutes",
        "Owner": "Marcus Lee",
        "Visibility": "Public",
        "Completed": date(2026, 9, 2),
        "Notes": "Warehouse credit usage per sync dropped 70%, worth mentioning in the Q4 customer newsletter.",
    },
    {
        "ID": "INIT-24",
        "Title": "Sales couldn't see which accounts were ready to expand",
        "Horizon": "Done",
        "Theme": "Admin & billing",
        "Tags": "expansion, crm",
        "Objectives": "OKR-5",
        "Problem": "Account managers found expansion opportunities by luck, usually when a customer hit a seat limit.",
        "Description": "An account health score, computed from product usage, synced to the CRM every night.",
        "Outcome": "Expansion pipeline up 20%",
        "Owner": "Daniel Frost",
        "Visibility": "Internal",
        "Completed": date(2026, 10, 21),
    },
    {
        "ID": "INIT-25",
        "Title": "Shared dashboards showed different numbers to different people",
        "Horizon": "Done",
        "Theme": "Reporting",
        "Tags": "metrics, trust",
        "Objectives": "OKR-1",
        "Problem": (
            "Two people opening the same dashboard could see different revenue "
            "numbers, because each report defined \"active customer\" its own "
            "way and used the viewer's time zone."
        ),
        "Description": (
            "- **shared metric definitions**: define a metric once, use it everywhere\n"
            "- one time zone per workspace, shown on every chart\n"
        ),
        "Outcome": "'Numbers don't match' tickets down 50%",
        "Owner": "Priya Raman",
        "Visibility": "Public",
        "Completed": date(2026, 11, 18),
    },
]

IDEAS = [
    # INIT-1 Teams can't find the report they need
    {
        "ID": "IDEA-1",
        "Title": "One search box for reports, dashboards and metrics",
        "Initiative": "INIT-1",
        "Stage": "In development",
        "Hypothesis": (
            "If we add one search box that covers reports, dashboards and metric "
            "definitions, it could solve people rebuilding reports they cannot "
            "find and uplift weekly report views per user by 20%"
        ),
        "User story": (
            "As a marketing manager, I want to type \"signups by channel\" and "
            "land on the right dashboard so that I don't rebuild a report that "
            "already exists"
        ),
        "Description": "Ranks results by **views in the last 30 days** and by verified status.",
        "Metric": "Weekly report views per user",
        "Target": "+20%",
        "Effort": "L",
        "Value": "High",
        "Visibility": "Public",
    },
    {
        "ID": "IDEA-2",
        "Title": "Verified badge on trusted reports",
        "Initiative": "INIT-1",
        "Stage": "Validating",
        "Hypothesis": (
            "If we let data owners mark reports as verified, it could solve "
            "people not trusting the reports they find and uplift the share of "
            "views on verified reports by 40%"
        ),
        "User story": (
            "As a data owner, I want to mark the reports I stand behind so that "
            "my team stops using outdated copies"
        ),
        "Metric": "Share of report views on verified reports",
        "Target": "40%",
        "Actual": "27% after three weeks",
        "Effort": "S",
        "Value": "Medium",
        "Visibility": "Public",
    },
    {
        "ID": "IDEA-3",
        "Title": "Auto-archive reports nobody opened in 90 days",
        "Initiative": "INIT-1",
        "Stage": "Failed",
        "Hypothesis": (
            "If we archive reports nobody opened in 90 days, it could solve "
            "cluttered folders and uplift successful report searches by 15%"
        ),
        "Description": (
            "Users restored archived reports almost at once: quarterly and "
            "yearly reports are opened rarely but matter a lot. **Learning:** "
            "low traffic does not mean low value."
        ),
        "Metric": "Successful report searches",
        "Target": "+15%",
        "Actual": "+2%; 41% of archived reports restored within a week",
        "Effort": "S",
        "Value": "Medium",
        "Visibility": "Public",
    },
    # INIT-2 Dashboards are slow on large accounts
    {
        "ID": "IDEA-4",
        "Title": "Cache dashboard tiles that haven't changed",
        "Initiative": "INIT-2",
        "Stage": "Successful",
        "Hypothesis": (
            "If we cache tiles whose underlying data has not changed, it could "
            "solve slow repeat visits and uplift p95 dashboard load time by 50%"
        ),
        "Metric": "p95 dashboard load time, large accounts",
        "Target": "-50% (from 8.2 s to 4.1 s)",
        "Actual": "-61% (3.2 s)",
        "Effort": "M",
        "Value": "High",
        "Visibility": "Public",
    },
    {
        "ID": "IDEA-5",
        "Title": "Load the most important tiles first",
        "Initiative": "INIT-2",
        "Stage": "In development",
        "Hypothesis": (
            "If we render tiles in order of how often they are viewed, it could "
            "solve people waiting for a whole dashboard and uplift time to first "
            "useful tile by 70%"
        ),
        "Metric": "Time to first tile (p95)",
        "Target": "Under 800 ms",
        "Effort": "M",
        "Value": "High",
        "Visibility": "Public",
    },
    {
        "ID": "IDEA-6",
        "Title": "Pre-aggregate the heaviest event tables overnight",
        "Initiative": "INIT-2",
        "Stage": "Prototyping",
        "Hypothesis": (
            "If we pre-aggregate event tables above 1 billion rows every night, "
            "it could solve query timeouts on the largest accounts and uplift "
            "query success rate by 5 percentage points"
        ),
        "Description": "Prototype on the three largest accounts; needs a storage budget decision.",
        "Metric": "Query success rate",
        "Target": "99.9%",
        "Effort": "XL",
        "Value": "High",
        "Visibility": "Internal",
    },
    # INIT-3 Warehouse setup takes days
    {
        "ID": "IDEA-7",
        "Title": "Guided BigQuery setup",
        "Initiative": "INIT-3",
        "Stage": "In development",
        "Hypothesis": (
            "If we guide people through BigQuery setup step by step, it could "
            "solve trials that never connect data and uplift trials connecting a "
            "warehouse in week one by 20%"
        ),
        "User story": (
            "As a data engineer, I want to copy the exact commands to create the "
            "service account so that I can finish setup in one sitting"
        ),
        "Metric": "Median time to a connected warehouse",
        "Target": "Under 15 minutes",
        "Effort": "M",
        "Value": "High",
        "Visibility": "Public",
    },
    {
        "ID": "IDEA-8",
        "Title": "Connection test that names the missing permission",
        "Initiative": "INIT-3",
        "Stage": "Ready",
        "Hypothesis": (
            "If we test each permission and name the one that is missing, it "
            "could solve vague \"connection failed\" errors and uplift first-try "
            "connection success by 25%"
        ),
        "Metric": "First-try connection success",
        "Target": "+25%",
        "Effort": "S",
        "Value": "Medium",
        "Visibility": "Public",
    },
    {
        "ID": "IDEA-9",
        "Title": "Send a setup link to your data engineer",
        "Initiative": "INIT-3",
        "Stage": "Validating",
        "Hypothesis": (
            "If we let the person who signs up send a setup link to a colleague, "
            "it could solve stalled setups when the trial user has no credentials "
            "and uplift trials that connect a source in week one by 15 percentage points"
        ),
        "User story": (
            "As a product manager on a trial, I want to ask our data engineer to "
            "connect the warehouse so that I can evaluate Larkspur on real data"
        ),
        "Metric": "Trials connecting a source in week one",
        "Target": "+15 pp",
        "Effort": "S",
        "Value": "High",
        "Visibility": "Public",
    },
    # INIT-4 Failed card payments (internal)
    {
        "ID": "IDEA-10",
        "Title": "Retry declined payments on a smart schedule",
        "Initiative": "INIT-4",
        "Stage": "In development",
        "Hypothesis": (
            "If we retry declined cards four times over ten days at the times "
            "they are most likely to succeed, it could solve one-shot failures "
            "and uplift recovered payments by 40%"
        ),
        "Metric": "Recovered failed payments",
        "Target": "+40%",
        "Effort": "M",
        "Value": "High",
        "Visibility": "Internal",
    },
    {
        "ID": "IDEA-11",
        "Title": "Warn account owners before a card expires",
        "Initiative": "INIT-4",
        "Stage": "Successful",
        "Hypothesis": (
            "If we email the account owner 14 and 3 days before their card "
            "expires, it could solve renewals failing on expired cards and "
            "uplift successful renewals on expiring cards by 30%"
        ),
        "Metric": "Successful renewals on expiring cards",
        "Target": "+30%",
        "Actual": "+38%",
        "Effort": "XS",
        "Value": "Medium",
        "Visibility": "Internal",
    },
    {
        "ID": "IDEA-12",
        "Title": "14-day grace period before a downgrade",
        "Initiative": "INIT-4",
        "Stage": "Ready",
        "Hypothesis": (
            "If we keep accounts on their plan for 14 days after a failed "
            "payment, it could solve customers losing dashboards overnight and "
            "uplift payment recovery by 10%"
        ),
        "Metric": "Payment recovery rate",
        "Target": "+10%",
        "Effort": "S",
        "Value": "Medium",
        "Visibility": "Internal",
    },
    # INIT-5 Security reviews stall enterprise deals
    {
        "ID": "IDEA-13",
        "Title": "Public trust centre",
        "Initiative": "INIT-5",
        "Stage": "Successful",
        "Hypothesis": (
            "If we publish our security policies and offer the SOC 2 report on "
            "request, it could solve weeks of back-and-forth and uplift security "
            "review speed by 50%"
        ),
        "Metric": "Median security review duration",
        "Target": "3 weeks",
        "Actual": "2.5 weeks",
        "Effort": "S",
        "Value": "High",
        "Visibility": "Public",
    },
    {
        "ID": "IDEA-14",
        "Title": "SCIM provisioning for Okta and Entra ID",
        "Initiative": "INIT-5",
        "Stage": "In development",
        "Hypothesis": (
            "If we support SCIM user provisioning, it could solve the most "
            "common security review blocker and uplift enterprise win rate by "
            "10 percentage points"
        ),
        "User story": (
            "As an IT admin, I want people removed from Okta to lose access to "
            "Larkspur at once so that leavers can't see company data"
        ),
        "Metric": "Enterprise win rate",
        "Target": "+10 pp",
        "Effort": "L",
        "Value": "High",
        "Visibility": "Public",
    },
    {
        "ID": "IDEA-15",
        "Title": "Pre-filled security questionnaire",
        "Initiative": "INIT-5",
        "Stage": "Prototyping",
        "Hypothesis": (
            "If we give sales a pre-filled standard questionnaire, it could "
            "solve security teams starting from scratch and uplift review speed "
            "by one week"
        ),
        "Metric": "Median security review duration",
        "Target": "-1 week",
        "Effort": "S",
        "Value": "Medium",
        "Visibility": "Internal",
    },
    # INIT-6 Insights get lost in Slack threads
    {
        "ID": "IDEA-16",
        "Title": "Live chart previews for links in Slack",
        "Initiative": "INIT-6",
        "Stage": "Validating",
        "Hypothesis": (
            "If we unfurl Larkspur links as live charts in Slack, it could solve "
            "outdated screenshots and uplift dashboard visits from Slack by 25%"
        ),
        "Metric": "Dashboard visits from Slack",
        "Target": "+25%",
        "Effort": "M",
        "Value": "High",
        "Visibility": "Public",
    },
    {
        "ID": "IDEA-17",
        "Title": "Comment on a data point",
        "Initiative": "INIT-6",
        "Stage": "In development",
        "Hypothesis": (
            "If we let people comment on a point in a chart, it could solve "
            "context getting lost in chat and uplift weekly active users per "
            "account by 8%"
        ),
        "User story": (
            "As a growth lead, I want to note \"pricing page redesign shipped\" "
            "on the day signups jumped so that the next person to look knows why"
        ),
        "Metric": "Weekly active users per account",
        "Target": "+8%",
        "Effort": "L",
        "Value": "High",
        "Visibility": "Public",
    },
    {
        "ID": "IDEA-18",
        "Title": "Weekly digest of what changed",
        "Initiative": "INIT-6",
        "Stage": "Prototyping",
        "Hypothesis": (
            "If we send each team a weekly digest of their biggest metric "
            "changes and comments, it could solve insights being missed and "
            "uplift returning weekly users by 10%"
        ),
        "Metric": "Returning weekly users",
        "Target": "+10%",
        "Effort": "M",
        "Value": "Medium",
        "Visibility": "Public",
    },
    # INIT-7 Scheduled reports nobody reads
    {
        "ID": "IDEA-19",
        "Title": "Only send a scheduled report when something changed",
        "Initiative": "INIT-7",
        "Stage": "Ready",
        "Hypothesis": (
            "If we skip scheduled emails when no number moved more than a set "
            "threshold, it could solve inbox fatigue and uplift the open rate "
            "by 18 percentage points, from 12% to 30%"
        ),
        "Metric": "Scheduled report open rate",
        "Target": "30%",
        "Effort": "M",
        "Value": "High",
        "Visibility": "Public",
    },
    {
        "ID": "IDEA-20",
        "Title": "Headline number in the email subject",
        "Initiative": "INIT-7",
        "Stage": "Discovering",
        "Hypothesis": (
            "If we put the headline number in the subject line (\"Signups up "
            "14% this week\"), it could solve people ignoring identical subjects "
            "and uplift the open rate by 5 percentage points"
        ),
        "Metric": "Scheduled report open rate",
        "Target": "+5 pp",
        "Effort": "XS",
        "Value": "Medium",
        "Visibility": "Public",
    },
    # INIT-8 Non-analysts can't answer their own questions
    {
        "ID": "IDEA-21",
        "Title": "Ask a question in plain English",
        "Initiative": "INIT-8",
        "Stage": "Prototyping",
        "Hypothesis": (
            "If we let people type a question and get an editable chart, it could "
            "solve the queue for the analyst and uplift reports created by "
            "non-analysts by 50%"
        ),
        "User story": (
            "As a sales manager, I want to ask \"win rate by region last "
            "quarter\" so that I don't wait three days for an answer"
        ),
        "Metric": "Reports created by non-analysts",
        "Target": "+50%",
        "Effort": "XL",
        "Value": "High",
        "Visibility": "Public",
    },
    {
        "ID": "IDEA-22",
        "Title": "Report templates by team",
        "Initiative": "INIT-8",
        "Stage": "Ready",
        "Hypothesis": (
            "If we offer ready-made reports for marketing, sales and product "
            "teams, it could solve the blank-page problem and uplift reports "
            "created in the first week by 30%"
        ),
        "Metric": "Reports created in first week",
        "Target": "+30%",
        "Effort": "M",
        "Value": "Medium",
        "Visibility": "Public",
    },
    {
        "ID": "IDEA-23",
        "Title": "Explain this chart",
        "Initiative": "INIT-8",
        "Stage": "Discovering",
        "Hypothesis": (
            "If we offer a two-sentence summary of what every chart shows, it "
            "could solve charts being misread and uplift charts shared by 10%"
        ),
        "Metric": "Charts shared per week",
        "Target": "+10%",
        "Effort": "L",
        "Value": "Medium",
    },
    # INIT-9 Teams can't tell whether data is fresh
    {
        "ID": "IDEA-24",
        "Title": "Freshness badge on every tile",
        "Initiative": "INIT-9",
        "Stage": "Ready",
        "Hypothesis": (
            "If we show on each tile when its data was last updated, it could "
            "solve decisions made on stale numbers and uplift the share of users "
            "who trust dashboard numbers by 15 percentage points"
        ),
        "Metric": "Users who trust dashboard numbers (quarterly survey)",
        "Target": "+15 pp",
        "Effort": "S",
        "Value": "High",
        "Visibility": "Public",
    },
    {
        "ID": "IDEA-25",
        "Title": "Tell the data owner when a sync is late",
        "Initiative": "INIT-9",
        "Stage": "Discovering",
        "Hypothesis": (
            "If we alert the data owner when a sync is late, it could solve "
            "problems found by dashboard viewers first and uplift late syncs "
            "fixed within an hour by 40%"
        ),
        "Metric": "Late syncs fixed within an hour",
        "Target": "+40%",
        "Effort": "M",
        "Value": "Medium",
        "Visibility": "Public",
    },
    # INIT-10 Admins can't see who has access (visibility left blank)
    {
        "ID": "IDEA-26",
        "Title": "Access review export",
        "Initiative": "INIT-10",
        "Stage": "Discovering",
        "Hypothesis": (
            "If we let admins export every user, role and shared item in one "
            "file, it could solve manual quarterly access reviews and uplift "
            "review speed by 80%"
        ),
        "Metric": "Time to complete an access review",
        "Target": "Under 1 hour",
        "Effort": "S",
        "Value": "Medium",
    },
    {
        "ID": "IDEA-27",
        "Title": "Audit log of sharing changes",
        "Initiative": "INIT-10",
        "Stage": "Prototyping",
        "Hypothesis": (
            "If we log every sharing and permission change, it could solve "
            "failed compliance audits and uplift enterprise renewals by 5%"
        ),
        "Metric": "Enterprise renewal rate",
        "Target": "+5%",
        "Effort": "M",
        "Value": "High",
        "Visibility": "Internal",
    },
    # INIT-11 Invoices are hard to reconcile (internal)
    {
        "ID": "IDEA-28",
        "Title": "PO numbers and cost centres on invoices",
        "Initiative": "INIT-11",
        "Stage": "Ready",
        "Hypothesis": (
            "If we let customers add a PO number and cost centre to invoices, "
            "it could solve payments held by finance teams and uplift on-time "
            "payments by 15%"
        ),
        "User story": (
            "As a finance controller, I want the PO number on every invoice so "
            "that I can approve payment without emailing the buyer"
        ),
        "Metric": "Invoices paid on time",
        "Target": "+15%",
        "Effort": "S",
        "Value": "High",
        "Visibility": "Internal",
    },
    {
        "ID": "IDEA-29",
        "Title": "Monthly usage statement as CSV",
        "Initiative": "INIT-11",
        "Stage": "Discovering",
        "Hypothesis": (
            "If we send a CSV usage statement with every invoice, it could "
            "solve questions about what is billed and uplift invoices paid "
            "without a query by 20%"
        ),
        "Metric": "Invoices paid without a billing query",
        "Target": "-20%",
        "Effort": "XS",
        "Value": "Low",
        "Visibility": "Internal",
    },
    # INIT-12 Trial users stall at an empty dashboard
    {
        "ID": "IDEA-30",
        "Title": "Sample workspace with realistic data",
        "Initiative": "INIT-12",
        "Stage": "Prototyping",
        "Hypothesis": (
            "If we start every trial in a sample workspace with realistic data, "
            "it could solve the empty first screen and uplift day-2 return rate "
            "by 10 percentage points"
        ),
        "User story": (
            "As a buyer comparing analytics tools, I want to click around realistic "
            "dashboards so that I can judge Larkspur before connecting my data"
        ),
        "Metric": "Day-2 return rate of trial users",
        "Target": "+10 pp",
        "Effort": "M",
        "Value": "High",
        "Visibility": "Public",
    },
    {
        "ID": "IDEA-31",
        "Title": "Setup checklist with progress",
        "Initiative": "INIT-12",
        "Stage": "Ready",
        "Hypothesis": (
            "If we show trials a five-step checklist with their progress, it "
            "could solve people not knowing what to do next and uplift setup "
            "completion by 20 percentage points"
        ),
        "Metric": "Trials completing setup",
        "Target": "70% (from 50%)",
        "Effort": "S",
        "Value": "Medium",
        "Visibility": "Public",
    },
    # INIT-13 Team plan (internal)
    {
        "ID": "IDEA-32",
        "Title": "Team plan for 6 to 25 seats",
        "Initiative": "INIT-13",
        "Stage": "Discovering",
        "Hypothesis": (
            "If we offer a Team plan at $39 per seat for 6 to 25 seats, it could "
            "solve churn at the Starter seat limit and uplift expansion revenue "
            "by 12%"
        ),
        "Metric": "Expansion revenue",
        "Target": "+12%",
        "Effort": "L",
        "Value": "High",
        "Visibility": "Internal",
    },
    # INIT-14 Connect usage to revenue
    {
        "ID": "IDEA-33",
        "Title": "Stripe and HubSpot connectors",
        "Initiative": "INIT-14",
        "Stage": "Discovering",
        "Hypothesis": (
            "If we let teams join product usage with billing and CRM data, it could "
            "solve guessing which features drive upgrades and uplift accounts "
            "on the Business plan by 5%"
        ),
        "Metric": "Accounts on the Business plan",
        "Target": "+5%",
        "Effort": "L",
        "Value": "Medium",
        "Visibility": "Public",
    },
    # INIT-15 Alerts away from a desk
    {
        "ID": "IDEA-34",
        "Title": "Native mobile app",
        "Initiative": "INIT-15",
        "Stage": "Parked",
        "Hypothesis": (
            "If we ship iOS and Android apps, it could solve acting on alerts "
            "away from a desk and uplift alert response time by 50%"
        ),
        "Description": (
            "Parked: only **4% of sessions** start on a phone. We will revisit "
            "after making alert pages work well in a mobile browser."
        ),
        "Metric": "Median alert response time",
        "Target": "-50%",
        "Effort": "XL",
        "Value": "Low",
        "Visibility": "Public",
    },
    # INIT-16 Data residency (internal)
    {
        "ID": "IDEA-35",
        "Title": "EU-hosted region",
        "Initiative": "INIT-16",
        "Stage": "Discovering",
        "Hypothesis": (
            "If we host an EU region, it could solve lost deals with regulated "
            "EU customers and uplift EU pipeline by 30%"
        ),
        "Metric": "EU enterprise pipeline",
        "Target": "+30%",
        "Effort": "XL",
        "Value": "High",
        "Visibility": "Internal",
    },
    # INIT-17 Anomalies spotted too late
    {
        "ID": "IDEA-36",
        "Title": "Automatic anomaly alerts on key metrics",
        "Initiative": "INIT-17",
        "Stage": "Discovering",
        "Hypothesis": (
            "If we flag unusual drops and spikes on key metrics within an hour, "
            "it could solve problems found days late and uplift incidents "
            "spotted within an hour by 50%"
        ),
        "Metric": "Incidents spotted within an hour",
        "Target": "+50%",
        "Effort": "L",
        "Value": "High",
        "Visibility": "Public",
    },
    # INIT-18 Infrastructure costs (internal)
    {
        "ID": "IDEA-37",
        "Title": "Move cold event data to object storage",
        "Initiative": "INIT-18",
        "Stage": "Parked",
        "Hypothesis": (
            "If we move events older than 13 months to object storage, it could "
            "solve storage costs growing with every customer and uplift gross "
            "margin by 3 percentage points"
        ),
        "Description": "Parked until the pre-aggregation prototype (IDEA-6) shows how queries on old data behave.",
        "Metric": "Gross margin",
        "Target": "+3 pp",
        "Effort": "L",
        "Value": "Medium",
        "Visibility": "Internal",
    },
    # INIT-20 New users didn't know where to start (done)
    {
        "ID": "IDEA-38",
        "Title": "Interactive product tour",
        "Initiative": "INIT-20",
        "Stage": "Failed",
        "Hypothesis": (
            "If we show new users a seven-step product tour, it could solve not "
            "knowing where to start and uplift day-7 retention by 10%"
        ),
        "Description": "68% of users skipped the tour in the first step. People want to do, not watch.",
        "Metric": "Day-7 retention",
        "Target": "+10%",
        "Actual": "+1% (within noise)",
        "Effort": "M",
        "Value": "Medium",
        "Visibility": "Public",
    },
    {
        "ID": "IDEA-39",
        "Title": "First-report wizard",
        "Initiative": "INIT-20",
        "Stage": "Successful",
        "Hypothesis": (
            "If we guide new users through building their first report from "
            "their own data in four steps, it could solve empty first sessions "
            "and uplift users "
            "creating a report on day one by 25%"
        ),
        "Metric": "New users creating a report on day one",
        "Target": "+25%",
        "Actual": "+33%",
        "Effort": "M",
        "Value": "High",
        "Visibility": "Public",
    },
    # INIT-21 Large exports failed (done)
    {
        "ID": "IDEA-40",
        "Title": "Background exports with an email link",
        "Initiative": "INIT-21",
        "Stage": "Successful",
        "Hypothesis": (
            "If we run large exports in the background and email a link, it "
            "could solve exports timing out and uplift export success by 4 "
            "percentage points, to 99.5%"
        ),
        "Metric": "Export failure rate",
        "Target": "Below 0.5%",
        "Actual": "0.2%",
        "Effort": "M",
        "Value": "High",
        "Visibility": "Public",
    },
    # INIT-22 SSO on request (done)
    {
        "ID": "IDEA-41",
        "Title": "Self-serve SAML setup",
        "Initiative": "INIT-22",
        "Stage": "Successful",
        "Hypothesis": (
            "If we let admins set up SAML themselves with a guide per identity "
            "provider, it could solve two-week waits and uplift SSO adoption on "
            "eligible accounts by 30%"
        ),
        "Metric": "SSO adoption on eligible accounts",
        "Target": "+30%",
        "Actual": "+41%",
        "Effort": "M",
        "Value": "High",
        "Visibility": "Public",
    },
    # INIT-23 Snowflake data hours out of date (done)
    {
        "ID": "IDEA-42",
        "Title": "Incremental Snowflake syncs",
        "Initiative": "INIT-23",
        "Stage": "Successful",
        "Hypothesis": (
            "If we sync only the Snowflake rows that changed, every 15 minutes, "
            "it could solve stale morning dashboards and uplift data freshness "
            "by cutting median lag from six hours to 15 minutes"
        ),
        "Metric": "Median sync lag (minutes)",
        "Target": 15,
        "Actual": 9,
        "Effort": "L",
        "Value": "High",
        "Visibility": "Public",
    },
    {
        "ID": "IDEA-43",
        "Title": "Let customers choose their sync frequency",
        "Initiative": "INIT-23",
        "Stage": "Failed",
        "Hypothesis": (
            "If we let customers pick their own sync frequency, it could solve "
            "one-size-fits-all schedules and uplift satisfaction with data "
            "freshness by 10%"
        ),
        "Description": (
            "Most customers picked the fastest option, hit their warehouse cost "
            "limits and opened tickets. We kept one smart default instead."
        ),
        "Metric": "Satisfaction with data freshness (survey)",
        "Target": "+10%",
        "Actual": "-4%, and sync tickets up 6%",
        "Effort": "S",
        "Value": "Medium",
        "Visibility": "Public",
    },
    # INIT-24 Sales expansion signals (internal, done)
    {
        "ID": "IDEA-44",
        "Title": "Account health score in the CRM",
        "Initiative": "INIT-24",
        "Stage": "Successful",
        "Hypothesis": (
            "If we show account managers a usage-based health score in the CRM, it "
            "could solve expansion found by luck and uplift expansion pipeline by 20%"
        ),
        "Metric": "Expansion pipeline",
        "Target": "+20%",
        "Actual": "+24%",
        "Effort": "M",
        "Value": "High",
        "Visibility": "Internal",
    },
    # INIT-25 Different numbers to different people (done)
    {
        "ID": "IDEA-45",
        "Title": "Shared metric definitions",
        "Initiative": "INIT-25",
        "Stage": "Successful",
        "Hypothesis": (
            "If we let teams define a metric once and reuse it in every report, "
            "it could solve conflicting numbers and uplift trust in shared "
            "dashboards by halving \"numbers don't match\" tickets"
        ),
        "User story": (
            "As a head of finance, I want \"active customer\" to mean the same "
            "thing in every report so that the board sees one number"
        ),
        "Metric": "\"Numbers don't match\" tickets",
        "Target": "-50%",
        "Actual": "-58%",
        "Effort": "L",
        "Value": "High",
        "Visibility": "Public",
    },
    {
        "ID": "IDEA-46",
        "Title": "One time zone per workspace",
        "Initiative": "INIT-25",
        "Stage": "Successful",
        "Hypothesis": (
            "If we draw every chart in the workspace's own time zone, it could "
            "solve daily totals that differ by viewer and uplift consistency by "
            "cutting time-zone tickets to 5 a month"
        ),
        "Metric": "Time-zone tickets per month",
        "Target": 5,
        "Actual": 3,
        "Effort": "S",
        "Value": "Medium",
        "Visibility": "Public",
    },
]

FEEDBACK = [
    ("FB-1", "INIT-1", "We have three versions of the same funnel report and nobody knows which one is right.", "Northgate Logistics", "Support ticket", date(2026, 8, 12)),
    ("FB-2", "IDEA-1", "I just want a search bar. I know the report exists, I just can't find it.", "Pinecrest Health", "Survey", date(2026, 9, 3)),
    ("FB-3", "IDEA-2", "If our data team could mark the official dashboards, half our questions would go away.", "Copperleaf Bank", "Sales call", date(2026, 9, 17)),
    ("FB-4", "INIT-2", "Our main dashboard takes ten seconds to load. People have stopped opening it before stand-up.", "Meridian Freight", "Support ticket", date(2026, 7, 28)),
    ("FB-5", "IDEA-4", "Dashboards feel instant now, whatever you changed last month, thank you.", "Meridian Freight", "Community", date(2026, 11, 16)),
    ("FB-6", "INIT-3", "Our analyst signed up, but only IT can create the service account. The trial expired before they got to it.", "Fernhill Foods", "Sales call", date(2026, 8, 4)),
    ("FB-7", "IDEA-8", "The error just said 'connection failed'. It took us two days to find out it was a missing BigQuery role.", "Bluefin Media", "Support ticket", date(2026, 10, 6)),
    ("FB-8", "IDEA-9", "Could I just send a link to our data engineer instead of booking a meeting with them?", "Juniper Schools", "Community", date(2026, 10, 22)),
    ("FB-9", "INIT-5", "Our security team needs your SOC 2 report and a completed questionnaire before procurement will even talk to you.", "Tidewater Insurance", "Sales call", date(2026, 6, 9)),
    ("FB-10", "IDEA-14", "Without SCIM, offboarding is a manual step we always forget. It's a blocker for our renewal.", "Silverline Telecom", "Sales call", date(2026, 10, 14)),
    ("FB-11", "IDEA-16", "We paste screenshots into Slack all day. A live chart would save us so much back-and-forth.", "Oakline Software", "Survey", date(2026, 9, 3)),
    ("FB-12", "IDEA-17", "I'd love to leave a note on the day our campaign launched so people stop asking about the spike.", "Brightwater Retail", "Community", date(2026, 10, 30)),
    ("FB-13", "INIT-7", "Honestly, I filter the weekly report emails straight into a folder.", "Halcyon Travel", "Survey", date(2026, 9, 3)),
    ("FB-14", "IDEA-19", "Only email me when something actually moved. Otherwise it's noise.", "Redwood Fitness", "Community", date(2026, 11, 2)),
    ("FB-15", "IDEA-21", "Our sales managers won't learn a query builder. They'd ask a question if they could type it.", "Copperleaf Bank", "Sales call", date(2026, 10, 20)),
    ("FB-16", "IDEA-22", "A starter pack of marketing reports would have saved us the first month.", "Brightwater Retail", "Survey", date(2026, 9, 3)),
    ("FB-17", "IDEA-24", "Twice this quarter we reported numbers from a sync that had failed overnight. We need to see that on the dashboard.", "Harborview Hotels", "Support ticket", date(2026, 11, 9)),
    ("FB-18", "INIT-10", "Our auditors ask for a list of everyone with access to financial dashboards every quarter.", "Tidewater Insurance", "Support ticket", date(2026, 10, 27)),
    ("FB-19", "IDEA-28", "Our AP team rejects invoices without a PO number. Please let us add one.", "Quarry & Co", "Support ticket", date(2026, 11, 4)),
    ("FB-20", "IDEA-30", "I couldn't tell what Larkspur would look like until I had connected our data, and that took a week.", "Juniper Schools", "Survey", date(2026, 9, 3)),
    ("FB-21", "INIT-13", "We're eight people. Starter is too small and Business is way over our budget.", "Redwood Fitness", "Sales call", date(2026, 10, 8)),
    ("FB-22", "INIT-16", "We can only consider vendors that keep patient data in the EU.", "Pinecrest Health", "Sales call", date(2026, 7, 21)),
    ("FB-23", "IDEA-34", "A mobile app would be nice, but honestly a page that works on my phone is enough.", "Halcyon Travel", "Community", date(2026, 8, 18)),
    ("FB-24", "IDEA-45", "Finally, one definition of an active customer. Our board deck and our dashboards agree now.", "Northgate Logistics", "Community", date(2026, 11, 20)),
    ("FB-25", "IDEA-42", "Snowflake data is fresh by the time I get to my desk. Huge improvement.", "Oakline Software", "Support ticket", date(2026, 9, 15)),
    ("FB-26", "INIT-17", "We found out checkout was broken from a customer tweet, not from our dashboards.", "Fernhill Foods", "Sales call", date(2026, 11, 24)),
]

SPRINTS = [
    ("Sprint 41", date(2026, 10, 1), date(2026, 10, 14), "Account health score live for Sales; verified-reports beta", "Core squad"),
    ("Sprint 42", date(2026, 10, 15), date(2026, 10, 28), "Shared metric definitions in beta; public trust centre launched", "Core squad"),
    ("Sprint 43", date(2026, 10, 29), date(2026, 11, 11), "Shared metrics and workspace time zone for everyone; tile cache on", "Core squad"),
    ("Sprint 44", date(2026, 11, 12), date(2026, 11, 25), "Search beta for 20 design-partner accounts", "Core squad"),
    ("Sprint 45", date(2026, 11, 26), date(2026, 12, 9), "Guided BigQuery setup in beta and smart payment retries live", "Core squad"),
    ("Sprint 46", date(2026, 12, 10), date(2026, 12, 23), "SCIM for Okta and comments on data points in beta", "Core squad"),
]

# (ID, Title, Sprint, Item, Status, Estimate, Assignee, Done on)
TASKS = [
    # Sprint 41 (2026-10-01 .. 2026-10-14)
    ("LRK-101", "Health score model: usage signals per account", "Sprint 41", "IDEA-44", "Done", 5, "Chen Wei", date(2026, 10, 5)),
    ("LRK-102", "Nightly sync of health scores to the CRM", "Sprint 41", "IDEA-44", "Done", 3, "Ben Okafor", date(2026, 10, 8)),
    ("LRK-103", "Verified badge on report cards and report header", "Sprint 41", "IDEA-2", "Done", 3, "Ana Souza", date(2026, 10, 7)),
    ("LRK-104", "Permission: only data owners can verify a report", "Sprint 41", "IDEA-2", "Done", 2, "Elif Yilmaz", date(2026, 10, 9)),
    ("LRK-105", "Auto-archive job for reports unopened in 90 days", "Sprint 41", "IDEA-3", "Done", 3, "Felix Moreau", date(2026, 10, 6)),
    ("LRK-106", "Card expiry reminder emails (14 and 3 days)", "Sprint 41", "IDEA-11", "Done", 2, "Dana Kowalski", date(2026, 10, 2)),
    ("LRK-107", "Metric definitions: data model and API", "Sprint 41", "IDEA-45", "Done", 8, "Grace Liu", date(2026, 10, 13)),
    ("LRK-108", "Fix: CSV export drops rows with emoji in labels", "Sprint 41", None, "Done", 1, "Ben Okafor", date(2026, 10, 12)),
    # Sprint 42 (2026-10-15 .. 2026-10-28)
    ("LRK-109", "Health score tile on the account page in the CRM", "Sprint 42", "IDEA-44", "Done", 2, "Chen Wei", date(2026, 10, 19)),
    ("LRK-110", "Metric definitions editor", "Sprint 42", "IDEA-45", "Done", 5, "Grace Liu", date(2026, 10, 23)),
    ("LRK-111", "Use shared metrics in the report builder", "Sprint 42", "IDEA-45", "Done", 5, "Ana Souza", date(2026, 10, 27)),
    ("LRK-112", "Trust centre page and SOC 2 request form", "Sprint 42", "IDEA-13", "Done", 3, "Dana Kowalski", date(2026, 10, 20)),
    ("LRK-113", "Restore archived reports in one click", "Sprint 42", "IDEA-3", "Done", 2, "Felix Moreau", date(2026, 10, 16)),
    ("LRK-114", "Tile cache: invalidate on new data", "Sprint 42", "IDEA-4", "Done", 8, "Elif Yilmaz", date(2026, 10, 28)),
    ("LRK-115", "Verified reports: beta metrics dashboard", "Sprint 42", "IDEA-2", "Done", 1, "Chen Wei", date(2026, 10, 21)),
    ("LRK-116", "Search index for reports and dashboards", "Sprint 42", "IDEA-1", "Done", 5, "Ben Okafor", date(2026, 10, 26)),
    ("LRK-117", "Fix: date picker ignores fiscal year start", "Sprint 42", None, "Done", 2, "Dana Kowalski", date(2026, 10, 22)),
    # Sprint 43 (2026-10-29 .. 2026-11-11)
    ("LRK-118", "Workspace time zone setting", "Sprint 43", "IDEA-46", "Done", 3, "Felix Moreau", date(2026, 11, 2)),
    ("LRK-119", "Show the time zone on every chart", "Sprint 43", "IDEA-46", "Done", 2, "Ana Souza", date(2026, 11, 4)),
    ("LRK-120", "Migrate existing reports to shared metrics", "Sprint 43", "IDEA-45", "Done", 8, "Grace Liu", date(2026, 11, 10)),
    ("LRK-121", "Tile cache: roll out to all accounts behind a flag", "Sprint 43", "IDEA-4", "Done", 3, "Elif Yilmaz", date(2026, 11, 3)),
    ("LRK-122", "Search API: ranking by views and verified status", "Sprint 43", "IDEA-1", "Done", 5, "Ben Okafor", date(2026, 11, 9)),
    ("LRK-123", "Search results page", "Sprint 43", "IDEA-1", "Done", 5, "Ana Souza", date(2026, 11, 11)),
    ("LRK-124", "Slack app: unfurl dashboard links", "Sprint 43", "IDEA-16", "Done", 5, "Chen Wei", date(2026, 11, 6)),
    ("LRK-125", "Smart retry schedule: payment provider webhook handling", "Sprint 43", "IDEA-10", "Done", 3, "Dana Kowalski", date(2026, 11, 5)),
    ("LRK-126", "Slack app: submit to the Slack App Directory", "Sprint 43", "IDEA-16", "Blocked", 2, "Felix Moreau", None),
    ("LRK-127", "Fix: tooltip shows wrong series on stacked bars", "Sprint 43", None, "Done", 1, "Ana Souza", date(2026, 10, 30)),
    # Sprint 44 (2026-11-12 .. 2026-11-25)
    ("LRK-128", "Shared metrics: release to all workspaces", "Sprint 44", "IDEA-45", "Done", 2, "Grace Liu", date(2026, 11, 17)),
    ("LRK-129", "Search box in the top bar with keyboard shortcut", "Sprint 44", "IDEA-1", "Done", 3, "Ana Souza", date(2026, 11, 16)),
    ("LRK-130", "Include metric definitions in search results", "Sprint 44", "IDEA-1", "Done", 3, "Ben Okafor", date(2026, 11, 19)),
    ("LRK-131", "Search beta flag for design partners", "Sprint 44", "IDEA-1", "Done", 1, "Ben Okafor", date(2026, 11, 13)),
    ("LRK-132", "Slack unfurl: respect dashboard permissions", "Sprint 44", "IDEA-16", "Done", 3, "Chen Wei", date(2026, 11, 20)),
    ("LRK-133", "Load tiles by view frequency", "Sprint 44", "IDEA-5", "Done", 5, "Elif Yilmaz", date(2026, 11, 24)),
    ("LRK-134", "BigQuery setup: permission check step", "Sprint 44", "IDEA-7", "Done", 5, "Felix Moreau", date(2026, 11, 23)),
    ("LRK-135", "Setup link: invite a colleague to finish a connection", "Sprint 44", "IDEA-9", "Done", 3, "Dana Kowalski", date(2026, 11, 18)),
    ("LRK-136", "Retry schedule: store attempt history per invoice", "Sprint 44", "IDEA-10", "In review", 5, "Grace Liu", None),
    ("LRK-137", "Fix: shared links lose the date filter", "Sprint 44", None, "Done", 2, "Ana Souza", date(2026, 11, 25)),
    # Sprint 45 (2026-11-26 .. 2026-12-09), current
    ("LRK-138", "Retry schedule: choose retry times from past success", "Sprint 45", "IDEA-10", "Done", 2, "Grace Liu", date(2026, 11, 27)),
    ("LRK-139", "Retry schedule: dunning emails for each attempt", "Sprint 45", "IDEA-10", "In progress", 3, "Dana Kowalski", None),
    ("LRK-140", "BigQuery setup: copyable commands for the service account", "Sprint 45", "IDEA-7", "Done", 3, "Felix Moreau", date(2026, 11, 30)),
    ("LRK-141", "BigQuery setup: preview first tables after connecting", "Sprint 45", "IDEA-7", "In progress", 5, "Ben Okafor", None),
    ("LRK-142", "BigQuery setup: beta flag and onboarding email", "Sprint 45", "IDEA-7", "To do", 1, "Felix Moreau", None),
    ("LRK-143", "Progressive loading: skeletons for pending tiles", "Sprint 45", "IDEA-5", "In review", 3, "Elif Yilmaz", None),
    ("LRK-144", "Comments on data points: data model and API", "Sprint 45", "IDEA-17", "In progress", 5, "Chen Wei", None),
    ("LRK-145", "Security review of the Slack app scopes", "Sprint 45", "IDEA-16", "Done", 2, "Felix Moreau", date(2026, 11, 26)),
    ("LRK-146", "SCIM: user provisioning endpoints", "Sprint 45", "IDEA-14", "Blocked", 8, "Ben Okafor", None),
    ("LRK-147", "Search: track zero-result queries", "Sprint 45", "IDEA-1", "To do", 2, "Ana Souza", None),
    ("LRK-148", "Fix: PDF export cuts off wide tables", "Sprint 45", None, "To do", 2, "Ana Souza", None),
    # Sprint 46 (2026-12-10 .. 2026-12-23), upcoming
    ("LRK-149", "SCIM: group sync for Okta", "Sprint 46", "IDEA-14", "To do", 5, "Ben Okafor", None),
    ("LRK-150", "SCIM: test with Microsoft Entra ID", "Sprint 46", "IDEA-14", "To do", 3, "Dana Kowalski", None),
    ("LRK-151", "Comments on data points: chart markers and thread panel", "Sprint 46", "IDEA-17", "To do", 5, "Chen Wei", None),
    ("LRK-152", "Comments: mention a teammate and notify by email", "Sprint 46", "IDEA-17", "To do", 3, "Ana Souza", None),
    ("LRK-153", "Connection test: check each BigQuery role separately", "Sprint 46", "IDEA-8", "To do", 3, "Felix Moreau", None),
    ("LRK-154", "Freshness badge on dashboard tiles", "Sprint 46", "IDEA-24", "To do", 2, "Elif Yilmaz", None),
    ("LRK-155", "Grace period before downgrade on failed payment", "Sprint 46", "IDEA-12", "To do", 3, "Grace Liu", None),
    ("LRK-156", "Scheduled reports: change threshold setting", "Sprint 46", "IDEA-19", "To do", 5, "Ben Okafor", None),
    # Not planned into a sprint yet
    ("LRK-157", "Spike: storage cost of nightly pre-aggregation", None, "IDEA-6", "To do", 3, "Elif Yilmaz", None),
    ("LRK-158", "Spike: prompt and eval set for plain-English questions", None, "IDEA-21", "To do", 5, None, None),
    ("LRK-159", "Sample workspace: generate a realistic demo dataset", None, "IDEA-30", "To do", 5, None, None),
    ("LRK-160", "Setup checklist: track completed steps per workspace", None, "IDEA-31", "To do", 3, None, None),
]

# Minimal workbook: the smallest thing sheetmap can build a roadmap from.
MINIMAL_INITIATIVES = [
    {"ID": "INIT-1", "Title": "Customers can't see their usage until the invoice arrives", "Horizon": "Now", "Visibility": "Public"},
    {"ID": "INIT-2", "Title": "Setting up a new project takes too many steps", "Horizon": "Now", "Visibility": "Public"},
    {"ID": "INIT-3", "Title": "Teams miss important changes in their data", "Horizon": "Next", "Visibility": "Public"},
    {"ID": "INIT-4", "Title": "Large teams struggle to manage permissions", "Horizon": "Next", "Visibility": "Public"},
    {"ID": "INIT-5", "Title": "Our data is only available in one region", "Horizon": "Later", "Visibility": "Public"},
    {"ID": "INIT-6", "Title": "Exports time out on big reports", "Horizon": "Done", "Visibility": "Public"},
]

# ---------------------------------------------------------------------------
# Sheet layout: canonical headers, in order, with column widths
# ---------------------------------------------------------------------------

SHEETS = {
    "Initiatives": [
        ("ID", 10), ("Title", 44), ("Horizon", 10), ("Theme", 18), ("Tags", 26),
        ("Objectives", 14), ("Problem", 60), ("Description", 60), ("Outcome", 40),
        ("Owner", 16), ("Visibility", 12), ("Rank", 8), ("Completed", 12), ("Notes", 50),
    ],
    "Ideas": [
        ("ID", 10), ("Title", 40), ("Initiative", 11), ("Stage", 15), ("Hypothesis", 70),
        ("User story", 60), ("Description", 50), ("Metric", 34), ("Target", 22),
        ("Actual", 26), ("Effort", 8), ("Value", 9), ("Visibility", 12),
    ],
    "Objectives": [
        ("ID", 9), ("Objective", 46), ("Key results", 62), ("Period", 10), ("Visibility", 12),
    ],
    "Themes": [("Name", 20), ("Color", 10), ("Description", 62)],
    "Feedback": [
        ("ID", 8), ("Item", 10), ("Feedback", 80), ("Customer", 22), ("Source", 15), ("Date", 12),
    ],
    "Sprints": [("Sprint", 12), ("Start", 12), ("End", 12), ("Goal", 64), ("Team", 14)],
    "Tasks": [
        ("ID", 10), ("Title", 56), ("Sprint", 11), ("Item", 10), ("Status", 12),
        ("Estimate", 9), ("Assignee", 16), ("Done on", 12),
    ],
}

WRAP_COLUMNS = {
    "Problem", "Description", "Notes", "Hypothesis", "User story", "Key results",
    "Feedback", "Outcome", "Goal",
}
DATE_FORMAT = "yyyy-mm-dd"


def _rows_from_tuples(headers, tuples):
    return [dict(zip(headers, t)) for t in tuples]


def workbook_data():
    """Sheet name -> list of row dicts keyed by canonical header."""
    return {
        "Initiatives": INITIATIVES,
        "Ideas": IDEAS,
        "Objectives": OBJECTIVES,
        "Themes": THEMES,
        "Feedback": _rows_from_tuples(
            ["ID", "Item", "Feedback", "Customer", "Source", "Date"], FEEDBACK),
        "Sprints": _rows_from_tuples(
            ["Sprint", "Start", "End", "Goal", "Team"], SPRINTS),
        "Tasks": _rows_from_tuples(
            ["ID", "Title", "Sprint", "Item", "Status", "Estimate", "Assignee", "Done on"],
            TASKS),
    }


# ---------------------------------------------------------------------------
# Writer
# ---------------------------------------------------------------------------


def write_sheet(ws, columns, rows):
    """Write a bold, frozen header row and one row per dict."""
    headers = [name for name, _ in columns]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top")
    ws.freeze_panes = "A2"
    for index, (name, width) in enumerate(columns, start=1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = width

    for row in rows:
        unknown = set(row) - set(headers)
        if unknown:
            raise ValueError(f"{ws.title}: unknown columns {sorted(unknown)}")
        ws.append([row.get(name) for name in headers])
        r = ws.max_row
        for index, name in enumerate(headers, start=1):
            cell = ws.cell(row=r, column=index)
            if isinstance(cell.value, (date, datetime)):
                cell.number_format = DATE_FORMAT
            cell.alignment = Alignment(vertical="top", wrap_text=name in WRAP_COLUMNS)


def save_deterministic(wb, path):
    """Save ``wb`` so that the same content always gives the same bytes."""
    wb.properties.creator = "sheetmap"
    wb.properties.lastModifiedBy = "sheetmap"
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP

    raw = io.BytesIO()
    wb.save(raw)  # openpyxl stamps properties.modified with the clock here
    raw.seek(0)
    wb.properties.modified = FIXED_TIMESTAMP
    core_xml = tostring(wb.properties.to_tree())

    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.create_system = 0
            member.external_attr = 0o600 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = core_xml
            dst.writestr(member, data)
    Path(path).write_bytes(out.getvalue())


def build_workbook(sheets):
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        write_sheet(wb.create_sheet(name), SHEETS[name], rows)
    return wb


def main():
    full = build_workbook(workbook_data())
    save_deterministic(full, HERE / "acme-roadmap.xlsx")

    minimal = Workbook()
    ws = minimal.active
    ws.title = "Initiatives"
    write_sheet(
        ws,
        [("ID", 10), ("Title", 58), ("Horizon", 10), ("Visibility", 12)],
        MINIMAL_INITIATIVES,
    )
    save_deterministic(minimal, HERE / "minimal.xlsx")

    print(f"wrote {HERE / 'acme-roadmap.xlsx'} ({COMPANY})")
    print(f"wrote {HERE / 'minimal.xlsx'}")


if __name__ == "__main__":
    main()
