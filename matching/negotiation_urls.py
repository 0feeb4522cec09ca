"""URLs for inquiries, proposals, notifications and reverse matching (names in the `matching` namespace)."""

from django.urls import path

from matching.views import negotiation

urlpatterns = [
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
