"""Side effects of institution staff: people made staff anywhere (services, the Django admin, fixtures) get
the Wagtail permissions of their institution, and lose them when they leave."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from catalog.models import InstitutionStaff
from catalog.services import grant_page_permissions, revoke_page_permissions


@receiver(post_save, sender=InstitutionStaff)
def staff_joined(sender, instance: InstitutionStaff, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        grant_page_permissions(instance.user, instance.institution)


@receiver(post_delete, sender=InstitutionStaff)
def staff_left(sender, instance: InstitutionStaff, **kwargs) -> None:
    revoke_page_permissions(instance.user, instance.institution)
