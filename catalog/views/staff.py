"""Institution staff in the site: a staff member's colleagues and invitations (the office's for any
institution), and the page where an invited person accepts."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from catalog import services
from catalog.models import Institution, InstitutionStaff, StaffInvitation
from catalog.numbers import IdChoiceField
from catalog.roles import is_office, office_required, staff_institution

# The session key holding the token of an invitation a person opened before signing in or up; the account
# adapter sends them back to it after signing in.
PENDING_INVITATION = "catalog_staff_invitation"


class StaffInvitationForm(forms.Form):
    """Invite a colleague by email; the office also chooses the institution."""

    email = forms.EmailField(label=gettext_lazy("Email address"))
    institution = IdChoiceField(
        label=gettext_lazy("Institution"), queryset=Institution.objects.order_by("title")
    )

    def __init__(self, *args, choose_institution: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not choose_institution:
            del self.fields["institution"]


@login_required
def institution_staff(request: HttpRequest) -> HttpResponse:
    """Staff see and invite their colleagues; the office picks any institution (?institution=external id)."""
    office = is_office(request.user)
    own = staff_institution(request.user)
    if not office and own is None:
        raise PermissionDenied
    institution = own
    if office:
        chosen = request.GET.get("institution")
        institution = Institution.objects.filter(external_id=chosen).first() if chosen else own
    form = StaffInvitationForm(
        request.POST or None,
        choose_institution=office,
        initial={"institution": institution.pk if institution else None},
    )
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data.get("institution") or own
        try:
            invitation = services.invite_staff(target, form.cleaned_data["email"], invited_by=request.user)
        except ValidationError as error:
            form.add_error("email", error)
        else:
            link = request.build_absolute_uri(reverse("staff-invitation-accept", args=[invitation.token]))
            services.send_staff_invitation(invitation, link)
            messages.success(
                request,
                _("We emailed an invitation to %(email)s to join %(institution)s.")
                % {"email": invitation.email, "institution": target.name},
            )
            url = reverse("staff-invitations")
            return redirect(f"{url}?institution={target.external_id}" if office else url)
    context = {"form": form, "institution": institution, "office": office}
    if institution is not None:
        context["staff"] = institution.staff.select_related("user").order_by("joined_at")
        context["invitations"] = institution.staff_invitations.open().order_by("-created_at")
    if office:
        context["institutions"] = Institution.objects.order_by("title").only("title", "external_id")
    return render(request, "catalog/institution_staff.html", context)


@require_POST
@office_required
def remove_staff(request: HttpRequest, pk: int) -> HttpResponse:
    """The office takes a person off an institution's staff."""
    staff = get_object_or_404(InstitutionStaff.objects.select_related("user", "institution"), pk=pk)
    institution = staff.institution
    services.remove_staff(staff)
    messages.info(
        request,
        _("%(person)s no longer works for %(institution)s.")
        % {"person": staff.user.email, "institution": institution.name},
    )
    return redirect(f"{reverse('staff-invitations')}?institution={institution.external_id}")


@require_POST
@login_required
def cancel_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    """The office, or a colleague at the institution, withdraws an invitation nobody has accepted yet."""
    invitation = get_object_or_404(StaffInvitation.objects.open().select_related("institution"), pk=pk)
    institution = invitation.institution
    office = is_office(request.user)
    if not office and staff_institution(request.user) != institution:
        raise PermissionDenied
    try:
        services.cancel_staff_invitation(invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.info(request, _("The invitation to %(email)s was cancelled.") % {"email": invitation.email})
    url = reverse("staff-invitations")
    return redirect(f"{url}?institution={institution.external_id}" if office else url)


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation email. Signed out: sign up or sign in with the invited address (the link
    proves the address, so a sign-up with it needs no second verification). Signed in with that address:
    accept. Signed in otherwise: told to switch accounts."""
    invitation = get_object_or_404(StaffInvitation.objects.select_related("institution"), token=token)
    context = {"invitation": invitation, "institution": invitation.institution}
    if invitation.accepted_at is not None:
        return render(request, "catalog/staff_invitation.html", {**context, "state": "used"})
    if invitation.cancelled_at is not None:
        return render(request, "catalog/staff_invitation.html", {**context, "state": "cancelled"}, status=410)
    if not request.user.is_authenticated:
        request.session[PENDING_INVITATION] = token
        get_adapter(request).stash_verified_email(request, invitation.email)
        return render(request, "catalog/staff_invitation.html", {**context, "state": "anonymous"})
    owns_address = EmailAddress.objects.filter(
        user=request.user, email__iexact=invitation.email, verified=True
    ).exists()
    if not owns_address:
        return render(
            request, "catalog/staff_invitation.html", {**context, "state": "other-account"}, status=403
        )
    if request.method == "POST":
        try:
            services.accept_staff_invitation(invitation, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("dashboard")
        request.session.pop(PENDING_INVITATION, None)
        messages.success(
            request,
            _("Welcome to the staff of %(institution)s. Changes you make go to the office for review.")
            % {"institution": invitation.institution.name},
        )
        return redirect("dashboard")
    return render(request, "catalog/staff_invitation.html", {**context, "state": "accept"})
