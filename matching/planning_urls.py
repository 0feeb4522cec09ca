"""URLs of the project library, the annual plans and their review, and the office's planning pages (the
`matching` namespace)."""

from django.urls import path

from matching.views import planning

urlpatterns = [
    path("projects/", planning.project_list, name="project-list"),
    path("projects/new/", planning.project_create, name="project-create"),
    path("inquiries/<id:pk>/project/", planning.project_from_inquiry, name="project-from-inquiry"),
    path("projects/<id:pk>/", planning.project_detail, name="project-detail"),
    path("projects/<id:pk>/edit/", planning.project_edit, name="project-edit"),
    path("projects/<id:pk>/summary/", planning.project_summary, name="project-summary"),
    path("projects/<id:pk>/close/", planning.project_close, name="project-close"),
    path("projects/<id:pk>/follow-up/", planning.project_follow_up, name="project-follow-up"),
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
