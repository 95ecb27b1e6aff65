"""The social identity source "WeChat · PC mini-program scan" and its enabling per application."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scanlogin.fields import EncryptedTextField
from tenants.models import Application, UserPool

identifier_validator = RegexValidator(
    r"\A[a-z0-9-]{1,31}\Z",
    _("Use 1–31 characters: lowercase letters a–z, digits and hyphens."),
    code="invalid_identifier",
)
app_id_validator = RegexValidator(
    r"\Awx[0-9a-f]{16}\Z",
    _("An AppID is “wx” followed by 16 hexadecimal characters."),
    code="invalid_app_id",
)
app_secret_validator = RegexValidator(
    r"\A[0-9A-Za-z]{32}\Z",
    _("An AppSecret is 32 letters and digits."),
    code="invalid_app_secret",
)


class MatchField(models.TextChoices):
    """What field matching may compare: only what WeChat verifies (the phone number). WeChat vouches
    for no email or username, so linking on those would hand an account to whoever typed it."""

    PHONE = "phone", _("Verified phone number")


class ConnectionKind(models.TextChoices):
    WECHAT_MINIPROGRAM_PC = "wechat_miniprogram_pc", _("WeChat · PC mini-program scan")


class IdentifierImmutable(ValidationError):
    pass


class Connection(models.Model):
    """A pool's WeChat PC mini-program scan connection (one identity source)."""

    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="connections")
    kind = models.CharField(max_length=40, choices=ConnectionKind.choices, default=ConnectionKind.WECHAT_MINIPROGRAM_PC, editable=False)
    identifier = models.CharField(
        _("unique identifier"),
        max_length=31,
        validators=[identifier_validator],
        help_text=_(
            "Lowercase letters, digits and hyphens, 1–31 characters; unique in this pool and cannot be "
            "changed later."
        ),
    )
    display_name = models.CharField(
        _("display name"),
        max_length=60,
        help_text=_("Shown on the login button."),
    )
    callback_url = models.CharField(
        _("callback URL"),
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_(
            "Absolute http(s) URL the browser goes to after a login no OpenID Connect request started."
        ),
    )
    logo = models.ImageField(
        _("mini-program logo"),
        upload_to="connection-logos/",
        blank=True,
        help_text=_(
            "PNG, JPEG or WebP, at most 1 MB; drawn in the centre of the QR code."
        ),
    )
    private_deployment = models.BooleanField(
        _("private deployment"),
        default=False,
        help_text=_(
            "Off: the platform's default mini-program. On: your own mini-program; AppID and AppSecret are "
            "required."
        ),
    )
    app_id = models.CharField(
        _("AppID"),
        max_length=18,
        blank=True,
        validators=[app_id_validator],
        help_text=_("Your mini-program's AppID (wx + 16 hex characters)."),
    )
    app_secret = EncryptedTextField(
        _("AppSecret"),
        blank=True,
        help_text=_(
            "32 characters; stored encrypted and never shown again. Leave empty to keep the current one."
        ),
    )
    login_only = models.BooleanField(
        _("login only"),
        default=False,
        help_text=_(
            "Only existing accounts may log in; nobody is signed up."
        ),
    )
    linking_enabled = models.BooleanField(
        _("account identity linking"),
        default=False,
        help_text=_(
            "Off: an unknown WeChat identity gets a new user. On: link it to an existing account."
        ),
    )
    link_match_fields = models.JSONField(
        _("link by matching fields"),
        default=list,
        blank=True,
        help_text=_(
            "Link to the existing account whose field equals WeChat's verified value (e.g. phone)."
        ),
    )
    link_ask_bind = models.BooleanField(
        _("ask the user to bind"),
        default=False,
        help_text=_(
            "The user signs in to the existing account once on the hosted page to bind it."
        ),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    applications = models.ManyToManyField(Application, through="ConnectionApplication", related_name="connections", blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["display_name"]
        constraints = [models.UniqueConstraint(fields=["pool", "identifier"], name="connection_pool_identifier_unique")]
        verbose_name = _("identity source")
        verbose_name_plural = _("identity sources")

    def __str__(self):
        return f"{self.display_name} ({self.identifier})"

    def save(self, *args, **kwargs):
        # The identifier is part of URLs and API paths that integrations depend on: refuse any
        # save that changes it, whatever path (form, admin, API, shell) the change came by.
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("identifier", flat=True).first()
            if stored is not None and stored != self.identifier:
                raise IdentifierImmutable(
                    {"identifier": _("The unique identifier cannot be changed after creation.")},
                    code="identifier_immutable",
                )
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.private_deployment:
            if not self.app_id:
                errors["app_id"] = _("AppID is required for a private deployment.")
            if not self.app_secret:
                errors["app_secret"] = _("AppSecret is required for a private deployment.")
        bad = [f for f in self.link_match_fields or [] if f not in MatchField.values]
        if bad:
            errors["link_match_fields"] = _("Only the verified phone number can be matched (not: %(f)s).") % {
                "f": ", ".join(map(str, bad))}
        elif self.linking_enabled and not (self.link_match_fields or self.link_ask_bind):
            errors["linking_enabled"] = _(
                "Account identity linking needs a way to link: field matching by verified phone, "
                "asking the user to bind, or both.")
        if errors:
            raise ValidationError(errors)

    @property
    def app_secret_last4(self) -> str:
        return self.app_secret[-4:] if self.app_secret else ""

    def wechat_credentials(self) -> tuple[str, str]:
        """The (AppID, AppSecret) to call WeChat with: the tenant's own or the platform default."""
        if self.private_deployment:
            return self.app_id, self.app_secret
        return settings.WECHAT_DEFAULT_APP_ID, settings.WECHAT_DEFAULT_APP_SECRET

    @property
    def wechat_app_id(self) -> str:
        return self.wechat_credentials()[0]

    def is_enabled_for(self, application) -> bool:
        """Users of the application may log in with this connection: it is enabled and switched on
        for the application (connections.selectors.is_linked is the switch alone)."""
        from .selectors import linked_application_ids  # (selectors import this module)

        return self.enabled and application.pk in linked_application_ids(self)


class ConnectionApplication(models.Model):
    """The connection is enabled for the application (one row per pair)."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="links")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="connection_links")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "application"], name="connection_application_unique")
        ]
        verbose_name = _("enabled application")
        verbose_name_plural = _("enabled applications")

    def clean(self):
        if self.connection.pool_id != self.application.pool_id:
            raise ValidationError(_("The application belongs to another pool."))
