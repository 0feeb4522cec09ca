"""Saved searches and alerts, the typed verbs: save, change, pause and delete an alert; find the alerts a new
institution, course or public demand fits (through `rank()` for a unit's searches and demands, through
reverse matching for an institution's watch) and record each as a hit, told on the dashboard at once and by
email at once or in a digest; unsubscribe by a signed link that needs no sign-in."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Course, Institution
from catalog.roles import staff_institution
from catalog.tasks import email
from matching.choices import AlertKind, DemandStatus, Frequency
from matching.models import Alert, AlertHit, Demand, Notification, member_unit
from matching.services.notify import absolute, in_language
from search.demand import DemandRecord
from search.ranking import build_query, rank
from search.reverse import score_demands

# How far down an alert's ranking a new listing may stand and still be told: the threshold decides, this
# only bounds the work of one check.
RANK_DEPTH = 50
UNSUBSCRIBE_SALT = "matching.alerts.unsubscribe"
# A digest is due once this long has passed since the last one (a little less than the period, so that a
# job run at the same hour each day or week is never a few seconds early).
DIGEST_PERIODS = {
    Frequency.DAILY: datetime.timedelta(hours=23),
    Frequency.WEEKLY: datetime.timedelta(days=6, hours=23),
}
TITLE_SHOWN = 60


class AlertRefused(Exception):
    """An alert this person may not keep; the message says why, in their language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# Who may keep which alert.


def allowed_kinds(user) -> list[str]:
    """Unit members save searches and watch their unit's demands; institution staff watch new demands."""
    kinds = []
    if member_unit(user) is not None:
        kinds += [AlertKind.SEARCH, AlertKind.DEMAND]
    if staff_institution(user) is not None:
        kinds.append(AlertKind.INSTITUTION)
    return kinds


def search_record(query: str) -> DemandRecord | None:
    """The record of a saved "find institutions" query, read by the page's own form; None when invalid."""
    from matching.forms.demands import FindInstitutionsForm

    form = FindInstitutionsForm(QueryDict(query))
    return form.record() if form.is_valid() else None


def alert_record(alert: Alert) -> DemandRecord | None:
    """What a unit's alert ranks institutions for: the saved search, or the demand as it is now (while its
    owner still belongs to the demand's unit and it is not withdrawn)."""
    if alert.kind == AlertKind.SEARCH:
        return search_record(alert.query)
    if alert.kind == AlertKind.DEMAND and alert.demand is not None:
        demand = alert.demand
        unit = member_unit(alert.user)
        if unit is None or unit.pk != demand.organizing_unit_id or demand.status == DemandStatus.WITHDRAWN:
            return None
        return demand.as_record()
    return None


def save_alert(
    user,
    *,
    kind: str,
    name: str,
    frequency: str,
    threshold: float,
    query: str = "",
    demand: Demand | None = None,
) -> Alert:
    """A new alert for its owner. A search must be one the find page accepts; a demand must be the unit's;
    an institution's watch is on the owner's own institution."""
    if kind not in allowed_kinds(user):
        raise AlertRefused(_("You cannot keep this kind of alert."))
    institution = None
    if kind == AlertKind.SEARCH:
        if search_record(query) is None:
            raise AlertRefused(_("This search cannot be saved: describe the training or choose a field."))
        demand = None
    elif kind == AlertKind.DEMAND:
        if demand is None or not Demand.objects.editable_by(user).filter(pk=demand.pk).exists():
            raise AlertRefused(_("Choose one of your unit's demands."))
        query = ""
    else:
        institution, query, demand = staff_institution(user), "", None
    return Alert.objects.create(
        user=user,
        kind=kind,
        name=name,
        frequency=frequency,
        threshold=threshold,
        query=query,
        demand=demand,
        institution=institution,
    )


# Checking what is new.


def listings_published(institution_ids: Iterable[int], course_ids: Iterable[int] = ()) -> int:
    """Checks newly published institutions and courses against every active search and demand alert:
    an institution is a hit when `rank()` gives it at least the alert's threshold; a course when its
    institution does and it shares a field with the search (or the search names none). Only listings
    published after the alert was saved count. Returns how many hits were recorded."""
    institutions = {
        i.external_id: i for i in Institution.objects.public().filter(pk__in=list(institution_ids))
    }
    courses = list(
        Course.objects.public()
        .filter(pk__in=list(course_ids))
        .select_related("provider")
        .prefetch_related("fields")
    )
    if not institutions and not courses:
        return 0
    recorded = 0
    alerts = Alert.objects.active().filter(kind__in=[AlertKind.SEARCH, AlertKind.DEMAND])
    for alert in alerts.select_related("user", "demand"):
        new_institutions = {key: i for key, i in institutions.items() if _is_new(i, alert)}
        new_courses = [course for course in courses if _is_new(course, alert)]
        if not new_institutions and not new_courses:
            continue
        record = alert_record(alert)
        if record is None:
            continue
        scores = {m.external_id: m.score for m in rank(record, top=RANK_DEPTH) if m.score >= alert.threshold}
        for key, institution in new_institutions.items():
            if key in scores:
                recorded += record_hit(alert, institution=institution, score=scores[key])
        if new_courses:
            wanted = set(build_query(record).expanded_fields)
            for course in new_courses:
                provider = course.provider
                codes = {field.code for field in course.fields.all()}
                if provider is not None and provider.external_id in scores and (not wanted or codes & wanted):
                    recorded += record_hit(
                        alert, course=course, institution=provider, score=scores[provider.external_id]
                    )
    return recorded


def demand_published(demand_id: int) -> int:
    """Checks a newly published demand against every institution's watch: a hit when reverse matching
    scores the demand at least the watch's threshold for the institution, and the watcher may see the
    demand. Returns how many hits were recorded."""
    demand = Demand.objects.published().filter(pk=demand_id).select_related("organizing_unit").first()
    if demand is None:
        return 0
    record = demand.as_record()
    scores: dict[int, float | None] = {}
    recorded = 0
    alerts = Alert.objects.active().filter(kind=AlertKind.INSTITUTION, institution__isnull=False)
    for alert in alerts.select_related("user", "institution"):
        if demand.published_at and demand.published_at < alert.created_at:
            continue
        if staff_institution(alert.user) != alert.institution:
            continue
        if not Demand.objects.visible_to(alert.user).filter(pk=demand.pk).exists():
            continue
        if alert.institution_id not in scores:
            fits = score_demands([record], alert.institution.external_id)
            scores[alert.institution_id] = fits[0].score if fits else None
        score = scores[alert.institution_id]
        if score is not None and score >= alert.threshold:
            recorded += record_hit(alert, demand=demand, score=score)
    return recorded


def _is_new(page, alert: Alert) -> bool:
    # Imports and the editor both stamp a page's first publication; a page never published is not new.
    return page.first_published_at is not None and page.first_published_at >= alert.created_at


def record_hit(alert: Alert, *, score: float, institution=None, course=None, demand=None) -> int:
    """Records a hit once per alert and thing, tells the owner on the dashboard, and emails at once when
    the alert asks for it. Returns 1 for a new hit, 0 when it was known."""
    target = course or institution or demand
    kind = "course" if course else "institution" if institution else "demand"
    key = f"{kind}:{target.external_id}"[:120]
    try:
        with transaction.atomic():
            hit = AlertHit.objects.create(
                alert=alert, key=key, score=score, institution=institution, course=course, demand=demand
            )
    except IntegrityError:
        return 0
    text_zh, text_en = hit_texts(hit)
    Notification.objects.create(
        user=alert.user, text_zh=text_zh[:255], text_en=text_en[:255], url=target_url(hit)
    )
    if alert.frequency == Frequency.IMMEDIATE:
        send_hits(alert, [hit])
    return 1


# What a hit says.


def target_url(hit: AlertHit) -> str:
    if hit.demand is not None:
        return reverse("matching:demand-detail", args=[hit.demand.external_id])
    page = hit.course or hit.institution
    return page.url or ""


def _clipped(text: str) -> str:
    return text if len(text) <= TITLE_SHOWN else f"{text[: TITLE_SHOWN - 1]}…"


def hit_texts(hit: AlertHit) -> tuple[str, str]:
    """The line a hit shows in each language."""
    name = _clipped(hit.alert.name)
    if hit.demand is not None:
        title = _clipped(hit.demand.title)
        return (
            f"新的培训需求「{title}」符合提醒「{name}」",
            f"New demand “{title}” fits your alert “{name}”",
        )
    if hit.course is not None:
        course = hit.course
        return (
            f"新课程「{_clipped(course.title_zh or course.title_en)}」符合提醒「{name}」",
            f"New course “{_clipped(course.title_en or course.title_zh)}” fits your alert “{name}”",
        )
    institution = hit.institution
    return (
        f"新机构「{_clipped(institution.name_zh or institution.name_en)}」符合提醒「{name}」",
        f"New institution “{_clipped(institution.name_en)}” fits your alert “{name}”",
    )


# Emails.


def unsubscribe_token(alert: Alert) -> str:
    return signing.dumps(alert.pk, salt=UNSUBSCRIBE_SALT)


def alert_from_token(token: str) -> Alert | None:
    """The alert a signed unsubscribe link names; None when the link was altered or the alert is gone."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return Alert.objects.filter(pk=pk).first()


def unsubscribe_url(alert: Alert, language: str = "zh-hans") -> str:
    return absolute(
        in_language(reverse("matching:alert-unsubscribe", args=[unsubscribe_token(alert)]), language)
    )


def send_hits(alert: Alert, hits: list[AlertHit]) -> None:
    """One email with the hits, in both languages, each with its links; a one-click unsubscribe link in the
    text and in the List-Unsubscribe header. Queued with the transaction; the hits are marked emailed."""
    if not hits or not alert.user.email:
        return
    lines_zh, lines_en = [], []
    for hit in hits:
        text_zh, text_en = hit_texts(hit)
        url = target_url(hit)
        lines_zh.append(f"- {text_zh}（匹配分 {hit.score:.1f}）\n  {absolute(in_language(url, 'zh-hans'))}")
        lines_en.append(f"- {text_en} (score {hit.score:.1f})\n  {absolute(in_language(url, 'en'))}")
    manage = reverse("matching:alert-list")
    body = (
        f"您的提醒「{alert.name}」有 {len(hits)} 条新结果：\n\n"
        + "\n".join(lines_zh)
        + f"\n\n管理提醒：{absolute(in_language(manage, 'zh-hans'))}\n"
        + f"退订此提醒的邮件（无需登录）：{unsubscribe_url(alert, 'zh-hans')}\n\n"
        + f"Your alert “{alert.name}” has {len(hits)} new result(s):\n\n"
        + "\n".join(lines_en)
        + f"\n\nManage your alerts: {absolute(in_language(manage, 'en'))}\n"
        + f"Unsubscribe from this alert's emails (no sign-in needed): {unsubscribe_url(alert, 'en')}\n"
    )
    link = unsubscribe_url(alert, "en")
    email(
        f"New results for your alert “{_clipped(alert.name)}” / 提醒有新结果",
        body,
        [alert.user.email],
        headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    AlertHit.objects.filter(pk__in=[hit.pk for hit in hits]).update(emailed_at=timezone.now())


@dataclass(frozen=True)
class DigestReport:
    alerts: int
    hits: int


def send_digests(frequency: str, now: datetime.datetime | None = None) -> DigestReport:
    """Emails each active alert of this frequency (daily or weekly) its hits not emailed yet, when its
    period has passed since its last digest (or since it was saved). Run daily (`manage.py
    send_alert_digests`)."""
    now = now or timezone.now()
    period = DIGEST_PERIODS[frequency]
    sent_alerts = sent_hits = 0
    alerts = Alert.objects.active().filter(frequency=frequency, hits__emailed_at__isnull=True).distinct()
    for alert in alerts.select_related("user"):
        if (alert.last_digest_at or alert.created_at) > now - period:
            continue
        with transaction.atomic():
            hits = list(
                alert.hits.filter(emailed_at__isnull=True).select_related("institution", "course", "demand")
            )
            send_hits(alert, hits)
            Alert.objects.filter(pk=alert.pk).update(last_digest_at=now)
        sent_alerts += 1
        sent_hits += len(hits)
    return DigestReport(alerts=sent_alerts, hits=sent_hits)


def unsubscribe(alert: Alert) -> Alert:
    """Stops the alert's emails; its hits still show on the dashboard."""
    alert.frequency = Frequency.NEVER
    alert.save(update_fields=["frequency"])
    return alert
