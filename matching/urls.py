"""The matching room's URLs, one block per feature. Names live in the `matching` namespace, except the
organizing units' (`unit_urlpatterns`), which portal.urls includes outside it: their names stay global
(`unit-join`), as they always were."""

from django.urls import path

from matching.views import (
    alerts,
    application,
    board,
    demands,
    experts,
    listing_contact,
    negotiation,
    outcomes,
    planning,
    reports,
    reviews,
    statistics,
    training,
    units,
)

app_name = "matching"

# Before the demand page's `demands/<external_id>/`, so `new`, `check` and `mine` are ours.
demand_urls = [
    path("demands/new/", demands.demand_create, name="demand-create"),
    path("demands/check/", demands.demand_check, name="demand-check"),
    path("demands/mine/", board.MyDemandsView.as_view(), name="demand-mine"),
    path("demands/<slug:external_id>/edit/", demands.demand_edit, name="demand-edit"),
    path("demands/<slug:external_id>/publish/", demands.demand_publish, name="demand-publish"),
    path("demands/<slug:external_id>/withdraw/", demands.demand_withdraw, name="demand-withdraw"),
    # Expert reviews of a demand.
    path("demands/<slug:external_id>/reviews/invite/", reviews.review_invite, name="review-invite"),
    path(
        "demands/<slug:external_id>/reviews/<id:pk>/cancel/",
        reviews.review_cancel,
        name="review-cancel",
    ),
    path("reviews/<str:token>/", reviews.review_sign, name="review-sign"),
]

# Inquiries, proposals, notifications and reverse matching.
negotiation_urls = [
    path("inquiries/", negotiation.InquiryListView.as_view(), name="inquiry-list"),
    path("inquiries/<id:pk>/", negotiation.inquiry_detail, name="inquiry-detail"),
    path("inquiries/<id:pk>/reply/", negotiation.inquiry_reply, name="inquiry-reply"),
    path("inquiries/<id:pk>/propose/", negotiation.inquiry_propose, name="inquiry-propose"),
    path("inquiries/<id:pk>/status/", negotiation.inquiry_status, name="inquiry-status"),
    path(
        "demands/<slug:external_id>/contact/<slug:institution>/",
        negotiation.contact_institution,
        name="contact-institution",
    ),
    path("institution/demands/", negotiation.reverse_matches, name="reverse-matches"),
    path(
        "institution/demands/<slug:external_id>/interest/",
        negotiation.express_interest,
        name="express-interest",
    ),
    path("notifications/", negotiation.notifications, name="notifications"),
]

# The office's statistics.
statistics_urls = [
    path("office/statistics/", statistics.statistics, name="statistics"),
]

# Training groups, their log, the QR codes and the evaluation form.
training_urls = [
    path("inquiries/<id:pk>/training-group/", training.group_open, name="training-open"),
    path("training-groups/<id:pk>/", training.group_detail, name="training-group"),
    path("training-groups/<id:pk>/log/", training.log_add, name="training-log-add"),
    path("training-groups/<id:pk>/log.csv", training.log_export, name="training-log-export"),
    path("training-groups/<id:pk>/qr/", training.group_qr, name="training-qr"),
    path("evaluate/<str:token>/", training.evaluate, name="training-evaluate"),
]

# Training outcomes and the application draft of an agreed inquiry.
outcome_urls = [
    path("outcomes/submit/", outcomes.outcome_submit, name="outcome-submit"),
    path("outcomes/mine/", outcomes.outcome_list, name="outcome-list"),
    path("outcomes/mine/<slug:external_id>/revise/", outcomes.outcome_revise, name="outcome-revise"),
    path("inquiries/<id:pk>/application/", application.application_draft, name="application-draft"),
    path("inquiries/<id:pk>/application.docx", application.application_docx, name="application-docx"),
]

# The project library, annual plans, their review up the chain and the office's planning pages.
planning_urls = [
    path("projects/", planning.project_list, name="project-list"),
    path("projects/new/", planning.project_create, name="project-create"),
    path("inquiries/<id:pk>/project/", planning.project_from_inquiry, name="project-from-inquiry"),
    path("projects/<id:pk>/", planning.project_detail, name="project-detail"),
    path("projects/<id:pk>/edit/", planning.project_edit, name="project-edit"),
    path("projects/<id:pk>/summary/", planning.project_summary, name="project-summary"),
    path("projects/<id:pk>/close/", planning.project_close, name="project-close"),
    path("projects/<id:pk>/follow-up/", planning.project_follow_up, name="project-follow-up"),
    path("projects/<id:pk>/application/", planning.project_application, name="project-application"),
    path(
        "projects/<id:pk>/application.docx",
        planning.project_application_docx,
        name="project-application-docx",
    ),
    path("plans/", planning.plan_list, name="plan-list"),
    path("plans/new/", planning.plan_open, name="plan-open"),
    path("plans/<id:pk>/", planning.plan_detail, name="plan-detail"),
    path("plans/<id:pk>/projects/", planning.plan_projects, name="plan-projects"),
    path("plans/<id:pk>/submit/", planning.plan_submit, name="plan-submit"),
    path("plans/<id:pk>/review/", planning.plan_review, name="plan-review"),
    path("plans/<id:pk>/summary.xlsx", planning.plan_summary_table, name="plan-summary-table"),
    path("office/planning/", planning.office_planning, name="office-planning"),
    path("office/planning/report/", planning.planning_report, name="planning-report"),
    path("office/groups-abroad/", planning.groups_abroad, name="groups-abroad"),
]

# Saved searches and alerts; the unsubscribe link of their emails works without signing in.
alert_urls = [
    path("alerts/", alerts.alert_list, name="alert-list"),
    path("alerts/new/", alerts.alert_create, name="alert-create"),
    path("alerts/<id:pk>/", alerts.alert_edit, name="alert-edit"),
    path("alerts/<id:pk>/pause/", alerts.alert_pause, name="alert-pause"),
    path("alerts/<id:pk>/delete/", alerts.alert_delete, name="alert-delete"),
    path("alerts/unsubscribe/<str:token>/", alerts.alert_unsubscribe, name="alert-unsubscribe"),
]

# Contacting an institution from its page or a course's; reports on listings and the office's queue.
listing_urls = [
    path(
        "institutions/<slug:institution>/contact/",
        listing_contact.contact_from_listing,
        name="listing-contact",
    ),
    path("report/<slug:kind>/<slug:external_id>/", reports.report_listing, name="report-listing"),
    path("reports/mine/", reports.my_reports, name="my-reports"),
    path("office/reports/", reports.office_reports, name="office-reports"),
    path("office/reports/<id:pk>/", reports.office_report, name="office-report"),
    path("institution/reports/", reports.institution_reports, name="institution-reports"),
]

# The expert pool (专家库): a unit invites from it; the office keeps it.
expert_urls = [
    path(
        "demands/<slug:external_id>/reviews/invite/<id:pk>/",
        experts.review_invite_pool,
        name="review-invite-pool",
    ),
    path("office/experts/", experts.office_experts, name="office-experts"),
    path("office/experts/add/", experts.office_expert_add, name="office-expert-add"),
    path("office/experts/<id:pk>/", experts.office_expert, name="office-expert"),
]

urlpatterns = [
    # The demand board and finding institutions, open to visitors.
    path("demands/", board.DemandListView.as_view(), name="demand-list"),
    path("find/", board.find_institutions, name="find-institutions"),
    *demand_urls,
    *negotiation_urls,
    *statistics_urls,
    *training_urls,
    *outcome_urls,
    *planning_urls,
    *alert_urls,
    *listing_urls,
    *expert_urls,
    path("demands/<slug:external_id>/", board.DemandDetailView.as_view(), name="demand-detail"),
]

# Organizing-unit membership: joining a unit and deciding on a colleague who asked to (global names).
unit_urlpatterns = [
    path("unit/join/", units.join_unit, name="unit-join"),
    path("unit/members/<id:pk>/confirm/", units.confirm_member, name="unit-member-confirm"),
    path("unit/members/<id:pk>/decline/", units.decline_member, name="unit-member-decline"),
]
