"""URLs for training outcomes and the application draft of an agreed inquiry (names in `matching`)."""

from django.urls import path

from matching.views import application, outcomes

urlpatterns = [
    path("outcomes/submit/", outcomes.outcome_submit, name="outcome-submit"),
    path("outcomes/mine/", outcomes.outcome_list, name="outcome-list"),
    path("outcomes/mine/<slug:external_id>/revise/", outcomes.outcome_revise, name="outcome-revise"),
    path("inquiries/<id:pk>/application/", application.application_draft, name="application-draft"),
    path("inquiries/<id:pk>/application.docx", application.application_docx, name="application-docx"),
]
