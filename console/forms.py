"""Console forms for applications, memberships and management tokens."""
from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from connections.forms import LogoInput, clean_logo_field
from tenants.models import Application, ClientType, Membership
from tenants.origins import validate_web_origins


class RedirectUrisField(forms.CharField):
    """One absolute http(s) URL per line, stored as a list."""

    widget = forms.Textarea(attrs={"rows": 4, "placeholder": "https://example.com/callback"})
    url_validator = URLValidator(schemes=["http", "https"])

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, (list, tuple)) else value

    def to_python(self, value):
        lines = [line.strip() for line in (value or "").splitlines()]
        return [line for line in lines if line]

    def validate(self, value):
        super().validate(value)
        bad = []
        for uri in value:
            try:
                self.url_validator(uri)
            except forms.ValidationError:
                bad.append(uri)
        if bad:
            raise forms.ValidationError(
                _("Not an absolute http(s) URL: %(uris)s."),
                code="invalid_redirect_uri", params={"uris": ", ".join(bad)},
            )


class WebOriginsField(RedirectUrisField):
    """One exact web origin per line (scheme://host[:port]), stored as a list; checked by the model."""

    widget = forms.Textarea(attrs={"rows": 3, "placeholder": "https://shop.example.com"})

    def validate(self, value):
        forms.CharField.validate(self, value)
        validate_web_origins(value)


class ApplicationForm(forms.ModelForm):
    redirect_uris = RedirectUrisField(
        label=_("Redirect URIs"), required=False,
        help_text=_("One absolute URL per line; the login returns only to these."),
    )
    web_origins = WebOriginsField(
        label=_("Web origins"), required=False,
        help_text=_("One exact origin per line, e.g. https://shop.example.com: the pages that log in with the popup or "
                    "the embedded QR code (browser SDK). Only these get CORS on the ticket API and the token endpoint."),
    )
    logo = forms.FileField(
        label=_("Logo"), required=False, widget=LogoInput(),
        help_text=_("PNG, JPEG or WebP, at most 1 MB."),
    )

    class Meta:
        model = Application
        fields = ["name", "description", "logo", "client_type", "redirect_uris", "web_origins"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "client_type" in self.fields:
            self.fields["client_type"].required = False  # left out → confidential, the usual website

    def clean_logo(self):
        return clean_logo_field(self.cleaned_data.get("logo"))

    def clean_client_type(self):
        return self.cleaned_data.get("client_type") or ClientType.CONFIDENTIAL


class MembershipForm(forms.ModelForm):
    """Add a console staff user to the current pool by username, with a role.

    A pool admin may add only staff users who belong to no other pool (new colleagues a superuser
    created); superusers may add anyone. Every username that cannot be added — unknown, inactive,
    not staff, or a member of another pool — gets the same answer, so the form never tells a pool
    admin which usernames exist in other tenants.
    """

    username = forms.CharField(label=_("Username"), max_length=150,
                               help_text=_("A console staff user who belongs to no other pool (a superuser adds staff "
                                           "of other pools)."))
    pool = None
    actor = None  # the staff user filling in the form

    class Meta:
        model = Membership
        fields = ["role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["username"]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username, is_active=True, is_staff=True).first()
        if user is not None and Membership.objects.filter(user=user, pool=self.pool).exists():
            raise forms.ValidationError(_("This user is already a member of this pool."), code="already_member")
        if user is None or not self._may_add(user):
            raise forms.ValidationError(_("No staff user with this username can be added to this pool."), code="cannot_add")
        self.instance.user = user
        return username

    def _may_add(self, user) -> bool:
        if self.actor is not None and self.actor.is_superuser:
            return True
        return not user.is_superuser and not Membership.objects.filter(user=user).exclude(pool=self.pool).exists()
