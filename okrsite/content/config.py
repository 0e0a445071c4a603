"""okrsite.yaml to a frozen SiteConfig; every bad key reported with file:line."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from okrsite.content import schema as s
from okrsite.content.options import construct, group, option, schema_of
from okrsite.diagnostics import Diagnostics, Location
from okrsite.filesystem.names import device_name_problem
from okrsite.filesystem.realpaths import home_or_hidden, leads_inside
from okrsite.model.periods import FIRST_DAY, LAST_DAY, Period, builtin_period, quarter_containing, resolve_period
from okrsite.model.scoring import Thresholds
from okrsite.content.source import MAX_FILE_BYTES, SourceError, parse_yaml_document, written_text
from okrsite.content.source import label as site_label

CONFIG_NAME = "okrsite.yaml"
OBJECTIVE_KINDS = ("committed", "aspirational")
LANGUAGES = ("de", "en", "es", "fr", "nb")  # the built-in theme has every word in these (themes/default/locale/)

_PERIOD = {
    "id": s.Field(s.period_id, required=True),
    "start": s.Field(s.date, required=True),
    "end": s.Field(s.date, required=True),
    "title": s.Field(s.text),
}


@dataclass(frozen=True)
class ChartSettings:
    enabled: bool = option(s.boolean, True, "draw charts", "bool")
    format: str = option(s.one_of("svg", "png"), "svg", "`svg` (sharp at any size, follows light and dark) or `png`",
                         "`svg` \\| `png`")
    dpi: float = option(s.between(50, 600), 144, "resolution of PNG charts, in dots per inch", "number from 50 to 600")


SEVERITIES = ("error", "warning", "off")


_SEVERITY = s.one_of(*SEVERITIES)


def _severity(value: Any, cursor: s.Cursor) -> str:
    """A rule's severity; `off` unquoted is YAML's false, and means off."""
    return "off" if value is False else str(_SEVERITY(value, cursor))


_LANGUAGE = s.one_of(*LANGUAGES)
_LANGUAGE_TAG = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*")  # de, de-DE, de_CH, es-419, sr-Latn-RS
_MACROLANGUAGES = {"no": "nb"}  # Norwegian is written Bokmål (nb) by the theme, as by Babel


def _language(value: Any, cursor: s.Cursor) -> str:
    """A language of the theme, or a BCP 47 tag of one (`de-DE`, as the spec allows), read as that
    language (`de`): the theme's catalogs, and the formats of its dates and numbers, go by language."""
    if value is False:  # `language: no`, Norwegian, is YAML's false
        raise s.Invalid("expected a language, got false: YAML reads no as false; for Norwegian write nb")
    tag = _LANGUAGE_TAG.fullmatch(value.strip()) if isinstance(value, str) else None
    code = _MACROLANGUAGES.get(tag[1].lower(), tag[1].lower()) if tag is not None else None
    return code if code in LANGUAGES else str(_LANGUAGE(value, cursor))


# The thresholds of the rules that weigh numbers (okrsite.model.checks), said in their help too
FOCUSED_KEY_RESULTS = 5  # too-many-krs: more dilute an objective's focus
CONFIDENCE_DROP = 0.2  # confidence-drop: a fall this large between two check-ins
SANDBAGGED_PROGRESS = 0.8  # sandbagged-kr: the first check-in of the period already this far


def _rule(rule_id: str, default: str, finds: str) -> Any:
    return option(_severity, default, finds, " \\| ".join(f"`{v}`" for v in SEVERITIES), key=rule_id)


@dataclass(frozen=True, kw_only=True)
class CheckSettings:
    """The rules of `okrsite check` (okrsite.model.checks): each one's id, default severity and
    what it finds, declared once; `checks:` in okrsite.yaml sets the severity."""

    draft_objective: str = _rule("draft-objective", "warning", "an objective with no key results counted")
    stale_kr: str = _rule("stale-kr", "warning", "a key result with no update for more than `stale_after_days`")
    no_owner: str = _rule("no-owner", "off", "an objective with no owner")
    no_period: str = _rule("no-period", "warning", "an objective without `period:` while `default_period` is not set: "
                           "its period is the quarter of the report date, and moves with it")
    too_many_krs: str = _rule("too-many-krs", "warning",
                              f"more than {FOCUSED_KEY_RESULTS} counted key results on one objective")
    kr_without_project: str = _rule("kr-without-project", "off", "an open key result that no project supports")
    broken_link: str = _rule("broken-link", "warning", "a link in a Markdown body (or a key result's description) "
                             "that leads to no page or file of the site")
    unaligned_project: str = _rule("unaligned-project", "warning", "a project that supports no objective or key "
                                   "result")
    project_overdue: str = _rule("project-overdue", "warning", "a project past `due`, not done or cancelled")
    project_figures_behind: str = _rule("project-figures-behind", "warning", "a running project whose latest update "
                                        "records more spent, hours or work done than its own fields, which earned "
                                        "value, its lane and its flags read")
    target_eased: str = _rule("target-eased", "warning", "a target eased after its period started (git history)")
    confidence_drop: str = _rule("confidence-drop", "warning", f"a check-in's confidence {CONFIDENCE_DROP:g} or "
                                 "more below the previous one's")
    sandbagged_kr: str = _rule("sandbagged-kr", "off", "a metric key result whose first check-in of the period is "
                               f"already at progress {SANDBAGGED_PROGRESS:g} or more")

    def severity(self, rule_id: str) -> str:
        """`error`, `warning` or `off` for a rule id (`stale-kr`)."""
        return str(getattr(self, rule_id.replace("-", "_")))


@dataclass(frozen=True, kw_only=True)
class SiteConfig:
    """Everything a build needs to know besides the content itself: okrsite.yaml's options
    (declared once, below: check, default and help text) and what follows from them."""

    path: Path  # the okrsite.yaml file
    root: Path  # its folder; diagnostics name files relative to it
    title: str = option(s.filled("write the site's name"), "", "site title", "text", required=True)
    description: str = option(s.text, "", "shown on the dashboard", "text")
    site_url: str | None = option(s.url, None, "absolute URL of the published site (sitemap, feed, canonical links, "
                                  "the 404 page); no spaces, backslashes, `?`, `#` or `//` in its path", "URL")
    theme: str = option(s.slug, "default", "folder under `themes/`; `default` is built in", "text")
    content_dir: Path = option(s.text, Path("content"), "relative to the config file; inside the site folder", "path")
    output_dir: Path = option(s.text, Path("output"), "relative to the config file; inside the site's git "
                              "repository (or, outside git, the site folder), links followed, unless `--output` "
                              "chooses", "path")
    as_of: dt.date = option(s.date, dataclasses.MISSING, "the report date for expected pace and status", "date",
                            default_text="today, or the date of `SOURCE_DATE_EPOCH`")
    default_period: str | None = option(s.period_id, None, "the period the dashboard shows (while it has no "
                                        "objectives, the dashboard links the period that ended last, for its final "
                                        "grades)", "period id", default_text="the quarter containing `as_of`")
    periods: tuple[Period, ...] = option(s.list_of(s.mapping(_PERIOD, "a period")), (),
                                         "custom periods: `{id, start, end, title?}`", "list")
    thresholds: Thresholds = group(Thresholds, "status_thresholds", "shortfall behind expected pace",
                                   key="status_thresholds")
    pretty_urls: bool = option(s.boolean, True, "links like `objectives/x/`; `false` links to "
                               "`objectives/x/index.html` (for file shares and `file://`), also those to a folder "
                               "written in Markdown bodies (`[Q1](../reliable-ingestion/)`)", "bool")
    charts: ChartSettings = group(ChartSettings, "charts", "progress charts")
    publish: str | None = option(s.text, None, "a shell command run after a successful build by the git hook",
                                 "text")
    default_kind: str = option(s.one_of(*OBJECTIVE_KINDS), "committed", "objective kind when the file says none",
                               " \\| ".join(f"`{k}`" for k in OBJECTIVE_KINDS))
    aspirational_target: float = option(s.fraction, 0.7, "what an aspirational objective is expected to reach",
                                        "number from 0 to 1")
    stale_after_days: int = option(s.whole_number(1, 3650), 14, "a key result with no update for longer is stale",
                                   "whole number > 0")
    history: str | bool = option(s.one_of_values("auto", True, False), "auto",
                                 "read the git history of content files (`auto`: when the site is in a git work tree)",
                                 "`auto` \\| `true` \\| `false`")
    language: str = option(_language, "en", "language of the theme's words, dates and numbers (see "
                           "\"Languages\" in the README)", " \\| ".join(f"`{code}`" for code in LANGUAGES))
    checks: CheckSettings = group(CheckSettings, "checks", "the severity of each rule of `okrsite check`, by rule "
                                  "id: `error`, `warning` or `off`", entry="rule", type="map",
                                  default_text="each rule's own (the `checks:` table)")
    cache_dir: Path = Path(".okrsite-cache")
    # Where the output folder was chosen, for an error about it: `output_dir`'s value, else the file.
    output_chosen_at: Location = dataclasses.field(default=Location("okrsite.yaml"), repr=False, compare=False)

    @property
    def theme_dir(self) -> Path:
        return self.root / "themes" / self.theme

    @property
    def default_period_id(self) -> str:
        """The period of an objective that names none: `default_period`, else the quarter of
        `as_of` (the model's and `okrsite checkin`'s, one rule)."""
        return self.default_period or quarter_containing(self.as_of).id

    def relative(self, path: Path) -> str:
        """A path as diagnostics show it: relative to the site root, with '/', the link's own
        path for a symbolic link (never its target's)."""
        return site_label(path, self.root)


def default_as_of(environ: dict[str, str] | None = None) -> dt.date:
    """Today, or the date of SOURCE_DATE_EPOCH for reproducible builds (today when it is no such
    date: `unusable_epoch` says why, and the build warns)."""
    env = os.environ if environ is None else environ
    return _epoch_day(env.get("SOURCE_DATE_EPOCH", "").strip()) or dt.date.today()


def unusable_epoch(environ: dict[str, str] | None = None) -> str | None:
    """What is wrong with a SOURCE_DATE_EPOCH that is set but gives no report date, or None."""
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch or _epoch_day(epoch):
        return None
    written = repr(epoch) if len(epoch) <= 20 else f"'{epoch[:20]}…' ({len(epoch)} characters)"
    return (f"SOURCE_DATE_EPOCH is {written}, not a whole number of seconds since 1970-01-01 UTC up to {LAST_DAY}: "
            "the report date is today; set it right, or write the report date here as 'as_of'")


def _epoch_day(epoch: str) -> dt.date | None:
    if not (epoch.isascii() and epoch.isdigit() and len(epoch) <= 11):  # (year 5138 has 11 digits)
        return None
    day = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return day if FIRST_DAY <= day <= LAST_DAY else None


def load_config(path: Path, diagnostics: Diagnostics, *, output: Path | None = None,
                as_of: dt.date | None = None) -> SiteConfig | None:
    """Read and check okrsite.yaml; None when it has errors (they are in `diagnostics`).

    The site folder is the one the file is named in. A file that is a link is read only where it
    leads inside that folder, and not to a hidden file (.git's config): a link committed as
    okrsite.yaml must not read the CI machine's files into error lines in a public log."""
    root = path.absolute().parent.resolve()
    path = root / path.name
    label = path.name
    real = os.path.realpath(path)
    if real != str(path) and (not leads_inside(real, root) or home_or_hidden(real, str(root))):
        diagnostics.error(Location(label), f"{label} is a symbolic link that leads outside the site folder, or to a "
                                           "hidden file in it: not read (make it a file of its own)")
        return None
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            diagnostics.error(Location(label), f"the file is larger than {MAX_FILE_BYTES:,} bytes (2 MB)")
            return None
        raw = path.read_bytes()
    except OSError as exc:
        diagnostics.error(Location(label), f"cannot read the site configuration: {exc.strerror or exc}")
        return None
    try:
        doc, problems = parse_yaml_document(raw, label)
    except SourceError as exc:
        diagnostics.items.append(exc.diagnostic)
        return None
    diagnostics.items.extend(problems)
    doc.positions.source = written_text(path, label)
    errors_before = len(diagnostics.errors)
    cursor = s.Cursor(doc.positions, diagnostics)
    values = s.check_fields(doc.meta if doc.meta is not None else {}, schema_of(SiteConfig), cursor, "okrsite.yaml")
    if values is s.INVALID:
        return None
    periods = _custom_periods(values["periods"], cursor.child("periods"))
    default_period = values["default_period"]
    if isinstance(default_period, str) and resolve_period(default_period, {p.id: p for p in periods}) is None:
        ids = [p.id for p in periods]
        cursor.child("default_period").error(
            f"'default_period': unknown period '{default_period}': use 2026-Q1, 2026-H1, 2026 or an id "
            f"from 'periods'{s.suggest(default_period, ids)}")
    thresholds = values["status_thresholds"]
    if s.is_valid(thresholds) and thresholds and thresholds["at_risk"] > thresholds["off_track"]:
        cursor.child("status_thresholds").error("'at_risk' must not be above 'off_track'")
    theme = values["theme"]
    if theme not in (s.INVALID, "default") and not (root / "themes" / theme).is_dir():
        cursor.child("theme").error(f"'theme': no folder themes/{theme}/ beside {label}")
    content_dir = values["content_dir"]
    if s.is_valid(content_dir) and not leads_inside(root / content_dir, root):
        cursor.child("content_dir").error("'content_dir': the content folder must be inside the site folder")
    if len(diagnostics.errors) > errors_before or not s.is_valid(values):
        return None
    if as_of is None and values["as_of"] is None and (problem := unusable_epoch()):
        diagnostics.warning(Location(label), problem)
    return construct(
        SiteConfig, values, path=path, root=root,
        content_dir=(root / values["content_dir"]).resolve(),
        output_dir=(output if output is not None else root / values["output_dir"]).resolve(),
        as_of=as_of or values["as_of"] or default_as_of(),
        periods=periods,
        cache_dir=root / ".okrsite-cache",
        output_chosen_at=cursor.positions.at(("output_dir",)) if output is None and "output_dir" in (doc.meta or {})
        else Location(label),
    )


def _custom_periods(items: Any, cursor: s.Cursor) -> tuple[Period, ...]:
    if not s.is_valid(items):
        return ()
    result: list[Period] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        here = cursor.child(index)
        if item["end"] < item["start"]:
            here.child("end").error("'end': the period ends before it starts")
            continue
        if item["id"].lower() in seen:  # folders of ids that differ only in case collide on macOS
            here.child("id").error(f"duplicate period id '{item['id']}' (ids may not differ only in case)")
            continue
        seen.add(item["id"].lower())
        upper = item["id"].upper()
        if upper != item["id"] and builtin_period(upper) is not None:  # its folder would collide with the built-in's
            here.child("id").error(f"period id '{item['id']}' differs from the built-in period {upper} only in case "
                                   f"(their folders would be one on macOS and Windows): write {upper} to redefine "
                                   "that period, or choose another id")
            continue
        if problem := device_name_problem(item["id"]):
            here.child("id").warning(f"the id {problem}; choose another")
        builtin = builtin_period(item["id"])
        title = item["title"] or (builtin.title if builtin else item["id"])
        result.append(Period(item["id"], title, item["start"], item["end"], "custom"))
    return tuple(result)
