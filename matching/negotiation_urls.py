"""URLs for inquiries, proposals, notifications and reverse matching (names in the `matching` namespace)."""

urlpatterns: list = []
