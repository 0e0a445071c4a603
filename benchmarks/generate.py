#!/usr/bin/env python3
"""Write a synthetic company site in the okrsite content format, of any size.

    python benchmarks/generate.py --objectives 1000 /tmp/synthetic-1000

writes ``okrsite.yaml``, ``content/teams.yaml``,
``content/objectives/<period>/<team>/<id>.md``,
``content/projects/<team>/<id>.md`` and ``content/pages/about.md``.

The shape follows issue 6 ("company scale"): two quarters (2026-Q1 and
2026-Q2, half the objectives each), about max(5, N/20) teams in a company →
departments → teams tree, about 4 key results per objective (70 % metric,
increasing and decreasing, with units and 0-6 check-ins; 15 % boolean; 15 %
milestones), ~10 % roll-up objectives with no key results of their own,
0.8 × N projects with tasks, budgets, hours, updates and links to key
results, and Markdown bodies of about 1.5 KB.

Every id is a unique lowercase slug, every reference resolves, and the same
size and seed give byte-identical files: the only source of variety is one
``random.Random(seed)``, consumed in a fixed order, and nothing reads the
clock. Standard library only; the YAML is written by hand, with strings
quoted as JSON (a JSON string is a valid YAML double-quoted scalar).

Importable: ``generate(root, objectives, seed=0)`` returns the counts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import pathlib
import random
import shutil
import sys
import time

AS_OF = dt.date(2026, 5, 14)
PERIODS = (
    ("2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
    ("2026-Q2", dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
)

# --------------------------------------------------------------------------
# Word pools. Fixed lists: the random generator only ever chooses among them.
# --------------------------------------------------------------------------

FIRST_NAMES = (
    "Dana", "Raj", "Lena", "Tom", "Maya", "Kwame", "Ines", "Sam", "Priya", "Jonas",
    "Aiko", "Mateo", "Olga", "Chen", "Fatima", "Lars", "Zoë", "José", "Łukasz",
    "Amara", "Noah", "Sofia", "Yusuf", "Hana", "Elif", "Björn", "Chloé", "Ravi",
)
LAST_NAMES = (
    "Smith", "Patel", "Fischer", "Becker", "Okafor", "Mensah", "Alvarez", "Lee",
    "Nakamura", "García", "Novak", "Wang", "Haddad", "Johansson", "O'Brien",
    "Kowalski", "Müller", "Dubois", "Rossi", "Costa", "Yılmaz", "Andersen",
)
# A few people whose names are not in Latin script at all.
OTHER_NAMES = ("田中 花子", "Δημήτρης Παπαδόπουλος", "Ирина Соколова", "김민준")

DEPARTMENTS = (
    "Engineering", "Sales", "Marketing", "Product", "Customer Success", "Finance",
    "People", "Operations", "Design", "Data", "Security", "Legal", "Support",
    "Research", "Infrastructure", "Partnerships", "Procurement", "Communications",
)
TEAM_ADJECTIVES = (
    "core", "web", "mobile", "data", "cloud", "growth", "partner", "enterprise",
    "self-serve", "edge", "internal", "field",
)
TEAM_NOUNS = (
    "platform", "payments", "search", "billing", "identity", "api", "insights",
    "onboarding", "checkout", "tooling", "analytics", "messaging", "pricing",
    "catalog", "ingestion", "reporting",
)

ROLLUP_THEMES = (
    ("grow-revenue", "Grow revenue in our core markets"),
    ("win-mid-market", "Win the mid-market"),
    ("delight-customers", "Delight customers from the first day"),
    ("operational-excellence", "Run the company with operational excellence"),
    ("build-the-platform", "Build the platform the next five years need"),
    ("great-place-to-work", "Make this a great place to work"),
    ("expand-internationally", "Expand internationally, starting with the DACH region"),
    ("profitable-growth", "Reach profitable growth & keep burn < $1M/month"),
)
OBJECTIVE_THEMES = (
    ("seo-visibility", "Improve the visibility of our content in search results"),
    ("faster-onboarding", "Get new customers to their first report faster"),
    ("reliable-ingestion", "Make data ingestion boringly reliable"),
    ("inbound-conversion", "Convert more inbound leads into paying customers"),
    ("cut-cloud-spend", "Cut cloud spend by 20% without slowing anything down"),
    ("webinar-program", "Launch a webinar program that fills the pipeline"),
    ("mobile-quality", "Raise the quality bar of the mobile apps"),
    ("self-serve-checkout", "Let small customers buy without talking to sales"),
    ("partner-channel", "Open a partner channel in three new regions"),
    ("support-backlog", "Clear the support backlog & keep it clear"),
    ("hiring-engine", "Build a hiring engine for engineering"),
    ("security-posture", "Pass the SOC 2 Type II audit with no exceptions"),
    ("pricing-clarity", 'Make pricing "obvious" on the first visit'),
    ("search-relevance", "Make search results relevant on the first page"),
    ("api-adoption", "Grow adoption of the public API"),
    ("churn-reduction", "Reduce churn among mid-market accounts"),
    ("release-cadence", "Ship smaller releases, more often"),
    ("data-quality", "Trust every number on the dashboard"),
    ("brand-awareness", "Make the brand known to retail analysts"),
    ("finance-close", "Close the books in five days, not fifteen"),
    ("employee-growth", "Give every employee a growth plan"),
    ("latency-budget", "Keep p95 latency < 300 ms under peak load"),
    ("localization", "Ship the product in German, Japanese & Greek"),
    ("customer-advocacy", "Turn happy customers into public advocates"),
)

# (slug, noun phrase, unit, direction, low, high, decimals, minimum value)
METRICS = (
    ("page-views", "website page views", "views", "up", 800, 60000, 0, 0),
    ("bounce-rate", "website bounce rate", "%", "down", 8, 70, 1, 0),
    ("p95-latency", "p95 API latency", "ms", "down", 120, 2500, 0, 0),
    ("monthly-active-users", "monthly active users", "users", "up", 500, 200000, 0, 0),
    ("arr", "annual recurring revenue", "USD", "up", 200000, 9000000, 0, 0),
    ("nps", "net promoter score", "", "up", -25, 45, 0, -100),
    ("open-tickets", "open support tickets", "tickets", "down", 40, 900, 0, 0),
    ("test-coverage", "test coverage", "%", "up", 35, 85, 1, 0),
    ("cost-per-lead", "cost per lead", "€", "down", 15, 240, 2, 0),
    ("deploys-per-week", "deploys per week", "deploys", "up", 2, 40, 0, 0),
    ("churn-rate", "monthly churn rate", "%", "down", 1.5, 9, 2, 0),
    ("onboarding-days", "median onboarding time", "days", "down", 5, 45, 1, 0),
    ("csat", "customer satisfaction", "/5", "up", 3.1, 4.4, 2, 0),
    ("signups", "weekly signups", "", "up", 50, 4000, 0, 0),
    ("cloud-spend", "monthly cloud spend", "USD/month", "down", 20000, 400000, 0, 0),
    ("qualified-leads", "marketing-qualified leads", "leads", "up", 80, 3000, 0, 0),
    ("time-to-hire", "time to hire", "days", "down", 25, 90, 0, 0),
    ("error-rate", "error rate", "%", "down", 0.2, 4, 2, 0),
)
BOOLEANS = (
    ("launch-partner-portal", "Launch the partner portal"),
    ("soc2-report", "Receive the SOC 2 report"),
    ("pricing-page-live", "Put the new pricing page live"),
    ("sso-for-all", "Offer single sign-on on every plan"),
    ("close-series-b", "Close the Series B round"),
    ("hire-vp-sales", "Hire a VP of Sales"),
    ("gdpr-dpa", "Sign the updated GDPR DPA with all EU customers"),
    ("retire-legacy-etl", 'Retire the "legacy" ETL cluster'),
)
MILESTONE_KRS = (
    ("migrate-billing", "Migrate billing to the new provider"),
    ("ship-mobile-v3", "Ship version 3 of the mobile app"),
    ("open-tokyo-office", "Open the Tokyo office (東京)"),
    ("rollout-okr-process", "Roll out the OKR process to every team"),
    ("dr-drill", "Run a full disaster-recovery drill"),
    ("data-warehouse", "Move reporting onto the new data warehouse"),
)
MILESTONE_STEPS = (
    "Scope agreed", "Vendor chosen", "Design review", "Pilot with two customers",
    "Beta", "Security review", "Data migrated", "General availability",
    "Old system switched off", "Retrospective written", "Contracts signed",
    "Training delivered", 'Sign-off from "Legal"', "Runbook & on-call ready",
)

PROJECT_THEMES = (
    ("blog-push", "Publish 10 new blog posts with five or more backlinks"),
    ("landing-rewrite", "Rewrite the ten landing pages that already rank"),
    ("ingest-retries", "Retries and dead-letter queue for ingestion"),
    ("billing-migration", "Migrate billing to the new provider"),
    ("webinar-series", "Monthly webinar series with partners"),
    ("checkout-v2", "Self-serve checkout, version 2"),
    ("sso-rollout", "SSO on every plan"),
    ("cost-dashboard", "A cost dashboard per team"),
    ("onboarding-wizard", "Onboarding wizard & sample data"),
    ("support-macros", "Support macros and a searchable help center"),
    ("load-testing", "Load testing at 3× peak"),
    ("mobile-crash-fixes", "Fix the top 20 mobile crashes"),
    ("soc2-evidence", "Collect SOC 2 evidence"),
    ("api-docs", "Public API docs with runnable examples"),
    ("pricing-experiment", 'Pricing page A/B test: "simple" vs "detailed"'),
    ("hiring-pipeline", "Structured interviews for engineering"),
    ("ja-localization", "Japanese localization (日本語)"),
    ("el-localization", "Greek localization (Ελληνικά)"),
    ("warehouse-move", "Move reports to the new warehouse"),
    ("churn-playbook", "Churn-risk playbook for account managers"),
)
TASKS = (
    "Editorial calendar", "Outreach to 40 sites", "Write the design doc", "Spike: evaluate vendors",
    "Draft the RFC", "Set up staging", "Write migration scripts", "Dry run", "Cut-over",
    "Update the runbook", "Announce in #general", "Customer interviews", "Legal review",
    "Translate strings", "QA pass", "Load test", "Budget approval ($)", "Fix flaky tests",
    'Rename "Projects" to "Initiatives"', "Dashboards & alerts", "Train the support team",
)
NOTES = (
    "On track.", "Slower than planned; see the retro.", "New landing pages live",
    "Blocked on Legal review", "Vendor contract signed", "Numbers revised after audit",
    "Spent $12k of $20k & counting", "Q&A session went well", "Fixed the <b>bold</b> bug",
    'Customer said "finally!"', "Holiday week, little progress", "Two engineers out sick",
    "Reached 80% of target early", "Data source changed: values not comparable",
    "Launch moved to next sprint", "日本語のドキュメントを公開しました", "Η μετάφραση στα Ελληνικά ολοκληρώθηκε",
    "Regression in p95 <300 ms> budget", "Confidence down: hiring freeze", "Back on track after the fix",
    "Costs: €4,500 (approx.)", "Using 'single' quotes & \"double\" quotes", "Tab\tand backslash \\ survive",
)
SENTENCES = (
    "This matters because every week of delay compounds the cost for our customers.",
    "We measured the baseline in the last two weeks of the previous quarter.",
    "The numbers come from the product analytics warehouse, refreshed nightly.",
    "Most of the work is already understood; the risk is in the integration.",
    "We will review progress every other Monday in the team sync.",
    "If we miss this, the **renewal season** in the autumn becomes much harder.",
    "The previous attempt stalled because nobody owned the end-to-end flow.",
    "Customers mention this in one support ticket out of five.",
    "We are deliberately *not* tackling the enterprise edge cases this quarter.",
    "A small team of three can carry this without hurting other commitments.",
    "The budget assumes the current vendor prices, which renew in June.",
    "Leadership agreed to trade some roadmap scope for this.",
    "Success looks like a process nobody has to think about any more.",
    "We keep a short decision log in the wiki so that new people catch up quickly.",
    "The target is ambitious on purpose: 70% of it would still be a good result.",
    "Expect the first results after the `v2` release reaches all accounts.",
    "Finance tracks spend against the plan monthly, in $ and €.",
    "The team will pair with Support & Sales to hear the objections first-hand.",
    "Quality & speed are not in conflict here; both come from automation.",
    "Raw HTML such as <b>this</b> or <script>alert(1)</script> must show as text.",
    "Our competitors already offer this, so it is table stakes rather than a differentiator.",
    "We will drop the lowest-value work first if the quarter gets tight.",
    "Dependencies on the platform team are tracked on the shared board.",
    "Some of the data is noisy, so we look at four-week rolling averages.",
    "The Tokyo team calls this 改善 — small, continuous improvements.",
    "A pilot with two friendly customers de-risks the general rollout.",
    "We expect a dip before the improvement shows up in the numbers.",
    "Nothing here requires new headcount; it requires focus.",
)
LIST_ITEMS = (
    "more visits, by rewriting the pages that already rank;",
    "fewer handoffs between teams;",
    "a weekly review of the numbers;",
    "automated alerts when a metric drifts;",
    "clear owners for every step;",
    "a rollback plan for each release;",
    "customer interviews before building;",
    "documentation written as we go;",
    "a budget check-in at mid-quarter;",
    "no new scope after week six.",
    "pairing across time zones (UTC+1 & UTC+9);",
    "a public changelog.",
)
LINKS = (
    ("SEO starter guide", "https://developers.google.com/search/docs/fundamentals/seo-starter-guide"),
    ("the planning doc", "https://wiki.example.com/planning/{slug}"),
    ("the dashboard", "https://analytics.example.com/d/{slug}?range=90d&team=all"),
    ("the RFC", "https://github.com/example/rfcs/blob/main/{slug}.md"),
    ("Measure What Matters", "https://www.whatmatters.com/"),
)

RESERVED = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})


def q(text: str) -> str:
    """A string as a YAML double-quoted scalar (JSON's escapes are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def num(value: float, decimals: int) -> str:
    """A number in plain decimal notation (YAML 1.1 floats need a dot; no exponents)."""
    if decimals == 0:
        return str(int(round(value)))
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def rounded(value: float, decimals: int) -> float:
    return float(round(value)) if decimals == 0 else round(value, decimals)


def span(lo: dt.date, hi: dt.date) -> int:
    return (hi - lo).days


# --------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------


class _Gen:
    def __init__(self, objectives: int, seed: int):
        self.n = objectives
        self.rng = random.Random(seed)
        self.people = [f"{f} {l}" for f in FIRST_NAMES for l in LAST_NAMES] + list(OTHER_NAMES)
        self.files: dict[str, str] = {}  # relative path -> text, in creation order
        self.key_results = 0
        self.checkins = 0

    # -- helpers ---------------------------------------------------------
    def person(self) -> str:
        rng = self.rng
        if rng.random() < 0.04:
            return rng.choice(OTHER_NAMES)
        return rng.choice(self.people)

    def day_between(self, lo: dt.date, hi: dt.date) -> dt.date:
        return lo + dt.timedelta(days=self.rng.randint(0, max(0, span(lo, hi))))

    def body(self, lead: str, slug: str) -> str:
        rng = self.rng
        paragraphs = []
        for i in range(rng.randint(2, 4)):
            sentences = [rng.choice(SENTENCES) for _ in range(rng.randint(4, 7))]
            if i == 0:
                sentences.insert(0, lead)
            paragraphs.append(" ".join(sentences))
        items = rng.sample(LIST_ITEMS, rng.randint(3, 5))
        intro = rng.choice(("We focus on:", "The plan, in short:", "What we will do:"))
        paragraphs.insert(1, intro + "\n\n" + "\n".join("- " + item.rstrip(";.") for item in items))
        label, url = rng.choice(LINKS)
        paragraphs[-1] += f" See [{label}]({url.format(slug=slug)}) for the details."
        if rng.random() < 0.3:
            paragraphs.insert(rng.randint(1, len(paragraphs) - 1), "## " + rng.choice(("Context", "Approach", "Risks")))
        return "\n\n".join(paragraphs) + "\n"

    # -- teams -----------------------------------------------------------
    def teams(self) -> None:
        rng = self.rng
        total = max(5, round(self.n / 20))
        n_dept = max(2, round(math.sqrt(total - 1)))
        n_leaf = total - 1 - n_dept
        used = {"company"}
        self.team_rows = [("company", "Synthetic Co", None, self.person())]
        self.departments: list[str] = []
        for i in range(n_dept):
            name = DEPARTMENTS[i % len(DEPARTMENTS)]
            if i >= len(DEPARTMENTS):
                name += f" {i // len(DEPARTMENTS) + 1}"
            tid = name.lower().replace(" ", "-")
            used.add(tid)
            self.departments.append(tid)
            self.team_rows.append((tid, name, "company", self.person()))
        combos = [f"{a}-{b}" for a in TEAM_ADJECTIVES for b in TEAM_NOUNS]
        rng.shuffle(combos)
        self.leaves: list[str] = []
        self.dept_leaves: dict[str, list[str]] = {d: [] for d in self.departments}
        self.team_parent = {"company": None}
        for d in self.departments:
            self.team_parent[d] = "company"
        for i in range(n_leaf):
            base = combos[i % len(combos)]
            tid = base if i < len(combos) else f"{base}-{i // len(combos) + 1}"
            assert tid not in used and tid not in RESERVED
            used.add(tid)
            dept = self.departments[i % n_dept]
            name = tid.replace("-", " ").title().replace("Api", "API")
            self.leaves.append(tid)
            self.dept_leaves[dept].append(tid)
            self.team_parent[tid] = dept
            self.team_rows.append((tid, name, dept, self.person()))
        self.lead = {row[0]: row[3] for row in self.team_rows}
        lines = []
        for tid, name, parent, lead in self.team_rows:
            lines.append(f"- id: {tid}")
            lines.append(f"  name: {q(name)}")
            if parent:
                lines.append(f"  parent: {parent}")
            lines.append(f"  lead: {q(lead)}")
            lines.append("")
        self.files["content/teams.yaml"] = "\n".join(lines)

    # -- objective structure ---------------------------------------------
    def structure(self) -> None:
        """Decide ids, teams, periods and parents before writing any content."""
        rng = self.rng
        half = self.n // 2
        counts = (half, self.n - half)
        self.objectives: list[dict] = []  # in file-writing order
        serial = 0
        for (period, p_start, p_end), count in zip(PERIODS, counts):
            n_roll = max(1, round(count * 0.1)) if count >= 4 else 0
            n_top = max(1, n_roll // 8) if n_roll else 0
            local: list[dict] = []

            def new(team: str, rollup: bool, themes) -> dict:
                nonlocal serial
                serial += 1
                base, title = rng.choice(themes)
                obj = {
                    "id": f"{base}-{serial}",
                    "title": title,
                    "period": period,
                    "start": p_start,
                    "end": p_end,
                    "team": team,
                    "rollup": rollup,
                    "parent": None,
                }
                local.append(obj)
                return obj

            tops = [new("company", True, ROLLUP_THEMES) for _ in range(n_top)]
            mids = []
            for i in range(n_roll - n_top):
                mid = new(self.departments[i % len(self.departments)], True, ROLLUP_THEMES)
                mid["parent"] = tops[i % n_top]
                mids.append(mid)
            leaves = []
            for _ in range(count - n_roll):
                r = rng.random()
                if r < 0.03:
                    team = "company"
                elif r < 0.15:
                    team = rng.choice(self.departments)
                else:
                    team = rng.choice(self.leaves)
                leaves.append(new(team, False, OBJECTIVE_THEMES))
            # Every roll-up gets a child first: each top-level roll-up a
            # department roll-up (or, with too few, an objective), each
            # department roll-up an objective of one of its teams.
            k = 0
            for top in tops[len(mids):]:
                leaves[k]["parent"] = top
                k += 1
            for mid in mids:
                leaves[k]["team"] = rng.choice(self.dept_leaves[mid["team"]])
                leaves[k]["parent"] = mid
                k += 1
            # The rest: mostly the roll-up of their department, sometimes any
            # roll-up, a few name an earlier objective that has key results
            # (which then ignores its children), about a third none. A parent
            # always stands earlier in `local`, so there are no cycles.
            by_dept: dict[str, list[dict]] = {}
            for mid in mids:
                by_dept.setdefault(mid["team"], []).append(mid)
            rollups = tops + mids
            for i in range(k, len(leaves)):
                obj = leaves[i]
                r = rng.random()
                if r >= 0.97 and i > 0:
                    obj["parent"] = leaves[rng.randrange(i)]
                elif r < 0.65 and rollups:
                    team = obj["team"]
                    dept = team if team in self.dept_leaves else self.team_parent[team]
                    options = by_dept.get(dept) if r < 0.5 else None
                    obj["parent"] = rng.choice(options or rollups)
            self.objectives.extend(local)
        ids = [o["id"] for o in self.objectives]
        assert len(set(ids)) == len(ids)

    # -- key results -----------------------------------------------------
    def checkin_lines(self, obj: dict, kr_values) -> list[str]:
        """Check-ins of one KR as flow mappings; kr_values is (start, target, decimals, min, max) or None."""
        rng = self.rng
        lo, hi = obj["start"], min(obj["end"], AS_OF)
        if kr_values is None:
            count = rng.choice((0, 0, 0, 1, 2)) if rng.random() < 0.3 else 0
        else:
            count = rng.randint(0, 6)
        if not count:
            return []
        days = sorted(rng.sample(range(span(lo, hi) + 1), min(count, span(lo, hi) + 1)))
        pace = rng.uniform(0.5, 1.4)  # how well this KR is going
        lines = ["    checkins:"]
        for day in days:
            date = lo + dt.timedelta(days=day)
            parts = [f"date: {date.isoformat()}"]
            if kr_values is not None and rng.random() < 0.9:
                start, target, decimals, minimum, maximum = kr_values
                elapsed = (day + 1) / (span(obj["start"], obj["end"]) + 1)
                share = elapsed * pace + rng.uniform(-0.08, 0.08)
                value = max(minimum, start + share * (target - start))
                if maximum is not None:
                    value = min(maximum, value)
                parts.append(f"value: {num(value, decimals)}")
            if rng.random() < 0.85:
                parts.append(f"confidence: {num(rng.randint(0, 10) / 10, 1)}")
            if rng.random() < 0.4 or len(parts) == 1:
                parts.append(f"note: {q(rng.choice(NOTES))}")
            lines.append("      - {" + ", ".join(parts) + "}")
            self.checkins += 1
        return lines

    def kr_lines(self, obj: dict) -> list[str]:
        rng = self.rng
        lines = ["key_results:"]
        kr_ids: list[str] = []
        seen: set[str] = set()
        q1 = obj["period"] == "2026-Q1"
        for _ in range(rng.choice((2, 3, 4, 4, 5, 5, 6, 7))):
            kind = rng.random()
            if kind < 0.70:
                slug, noun, unit, direction, low, high, decimals, minimum = rng.choice(METRICS)
                maximum = {"%": 100, "/5": 5}.get(unit)
                while True:
                    start = rounded(rng.uniform(low, high), decimals)
                    factor = rng.uniform(1.15, 2.5)
                    if direction == "up":
                        target = start + abs(start) * (factor - 1) + rng.uniform(0, high - low) * 0.1
                        if maximum is not None:
                            target = min(maximum, target)
                    else:
                        target = max(minimum, start - abs(start) * (1 - 1 / factor))
                    target = rounded(target, decimals)
                    if target != start:
                        break
                verb = "Increase" if target > start else "Reduce"
                shown = f" {unit}" if unit and unit not in ("%", "/5") else unit
                title = f"{verb} {noun} from {num(start, decimals)}{shown} to {num(target, decimals)}{shown}"
                body = [f"    start: {num(start, decimals)}", f"    target: {num(target, decimals)}"]
                if unit:
                    body.append(f"    unit: {q(unit)}")
                values = (start, target, decimals, minimum, maximum)
                kind_line = "type: metric" if rng.random() < 0.2 else None
            elif kind < 0.85:
                slug, title = rng.choice(BOOLEANS)
                done = rng.random() < (0.7 if q1 else 0.3)
                body = [f"    done: {'true' if done else 'false'}"]
                values = None
                kind_line = "type: boolean"
            else:
                slug, title = rng.choice(MILESTONE_KRS)
                steps = rng.sample(MILESTONE_STEPS, rng.randint(2, 5))
                done_share = rng.uniform(0.4, 1.0) if q1 else rng.uniform(0.0, 0.7)
                n_done = round(done_share * len(steps))
                body = ["    milestones:"]
                dues = sorted(self.day_between(obj["start"], obj["end"]) for _ in steps)
                for i, (step, due) in enumerate(zip(steps, dues)):
                    parts = [f"title: {q(step)}", f"done: {'true' if i < n_done else 'false'}"]
                    if rng.random() < 0.6:
                        parts.append(f"due: {due.isoformat()}")
                    body.append("      - {" + ", ".join(parts) + "}")
                values = None
                kind_line = "type: milestones"
            kr_id, k = slug, 2
            while kr_id in seen:
                kr_id, k = f"{slug}-{k}", k + 1
            seen.add(kr_id)
            kr_ids.append(kr_id)
            lines.append(f"  - id: {kr_id}")
            lines.append(f"    title: {q(title)}")
            if kind_line:
                lines.append(f"    {kind_line}")
            lines.extend(body)
            if rng.random() < 0.15:
                lines.append(f"    weight: {rng.choice(('2', '0.5', '1.5', '3'))}")
            if rng.random() < 0.2:
                lines.append(f"    owner: {q(self.person())}")
            checkins = self.checkin_lines(obj, values)
            if values is not None and not checkins and rng.random() < 0.5:
                start, target, decimals, minimum, maximum = values
                current = max(minimum, start + rng.uniform(0, 1.1) * (target - start))
                if maximum is not None:
                    current = min(maximum, current)
                lines.append(f"    current: {num(current, decimals)}")
            lines.extend(checkins)
        self.key_results += len(kr_ids)
        obj["kr_ids"] = kr_ids
        return lines

    def objective_files(self) -> None:
        rng = self.rng
        for obj in self.objectives:
            owner = self.lead[obj["team"]] if rng.random() < 0.3 else self.person()
            lines = [
                "---",
                f"id: {obj['id']}",
                f"title: {q(obj['title'])}",
                f"period: {obj['period']}",
                f"owner: {q(owner)}",
                f"team: {obj['team']}",
            ]
            if obj["parent"] is not None:
                lines.append(f"parent: {obj['parent']['id']}")
            if obj["rollup"]:
                obj["kr_ids"] = []
            else:
                lines.extend(self.kr_lines(obj))
            lines.append("---")
            lead = f"{obj['title']} — this is what {obj['team'].replace('-', ' ')} commits to in {obj['period']}."
            text = "\n".join(lines) + "\n" + self.body(lead, obj["id"])
            self.files[f"content/objectives/{obj['period']}/{obj['team']}/{obj['id']}.md"] = text

    # -- projects --------------------------------------------------------
    def project_files(self) -> int:
        rng = self.rng
        count = round(self.n * 0.8)
        with_krs = [o for o in self.objectives if o["kr_ids"]]
        by_team: dict[str, list[dict]] = {}
        for o in with_krs:
            by_team.setdefault(o["team"], []).append(o)
        all_teams = [row[0] for row in self.team_rows]
        statuses = ("active",) * 8 + ("planned",) * 4 + ("done",) * 4 + ("on-hold",) * 2 + ("cancelled",) * 2
        for serial in range(1, count + 1):
            base, title = rng.choice(PROJECT_THEMES)
            pid = f"{base}-{serial}"
            team = rng.choice(self.leaves) if rng.random() < 0.85 else rng.choice(all_teams)
            status = rng.choice(statuses)
            lines = ["---", f"id: {pid}", f"title: {q(title)}", f"owner: {q(self.person())}", f"team: {team}"]
            if status != "planned" or rng.random() < 0.5:
                lines.append(f"status: {status}")
            start = self.day_between(dt.date(2025, 11, 1), dt.date(2026, 6, 1))
            due = start + dt.timedelta(days=rng.randint(20, 180))
            if rng.random() < 0.9:
                lines.append(f"start: {start.isoformat()}")
            if rng.random() < 0.85:
                lines.append(f"due: {due.isoformat()}")
            # Links: ~10 % none, a few to a whole objective, else 1-3 key results.
            links: list[str] = []
            r = rng.random()
            if r >= 0.10 and self.objectives:
                if r < 0.15:
                    links.append(rng.choice(self.objectives)["id"])
                pool = by_team.get(team) if rng.random() < 0.6 else None
                pool = pool or with_krs
                for _ in range(rng.randint(1, 3 - len(links)) if r >= 0.13 and pool else 0):
                    o = rng.choice(pool)
                    link = f"{o['id']}/{rng.choice(o['kr_ids'])}"
                    if link not in links:
                        links.append(link)
            if links:
                lines.append(f"key_results: [{', '.join(links)}]")
            elif rng.random() < 0.5:
                lines.append("key_results: []")
            spent = actual_h = None
            if rng.random() < 0.7:
                planned = rng.randrange(5000, 250000, 500)
                spent = round(planned * rng.uniform(0, 1.05 if rng.random() < 0.85 else 1.4))
                currency = rng.choice(("USD", "USD", "EUR", "GBP"))
                lines.append(f"budget: {{planned: {planned}, spent: {spent}, currency: {currency}}}")
            if rng.random() < 0.7:
                planned_h = rng.randrange(20, 2000, 10)
                actual_h = round(planned_h * rng.uniform(0, 1.3))
                lines.append(f"hours: {{planned: {planned_h}, actual: {actual_h}}}")
            n_tasks = rng.randint(0, 8)
            if n_tasks:
                lines.append("tasks:")
                done_share = {"done": 1.0, "planned": 0.0}.get(status, rng.random())
                for i, task in enumerate(rng.sample(TASKS, n_tasks)):
                    parts = [f"title: {q(task)}", f"done: {'true' if i < round(done_share * n_tasks) else 'false'}"]
                    if rng.random() < 0.4:
                        parts.append(f"due: {self.day_between(start, due).isoformat()}")
                    lines.append("  - {" + ", ".join(parts) + "}")
            if rng.random() < 0.05:
                lines.append(f"progress: {num(rng.randint(0, 20) / 20, 2)}")
            n_updates = rng.randint(0, 4) if start <= AS_OF else 0
            if n_updates:
                lines.append("updates:")
                days = sorted(self.day_between(start, AS_OF) for _ in range(n_updates))
                # Every third project with a budget records the totals so far (a burn chart); the
                # values come from the dates alone, so the random sequence (the rest of the site) is as before.
                burn = serial % 3 == 0 and spent is not None and n_updates >= 2
                for day in days:
                    values = ""
                    if burn:
                        share = (day - start).days / max(1, (AS_OF - start).days)
                        values = f", spent: {round(spent * share)}"
                        if actual_h is not None:
                            values += f", hours: {round(actual_h * share)}"
                        values += f", progress: {num(0.8 * share, 2)}"
                    lines.append(f"  - {{date: {day.isoformat()}, note: {q(rng.choice(NOTES))}{values}}}")
            lines.append("---")
            lead = f"{title}, run by the {team.replace('-', ' ')} team."
            self.files[f"content/projects/{team}/{pid}.md"] = "\n".join(lines) + "\n" + self.body(lead, pid)
        return count

    def pages(self) -> None:
        lead = "This site is a synthetic company generated for okrsite's benchmarks."
        text = "---\ntitle: \"About this report\"\nweight: 1\n---\n" + self.body(lead, "about")
        self.files["content/pages/about.md"] = text

    def config(self) -> None:
        self.files["okrsite.yaml"] = (
            f"title: {q(f'Synthetic Co ({self.n} objectives)')}\n"
            f"description: {q('A generated company for okrsite benchmarks; every name and number is made up.')}\n"
            f"as_of: {AS_OF.isoformat()}\n"
        )


def generate(root: pathlib.Path, objectives: int, seed: int = 0, *, force: bool = False) -> dict:
    """Write a synthetic site of `objectives` objectives into `root`; return the counts.

    Refuses (FileExistsError) when `root` already holds `okrsite.yaml` or
    `content/`, unless `force`, which removes those two (and nothing else)
    first, so no file of an earlier, larger run is left behind.
    """
    if objectives < 1:
        raise ValueError("objectives must be at least 1")
    root = pathlib.Path(root)
    existing = [p for p in (root / "okrsite.yaml", root / "content") if p.exists()]
    if existing and not force:
        raise FileExistsError(f"{existing[0]} exists (use force=True / --force to replace it)")
    for path in existing:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()

    gen = _Gen(objectives, seed)
    gen.config()
    gen.teams()
    gen.structure()
    gen.objective_files()
    n_projects = gen.project_files()
    gen.pages()

    made: set[pathlib.Path] = set()
    for rel, text in gen.files.items():
        path = root / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)

    return {
        "objectives": len(gen.objectives),
        "key_results": gen.key_results,
        "projects": n_projects,
        "teams": len(gen.team_rows),
        "checkins": gen.checkins,
        "files": len(gen.files),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=pathlib.Path, help="folder to write the site into")
    parser.add_argument("--objectives", "-n", type=int, default=1000, help="number of objectives (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--force", action="store_true", help="replace okrsite.yaml and content/ if present")
    args = parser.parse_args(argv)
    if args.objectives < 1:
        parser.error("--objectives must be at least 1")
    began = time.perf_counter()
    try:
        counts = generate(args.out_dir, args.objectives, args.seed, force=args.force)
    except FileExistsError as exc:
        print(f"generate.py: error: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - began
    summary = ", ".join(f"{value} {key.replace('_', ' ')}" for key, value in counts.items())
    print(f"wrote {args.out_dir}: {summary} in {elapsed:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
