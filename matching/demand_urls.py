"""URLs for editing demands, publishing them and expert reviews (names in the `matching` namespace)."""

urlpatterns: list = []
