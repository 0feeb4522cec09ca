"""Writes across the catalogue's models. Institution staff: invitations by email, joining, and the Wagtail
permissions that let staff keep their own institution's page and courses (never publish them: the office
reviews every change first); an institution's admission; the office's catalogue uploads."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import GroupPagePermission

from catalog.choices import InstitutionStatus, UploadStatus
from catalog.models import CatalogueUpload, Institution, InstitutionStaff, StaffInvitation, StatusChange
from catalog.tasks import check_upload, email, enqueue_with_transaction, forget_uploads_later, import_upload

STAFF_GROUP_PREFIX = "Institution staff: "
# Staff add courses and change their institution's subtree; publishing stays with the office.
STAFF_PAGE_PERMISSIONS = ("add_page", "change_page")


def staff_group(institution: Institution) -> Group:
    """The Wagtail group of one institution's staff, made with its permissions when first needed."""
    group, _created = Group.objects.get_or_create(name=f"{STAFF_GROUP_PREFIX}{institution.external_id}")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    for codename in STAFF_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=institution.page_ptr,
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )
    return group


def grant_page_permissions(user, institution: Institution) -> None:
    """Let a staff member edit their institution's page and courses in the Wagtail admin."""
    user.groups.add(staff_group(institution))


def revoke_page_permissions(user, institution: Institution) -> None:
    user.groups.remove(*Group.objects.filter(name=f"{STAFF_GROUP_PREFIX}{institution.external_id}"))


def invite_staff(institution: Institution, email: str, *, invited_by) -> StaffInvitation:
    """Invite a person by email to join an institution's staff; an open invitation to the same address is
    reused, so sending it again does not pile up links. Refuses someone already working for an institution."""
    email = email.strip()
    existing = (
        InstitutionStaff.objects.filter(user__email__iexact=email).select_related("institution").first()
    )
    if existing is not None:
        if existing.institution_id == institution.pk:
            raise ValidationError(_("This person already works for %(name)s.") % {"name": institution.name})
        raise ValidationError(_("This person already works for another institution."))
    invitation = (
        StaffInvitation.objects.open()
        .filter(institution=institution, email__iexact=email)
        .order_by("-created_at")
        .first()
    )
    if invitation is None:
        invitation = StaffInvitation.objects.create(
            institution=institution, email=email, invited_by=invited_by
        )
    return invitation


def send_staff_invitation(invitation: StaffInvitation, link: str) -> None:
    """Email the invitation in both languages once the transaction commits."""
    institution = invitation.institution
    parts = []
    for language, name in (
        ("zh-hans", institution.name_zh or institution.name_en),
        ("en", institution.name_en),
    ):
        with translation.override(language):
            invited = _(
                "You are invited to join the staff of %(name)s on the International Training Match portal. "
                "With an account you keep the institution's profile and courses up to date and answer the "
                "inquiries of Chinese organizing units."
            ) % {"name": name}
            how = _("Sign up or sign in with this email address (%(email)s), then accept the invitation:") % {
                "email": invitation.email
            }
            parts.append(f"{invited}\n{how}\n{link}\n")
    subjects = []
    for language, name in (
        ("zh-hans", institution.name_zh or institution.name_en),
        ("en", institution.name_en),
    ):
        with translation.override(language):
            subjects.append(_("Invitation to join %(name)s") % {"name": name})
    subject = " / ".join(subjects)
    email(subject, "\n".join(parts), [invitation.email])


def accept_staff_invitation(invitation: StaffInvitation, user) -> InstitutionStaff:
    """Make the invited person a member of the institution's staff, with its Wagtail permissions.
    The caller has checked that the person controls the invited address."""
    with transaction.atomic():
        invitation = (
            StaffInvitation.objects.select_for_update().select_related("institution").get(pk=invitation.pk)
        )
        if invitation.accepted_at is not None:
            raise ValidationError(_("This invitation has already been accepted."))
        if invitation.cancelled_at is not None:
            raise ValidationError(_("This invitation was cancelled."))
        current = InstitutionStaff.objects.filter(user=user).first()
        if current is not None and current.institution_id != invitation.institution_id:
            raise ValidationError(_("You already work for another institution."))
        staff = current or InstitutionStaff.objects.create(user=user, institution=invitation.institution)
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        grant_page_permissions(user, invitation.institution)
    return staff


def cancel_staff_invitation(invitation: StaffInvitation) -> StaffInvitation:
    """Withdraw an invitation nobody has accepted yet; its link then says it was cancelled."""
    with transaction.atomic():
        invitation = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise ValidationError(_("This invitation has already been accepted."))
        if invitation.cancelled_at is None:
            invitation.cancelled_at = timezone.now()
            invitation.save(update_fields=["cancelled_at"])
    return invitation


def remove_staff(staff: InstitutionStaff) -> None:
    """Take a person off an institution's staff, with the permissions that came with it."""
    with transaction.atomic():
        revoke_page_permissions(staff.user, staff.institution)
        staff.delete()


def change_institution_status(institution: Institution, to_status: str, reason: str, by) -> StatusChange:
    """The office admits, suspends or withdraws an institution with a written reason. Saving the institution
    refreshes the matching index (search.signals) and lets matching mark its open negotiations; the change is
    kept in the history and the institution's staff are told why by email, in both languages."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write the reason for this decision."), code="reason")
    if to_status not in InstitutionStatus.values:
        raise ValidationError(_("Choose a valid status."), code="status")
    with transaction.atomic():
        institution = Institution.objects.select_for_update().get(pk=institution.pk)
        from_status = institution.status
        if from_status == to_status:
            raise ValidationError(
                _("%(name)s is already %(status)s.")
                % {"name": institution.name, "status": InstitutionStatus(to_status).label},
                code="unchanged",
            )
        institution.status = to_status
        institution.save(clean=False)
        _keep_status_in_latest_revision(institution)
        change = StatusChange.objects.create(
            institution=institution,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
            changed_by=by,
        )
        _email_status_change(change)
    return change


def _keep_status_in_latest_revision(institution: Institution) -> None:
    # The page editor opens the latest revision; without this, publishing it later would bring back the old
    # status.
    revision = institution.latest_revision
    if revision is not None and isinstance(revision.content, dict) and "status" in revision.content:
        revision.content["status"] = institution.status
        revision.save(update_fields=["content"])


def _email_status_change(change: StatusChange) -> None:
    """Tell the institution's staff (or, without staff, its contact address) once the transaction commits."""
    institution = change.institution
    addresses = list(
        InstitutionStaff.objects.filter(institution=institution, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if not addresses and institution.contact_email:
        addresses = [institution.contact_email]
    if not addresses:
        return
    subjects, parts = [], []
    for language, name in (
        ("zh-hans", institution.name_zh or institution.name_en),
        ("en", institution.name_en),
    ):
        with translation.override(language):
            status = str(InstitutionStatus(change.to_status).label)
            subjects.append(_("%(name)s: %(status)s") % {"name": name, "status": status})
            if change.to_status == InstitutionStatus.ACTIVE:
                what = _(
                    "The administering office has admitted %(name)s to the International Training Match "
                    "portal. The institution appears again in the directory, in search and in the matches."
                ) % {"name": name}
            else:
                what = _(
                    "The administering office has changed the status of %(name)s to “%(status)s”. Until it "
                    "is admitted again, the institution does not appear in the directory, in search or in "
                    "the matches, and its open negotiations are marked."
                ) % {"name": name, "status": status}
            why = _("The office's reason:")
            parts.append(f"{what}\n{why}\n{change.reason}\n")
    subject = " / ".join(subjects)
    body = "\n".join(parts)
    email(subject, body, addresses)


def upload_catalogue(name: str, data: bytes, *, by) -> CatalogueUpload:
    """Keep an uploaded catalogue file and queue its check (the dry run) for the task worker."""
    with transaction.atomic():
        upload = CatalogueUpload.objects.create(name=name, data=data, uploaded_by=by)
        enqueue_with_transaction(check_upload, upload.pk)
        forget_uploads_later()
    return upload


def confirm_upload(upload: CatalogueUpload) -> bool:
    """Queue the import of a previewed upload that would change something; False when it is not one (any
    more: a second click, or a colleague's, finds it importing already)."""
    with transaction.atomic():
        upload = CatalogueUpload.objects.without_file().select_for_update().get(pk=upload.pk)
        if upload.status != UploadStatus.PREVIEWED or not upload.changes:
            return False
        upload.status = UploadStatus.IMPORTING
        upload.done = upload.total = 0
        upload.save(update_fields=["status", "done", "total", "updated_at"])
        enqueue_with_transaction(import_upload, upload.pk)
        forget_uploads_later()
    return True
