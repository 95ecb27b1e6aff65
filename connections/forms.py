"""The console's connection form: identifier rules, write-only AppSecret, checked logo upload."""
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .logos import process_logo
from .models import Connection, MatchField, app_secret_validator

LOGO_ACCEPT = "image/png,image/jpeg,image/webp"


class LogoInput(forms.ClearableFileInput):
    """File input that previews the stored logo instead of printing its storage path."""

    template_name = "connections/logo_input.html"

    def __init__(self, attrs=None):
        super().__init__({"accept": LOGO_ACCEPT, **(attrs or {})})


def clean_logo_field(value):
    """A new upload is validated and re-encoded; False (clear) and the stored file pass through."""
    if isinstance(value, UploadedFile):
        return process_logo(value)
    return value


class ConnectionForm(forms.ModelForm):
    """Create/edit a connection inside one pool.

    `pool` comes from the console's current pool. On edit the identifier is a disabled field,
    so whatever a crafted POST sends for it is ignored. The AppSecret is never rendered back:
    left empty on edit, the stored secret is kept.
    """

    app_secret = forms.CharField(
        label=_("AppSecret"),
        required=False,
        strip=True,
        validators=[app_secret_validator],
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=Connection._meta.get_field("app_secret").help_text,
    )
    link_match_fields = forms.MultipleChoiceField(
        label=capfirst(Connection._meta.get_field("link_match_fields").verbose_name),
        choices=MatchField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=Connection._meta.get_field("link_match_fields").help_text,
    )
    logo = forms.FileField(
        label=capfirst(Connection._meta.get_field("logo").verbose_name),
        required=False,
        widget=LogoInput(),
        help_text=Connection._meta.get_field("logo").help_text,
    )
    pool = None

    class Meta:
        model = Connection
        fields = [
            "identifier", "display_name", "callback_url", "logo", "private_deployment", "app_id",
            "app_secret", "login_only", "linking_enabled", "link_match_fields", "link_ask_bind", "enabled",
        ]
        widgets = {"callback_url": forms.URLInput(attrs={"placeholder": "https://example.com/after-login", "class": "vURLField"})}

    def __init__(self, *args, pool=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pool = pool or self.pool
        if self.instance.pool_id is None and self.pool is not None:
            self.instance.pool = self.pool
        self.initial["app_secret"] = ""
        if self.instance.pk and "identifier" in self.fields:
            self.fields["identifier"].disabled = True
            self.fields["identifier"].help_text = _("Cannot be changed after creation.")

    def clean_identifier(self):
        identifier = self.cleaned_data["identifier"]
        if self.instance.pk:
            return self.instance.identifier
        if self.instance.pool_id and Connection.objects.filter(pool_id=self.instance.pool_id, identifier=identifier).exists():
            raise forms.ValidationError(
                _("This pool already has a connection with this identifier."),
                code="identifier_taken",
            )
        return identifier

    def clean_app_secret(self):
        # Write-only: an empty value keeps what is stored (nothing on create).
        return self.cleaned_data.get("app_secret") or (self.instance.app_secret if self.instance.pk else "")

    def clean_logo(self):
        return clean_logo_field(self.cleaned_data.get("logo"))
