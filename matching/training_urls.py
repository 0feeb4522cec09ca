"""URLs for training groups, their log, the QR codes and the evaluation form (the `matching` namespace)."""

from django.urls import path

from matching.views import training

urlpatterns = [
    path("inquiries/<int:pk>/training-group/", training.group_open, name="training-open"),
    path("training-groups/<int:pk>/", training.group_detail, name="training-group"),
    path("training-groups/<int:pk>/log/", training.log_add, name="training-log-add"),
    path("training-groups/<int:pk>/log.csv", training.log_export, name="training-log-export"),
    path("training-groups/<int:pk>/qr/", training.group_qr, name="training-qr"),
    path("evaluate/<str:token>/", training.evaluate, name="training-evaluate"),
]
