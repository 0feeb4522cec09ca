"""Policy rules: every rule code of shared/DOMAIN.md as one named rule, checked by `check(demand)`.

Each rule has its code, severity, boundary, a message in Chinese and in English, and the section it comes
from. The form, `check_demand` and publishing all call `check()`, so a demand is judged alike everywhere.
Citations: "2020 guide" is the 2020 application guide (seeds/001); "(notice)" marks the covering notice's
numbered items (三、3), the attached guide's sections read 二（二）. "13th FYP guidance" is seeds/000.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any

from catalog.choices import InstitutionStatus
from catalog.models import Country, Field, Institution
from catalog.text import pick_language
from matching.choices import OrganizerLevel
from matching.models import DemandCategory
from search.demand import MISSING, DemandRecord

MAX_GROUP_SIZE = 25
SMALL_GROUP = 5  # a group of fewer people is a favoured small group
MIN_DAYS_ASIAN = 10
MIN_DAYS_ELSEWHERE = 14
LONG_TERM_DAYS = 90  # this many days or more is mid/long-term; fewer is short-term
MAX_CITIES_SHORT_TERM = 2
MAX_AGE = 55
MIN_YEARS_TO_RETIREMENT = 5

ERROR, WARNING, INFO = "error", "warning", "info"

# Messages shared by all rules: a key the rule needs is missing or malformed, or names nothing we know.
MISSING_KEY = ("缺少“{key}”，本项规则需要填写。", 'The key "{key}" is missing; this rule needs it.')
INVALID = ("“{key}”的值无效：{problem}。", 'The key "{key}" is invalid: {problem}.')
UNKNOWN = ("“{key}”中的“{value}”不在目录中。", '"{value}" in "{key}" is not in the catalogue.')

LEVEL_ZH = {
    OrganizerLevel.CENTRAL: "中央",
    OrganizerLevel.PROVINCIAL: "省级",
    OrganizerLevel.MUNICIPAL: "地市级",
    OrganizerLevel.COUNTY: "县级",
    OrganizerLevel.ENTERPRISE: "企业",
    OrganizerLevel.UNIVERSITY: "高等院校",
    OrganizerLevel.INSTITUTE: "科研院所",
    OrganizerLevel.ASSOCIATION: "学会协会",
}
# The sub-keys of special_project, expert_review and foreign_funding, as a message names them.
PART_ZH = {
    "kind": "类别",
    "name": "专项名称",
    "year": "立项年度",
    "opinion": "评审意见",
    "expert": "专家姓名",
    "funder": "资助方",
    "institution": "培训机构",
    "content": "培训内容",
}
STATUS_ZH = {InstitutionStatus.SUSPENDED: "已暂停", InstitutionStatus.WITHDRAWN: "已退出"}
# The policy documents a citation names, in Chinese; `source` stays in English, as check_demand prints it
# (shared/EXCHANGE-FORMAT.md). The notice before the guide it covers, which its name contains.
DOCUMENTS_ZH = (
    ("2020 guide (notice)", "2020年申报指南通知"),
    ("2020 guide", "2020年申报指南"),
    ("13th FYP guidance", "“十三五”培训指导意见"),
)


def source_zh(source: str) -> str:
    """A citation in Chinese: "2020 guide, 二（二）; 13th FYP guidance, 二（二）三" reads
    "2020年申报指南，二（二）；“十三五”培训指导意见，二（二）三"."""
    for english, chinese in DOCUMENTS_ZH:
        source = source.replace(english, chinese)
    return source.replace("; ", "；").replace(", ", "，")


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on one demand; `key` is the record key it concerns, for a form to show it there."""

    rule: str
    severity: str
    message_zh: str
    message_en: str
    source: str
    key: str

    @property
    def citation(self) -> str:
        """The rule's source in the reader's language."""
        return pick_language(source_zh(self.source), self.source)

    def as_dict(self) -> dict[str, str]:
        """The finding as check_demand prints it (shared/EXCHANGE-FORMAT.md): all but the form's key."""
        printed = asdict(self)
        del printed["key"]
        return printed


@dataclass(frozen=True)
class Rule:
    """A rule code with its severity, citation, main message (templates) and the function that judges."""

    code: str
    severity: str
    key: str
    source: str
    message_zh: str
    message_en: str
    judge: Callable[[Rule, DemandRecord, Named], Iterable[Finding]]

    def findings(self, demand: DemandRecord, named: Named) -> Iterable[Finding]:
        return self.judge(self, demand, named)

    def finding(self, message: tuple[str, str] | None = None, *, key: str | None = None, **values) -> Finding:
        """A finding of this rule: the main message unless another is given, with the values filled in."""
        zh, en = message or (self.message_zh, self.message_en)
        key = key or self.key
        values = {"key": key, **values}
        return Finding(self.code, self.severity, zh.format(**values), en.format(**values), self.source, key)

    def invalid(self, demand: DemandRecord, name: str) -> Finding | None:
        """A finding when the value given for a key was refused."""
        if name in demand.problems:
            return self.finding(INVALID, key=name, problem=demand.problems[name])
        return None

    def problem(self, demand: DemandRecord, name: str) -> Finding | None:
        """A finding when a key the rule needs is invalid, missing or null."""
        if found := self.invalid(demand, name):
            return found
        return self.finding(MISSING_KEY, key=name) if getattr(demand, name) is None else None


RULES: list[Rule] = []


def rule(code: str, severity: str, *, key: str, source: str, zh: str, en: str):
    """Declares the decorated function as the judge of a rule code; RULES keeps DOMAIN.md's order."""

    def declare(judge):
        RULES.append(Rule(code, severity, key, source, zh, en, judge))
        return judge

    return declare


def check(demand: DemandRecord) -> list[Finding]:
    """Every finding for one demand; keys it left out or whose value was refused are findings too."""
    named = Named(demand)
    return [finding for declared in RULES for finding in declared.findings(demand, named)]


class Named:
    """The catalogue rows a demand names, by key, each table read with one query when a rule first asks."""

    def __init__(self, demand: DemandRecord):
        self.demand = demand

    @cached_property
    def countries(self) -> dict[str, dict]:
        columns = ["name_zh", "name_en", "asian_or_neighbouring", "hotspot"]
        return _rows(Country, "code", self.demand.destinations, columns)

    @cached_property
    def institutions(self) -> dict[str, dict]:
        columns = ["name_zh", "name_en", "status", "cooperating"]
        return _rows(Institution, "external_id", self.demand.institutions, columns)

    @cached_property
    def fields(self) -> dict[str, dict]:
        return _rows(Field, "code", self.demand.fields, ["name_zh", "name_en", "central_only"])


def _rows(model, key: str, wanted: Sequence[str], columns: list[str]) -> dict[str, dict]:
    """The rows a demand names, by key: one query, or none when it names nothing."""
    if not wanted:
        return {}
    rows = model.objects.filter(**{f"{key}__in": wanted}).values(key, *columns)
    return {row[key]: row for row in rows}


def _codes(listed: Sequence[str]) -> list[str]:
    """The codes a demand lists, once each and in code order: its findings come in that order, however the
    demand lists them."""
    return sorted(set(listed))


def _names(row: dict, fallback: str) -> dict[str, str]:
    return {"name_zh": row["name_zh"] or row["name_en"] or fallback, "name_en": row["name_en"] or fallback}


def _lacking(obj: Mapping[str, Any], parts: tuple[str, ...]) -> list[str]:
    """The parts of a stated object left out or blank."""
    return [part for part in parts if not str(obj.get(part) or "").strip()]


def _parts(lacking: list[str]) -> dict[str, str]:
    """Lacking parts, named for both messages."""
    return {"parts_zh": "、".join(PART_ZH[part] for part in lacking), "parts_en": ", ".join(lacking)}


# The rules, in the order of shared/DOMAIN.md "Rule codes".


@rule(
    "group-size",
    ERROR,
    key="group_size",
    source="2020 guide (notice), 三、3; 13th FYP guidance, 二（二）四",
    zh="团组人数{size}人，超过{limit}人的上限。",
    en="The group has {size} people; the limit is {limit}.",
)
def _group_size(rule: Rule, demand: DemandRecord, named: Named) -> Iterator[Finding]:
    if found := rule.problem(demand, "group_size"):
        yield found
    elif demand.group_size > MAX_GROUP_SIZE:
        yield rule.finding(size=demand.group_size, limit=MAX_GROUP_SIZE)


NO_DESTINATION = (
    "境外培训{days}天，少于{minimum}天；未填写目的地时按欧美等其他国家的要求核对。",
    "The training abroad lasts {days} days, under {minimum}: without destinations the minimum for "
    "Europe, the Americas and elsewhere applies.",
)


@rule(
    "min-days",
    ERROR,
    key="days",
    source="2020 guide, 二（二）; 13th FYP guidance, 二（二）三",
    zh="境外培训{days}天，少于赴{name_zh}培训不少于{minimum}天的要求。",
    en="The training abroad lasts {days} days; {name_en} requires at least {minimum}.",
)
def _min_days(rule: Rule, demand: DemandRecord, named: Named) -> Iterator[Finding]:
    if found := rule.invalid(demand, "destinations"):
        yield found
    destinations = _codes(demand.destinations)
    for code in destinations:
        if code not in named.countries:
            yield rule.finding(UNKNOWN, key="destinations", value=code)
    if found := rule.problem(demand, "days"):
        yield found
        return
    days = demand.days
    # The strictest destination counts: an unknown one is judged as "elsewhere", and so is none at all.
    strictest = next(
        (code for code in destinations if not named.countries.get(code, {}).get("asian_or_neighbouring")),
        None,
    )
    minimum = MIN_DAYS_ASIAN if destinations and strictest is None else MIN_DAYS_ELSEWHERE
    if days >= minimum:
        return
    if not destinations:
        yield rule.finding(NO_DESTINATION, days=days, minimum=minimum)
    else:
        code = strictest or destinations[0]
        country = named.countries.get(code, {"name_zh": "", "name_en": ""})
        yield rule.finding(days=days, minimum=minimum, **_names(country, code))


PROJECT_INCOMPLETE = ("专项配套项目缺少{parts_zh}。", "The special project lacks its {parts_en}.")
NO_BACKBONE = (
    "中长期项目（{limit}天及以上）须注明是否纳入“科技专业骨干出国（境）培训计划”。",
    "A mid/long-term demand ({limit} days or more) must state whether it applies under the S&T backbone "
    "overseas training plan.",
)


@rule(
    "classification",
    ERROR,
    key="special_project",
    source="2020 guide, 二（六）; 2020 guide (notice), 三、1",
    zh="短期项目（{limit}天以下）须注明是否为国家重大科技专项、国家重点研发计划、基地和人才专项配套项目，"
    "并填写专项名称和立项年度；均不是时注明“均不属于”。",
    en="A short-term demand (under {limit} days) must state whether it supports a national major S&T "
    "project, the national key R&D programme or a base/talent special project, with its name and year, "
    "or state that it supports none of these.",
)
def _classification(rule: Rule, demand: DemandRecord, named: Named) -> Iterator[Finding]:
    days = demand.days
    if days is None:
        return  # min-days reports a missing or invalid `days`
    if days < LONG_TERM_DAYS:
        # A stated null means "none of these"; only a key left out is unstated.
        project = demand.special_project
        if found := rule.invalid(demand, "special_project"):
            yield found
        elif project is MISSING:
            yield rule.finding(limit=LONG_TERM_DAYS)
        elif project is not None and (lacking := _lacking(project, ("kind", "name", "year"))):
            yield rule.finding(PROJECT_INCOMPLETE, **_parts(lacking))
    elif found := rule.invalid(demand, "backbone_plan"):
        yield found
    elif demand.backbone_plan is None:
        yield rule.finding(NO_BACKBONE, key="backbone_plan", limit=LONG_TERM_DAYS)


@rule(
    "cities",
    ERROR,
    key="cities",
    source="2020 guide, 二（三）; 13th FYP guidance, 二（二）三",
    zh="短期培训赴{cities}个城市，超过{limit}个城市的上限。",
    en="A short-term training visits {cities} cities; the limit is {limit}.",
)
def _cities(rule: Rule, demand: DemandRecord, named: Named) -> Iterator[Finding]:
    # A missing `cities` is 1, the exchange format's default; mid/long-term has no number to check.
    days, cities = demand.days, demand.cities
    if found := rule.invalid(demand, "cities"):
        yield found
    elif days is not None and days < LONG_TERM_DAYS and cities is not None and cities > MAX_CITIES_SHORT_TERM:
        yield rule.finding(cities=cities, limit=MAX_CITIES_SHORT_TERM)


@rule(
    "participant-age",
    ERROR,
    key="participants_max_age",
    source="13th FYP guidance, 二（二）四",
    zh="参训人员最大年龄{age}岁，超过{limit}岁。",
    en="The oldest participant is {age}; the limit is {limit}.",
)
def _participant_age(rule: Rule, demand: DemandRecord, named: Named) -> Iterator[Finding]:
    if found := rule.problem(demand, "participants_max_age"):
        yield found
    elif demand.participants_max_age > MAX_AGE:
        yield rule.finding(age=demand.participants_max_age, limit=MAX_AGE)


@rule(
    "retirement",
    ERROR,
    key="participants_min_years_to_retirement",
    source="13th FYP guidance, 二（二）四",
    zh="有参训人员距退休仅{years}年，不足{limit}年。",
    en="A participant is {years} years from retirement; at least {limit} are required.",
)
def _retirement(rule: Rule, demand: DemandRecord, named: Named) -> Iterator[Finding]:
    if found := rule.problem(demand, "participants_min_years_to_retirement"):
        yield found
    elif demand.participants_min_years_to_retirement < MIN_YEARS_TO_RETIREMENT:
        yield rule.finding(years=demand.participants_min_years_to_retirement, limit=MIN_YEARS_TO_RETIREMENT)


REVIEW_INCOMPLETE = ("专家评审意见缺少{parts_zh}。", "The expert review lacks its {parts_en}.")


@rule(
    "expert-review",
    ERROR,
    key="expert_review",
    source="2020 guide, 二（五）; 2020 guide (notice), 三、2",
    zh="缺少专家评审意见及专家信息。",
    en="The expert review opinion with the expert's details is missing.",
)
def _expert_review(rule: Rule, demand: DemandRecord, named: Named) -> Iterator[Finding]:
    review = demand.expert_review
    if found := rule.invalid(demand, "expert_review"):
        yield found
    elif review is None:
        yield rule.finding()
    elif lacking := _lacking(review, ("opinion", "expert")):
        yield rule.finding(REVIEW_INCOMPLETE, **_parts(lacking))


@rule(
    "foreign-funding",
    ERROR,
    key="foreign_funding",
    source="2020 guide, 二（四）",
    zh="境外资助项目须说明境外资助方、培训机构和培训内容，缺少{parts_zh}。",
    en="Foreign funding must name the funder, the institution and the content; missing: {parts_en}.",
)
def _foreign_funding(rule: Rule, demand: DemandRecord, named: Named) -> Iterator[Finding]:
    # Missing or null: no foreign funding declared, nothing to check.
    funding = demand.foreign_funding
    if found := rule.invalid(demand, "foreign_funding"):
        yield found
    elif funding is not None and (lacking := _lacking(funding, ("funder", "institution", "content"))):
        yield rule.finding(**_parts(lacking))


@rule(
    "cooperating-institution",
    WARNING,
    key="institutions",
    source="2020 guide (notice), 三、4",
    zh="拟选培训机构{name_zh}未与科技部引智司建立合作关系；综合管理类和一般性专业培训原则上应选择合作机构。",
    en="The planned institution {name_en} does not cooperate with the ministry; management and general "
    "groups should in principle choose cooperating institutions.",
)
def _cooperating_institution(rule: Rule, demand: DemandRecord, named: Named) -> Iterator[Finding]:
    # Unknown ids are inactive-institution's to report.
    others = [
        (external_id, named.institutions[external_id])
        for external_id in _codes(demand.institutions)
        if external_id in named.institutions and not named.institutions[external_id]["cooperating"]
    ]
    if not others:
        return
    category = demand.category
    if category is None:
        yield rule.problem(demand, "category")
    elif category in (DemandCategory.MANAGEMENT, DemandCategory.GENERAL):
        for external_id, institution in others:
            yield rule.finding(**_names(institution, external_id))


@rule(
    "hotspot",
    WARNING,
    key="destinations",
    source="2020 guide, 二（三）",
    zh="{name_zh}为热点国家（地区），赴热点国家培训从严控制，须书面说明理由。",
    en="{name_en} is a hotspot country: training there is strictly controlled and needs a written "
    "justification.",
)
def _hotspot(rule: Rule, demand: DemandRecord, named: Named) -> Iterator[Finding]:
    for code in _codes(demand.destinations):
        country = named.countries.get(code)
        if country is not None and country["hotspot"]:
            yield rule.finding(**_names(country, code))


@rule(
    "double-cross",
    ERROR,
    key="double_cross",
    source="2020 guide, 三（二）2",
    zh="双跨团组仅限中央和国家机关各部门及有外事审批权的直属机构组织，本项目组织单位为{level_zh}单位。",
    en="Only central ministries and agencies with foreign-affairs approval authority may organize a "
    "double-cross group; this organizer is {level_en}.",
)
def _double_cross(rule: Rule, demand: DemandRecord, named: Named) -> Iterator[Finding]:
    level = demand.organizer_level
    if found := rule.invalid(demand, "double_cross"):
        yield found
    elif not demand.double_cross:
        return
    elif level is None:
        yield rule.problem(demand, "organizer_level")
    elif level != OrganizerLevel.CENTRAL:
        yield rule.finding(level_zh=LEVEL_ZH[level], level_en=level)


@rule(
    "organizer-level",
    ERROR,
    key="organizer_level",
    source="2020 guide, 三（二）1",
    zh="{level_zh}单位不得组织党政干部综合管理类培训项目。",
    en="A {level_en} organizer may not organize management (party-and-government) training.",
)
def _organizer_level(rule: Rule, demand: DemandRecord, named: Named) -> Iterator[Finding]:
    level, category = demand.organizer_level, demand.category
    if level in (OrganizerLevel.MUNICIPAL, OrganizerLevel.COUNTY):
        if category is None:
            yield rule.problem(demand, "category")
        elif category == DemandCategory.MANAGEMENT:
            yield rule.finding(level_zh=LEVEL_ZH[level], level_en=level)
    elif level is None and category == DemandCategory.MANAGEMENT:
        # A management demand must say who organizes it: that decides this rule.
        yield rule.problem(demand, "organizer_level")


@rule(
    "small-group-long-term",
    INFO,
    key="group_size",
    source="2020 guide, 二（二）、二（七）; 13th FYP guidance, 二（二）三",
    zh="{size}人的中长期专业技术类项目（{limit}人以下）属优先支持，不占指标控制数。",
    en="A mid/long-term professional group of {size} (under {limit} people) is favoured and does not count "
    "against the quota.",
)
def _small_group_long_term(rule: Rule, demand: DemandRecord, named: Named) -> Iterator[Finding]:
    # Only professional-technical groups are outside the quota (二（七）: 5人以下专业技术类中长期).
    size, days = demand.group_size, demand.days
    if (
        size is not None
        and days is not None
        and size < SMALL_GROUP
        and days >= LONG_TERM_DAYS
        and demand.category == DemandCategory.PROFESSIONAL
    ):
        yield rule.finding(size=size, limit=SMALL_GROUP)


@rule(
    "inactive-institution",
    ERROR,
    key="institutions",
    source="13th FYP guidance, 三（五）",
    zh="拟选培训机构{name_zh}{status_zh}，不能选择。",
    en="The planned institution {name_en} is {status_en} and cannot be chosen.",
)
def _inactive_institution(rule: Rule, demand: DemandRecord, named: Named) -> Iterator[Finding]:
    if found := rule.invalid(demand, "institutions"):
        yield found
    for external_id in _codes(demand.institutions):
        institution = named.institutions.get(external_id)
        if institution is None:
            yield rule.finding(UNKNOWN, value=external_id)
        elif institution["status"] != InstitutionStatus.ACTIVE:
            status = institution["status"]
            yield rule.finding(
                status_zh=STATUS_ZH[status], status_en=status, **_names(institution, external_id)
            )


@rule(
    "central-only-field",
    ERROR,
    key="fields",
    source="2020 guide, 三（二）3",
    zh="{name_zh}领域的培训由中央主管部门统一组织申报，{level_zh}单位不再申报。",
    en="Training in {name_en} is applied for by the competent central department only, not by a "
    "{level_en} organizer.",
)
def _central_only_field(rule: Rule, demand: DemandRecord, named: Named) -> Iterator[Finding]:
    if found := rule.invalid(demand, "fields"):
        yield found
    central_only = []
    for code in _codes(demand.fields):
        field = named.fields.get(code)
        if field is None:
            yield rule.finding(UNKNOWN, value=code)
        elif field["central_only"]:
            central_only.append((code, field))
    level = demand.organizer_level
    if not central_only or level == OrganizerLevel.CENTRAL:
        return
    if level is None:
        yield rule.problem(demand, "organizer_level")
        return
    for code, field in central_only:
        yield rule.finding(level_zh=LEVEL_ZH[level], level_en=level, **_names(field, code))
