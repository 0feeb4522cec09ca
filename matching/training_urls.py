"""URLs for training groups, their log, the QR codes and the evaluation form (the `matching` namespace)."""

from django.urls import path

from matching.views import training

urlpatterns = [
    path("inquiries/<id:pk>/training-group/", training.group_open, name="training-open"),
    path("training-groups/<id:pk>/", training.group_detail, name="training-group"),
    path("training-groups/<id:pk>/log/", training.log_add, name="training-log-add"),
    path("training-groups/<id:pk>/log.csv", training.log_export, name="training-log-export"),
    path("training-groups/<id:pk>/qr/", training.group_qr, name="training-qr"),
    path("evaluate/<str:token>/", training.evaluate, name="training-evaluate"),
]
