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
    _("Use 1–31 characters: lowercase letters a–z, digits and hyphens. 仅限 1–31 个小写字母、数字和连字符。"),
    code="invalid_identifier",
)
app_id_validator = RegexValidator(
    r"\Awx[0-9a-f]{16}\Z",
    _("An AppID is “wx” followed by 16 hexadecimal characters. AppID 为 “wx” 加 16 位十六进制字符。"),
    code="invalid_app_id",
)
app_secret_validator = RegexValidator(
    r"\A[0-9A-Za-z]{32}\Z",
    _("An AppSecret is 32 letters and digits. AppSecret 为 32 位字母和数字。"),
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
            "changed later. 唯一标识：1–31 个小写字母、数字或连字符，池内唯一，创建后不可修改。"
        ),
    )
    display_name = models.CharField(
        _("display name"),
        max_length=60,
        help_text=_("Shown on the login button. 显示名称，将显示在登录按钮上。"),
    )
    callback_url = models.CharField(
        _("callback URL"),
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_(
            "Absolute http(s) URL the browser goes to after a login no OpenID Connect request started. "
            "回调地址：非 OIDC 发起的登录完成后浏览器跳转的绝对 http(s) 地址。"
        ),
    )
    logo = models.ImageField(
        _("mini-program logo"),
        upload_to="connection-logos/",
        blank=True,
        help_text=_(
            "PNG, JPEG or WebP, at most 1 MB; drawn in the centre of the QR code. "
            "小程序 Logo：PNG、JPEG 或 WebP，不超过 1 MB，显示在二维码中央。"
        ),
    )
    private_deployment = models.BooleanField(
        _("private deployment"),
        default=False,
        help_text=_(
            "Off: the platform's default mini-program. On: your own mini-program; AppID and AppSecret are "
            "required. 私有化部署：关闭时使用平台默认小程序；开启后使用您自己的小程序，需填写 AppID 和 AppSecret。"
        ),
    )
    app_id = models.CharField(
        _("AppID"),
        max_length=18,
        blank=True,
        validators=[app_id_validator],
        help_text=_("Your mini-program's AppID (wx + 16 hex characters). 小程序 AppID（wx + 16 位十六进制）。"),
    )
    app_secret = EncryptedTextField(
        _("AppSecret"),
        blank=True,
        help_text=_(
            "32 characters; stored encrypted and never shown again. Leave empty to keep the current one. "
            "32 位；加密保存且不再显示，留空则保留当前值。"
        ),
    )
    login_only = models.BooleanField(
        _("login only"),
        default=False,
        help_text=_(
            "Only existing accounts may log in; nobody is signed up. 仅登录模式：只允许已有账号登录，不自动注册。"
        ),
    )
    linking_enabled = models.BooleanField(
        _("account identity linking"),
        default=False,
        help_text=_(
            "Off: an unknown WeChat identity gets a new user. On: link it to an existing account. "
            "账号身份关联：关闭时新微信身份创建新用户；开启后关联到已有账号。"
        ),
    )
    link_match_fields = models.JSONField(
        _("link by matching fields"),
        default=list,
        blank=True,
        help_text=_(
            "Link to the existing account whose field equals WeChat's verified value (e.g. phone). "
            "字段匹配：按所选字段（如已验证手机号）关联已有账号。"
        ),
    )
    link_ask_bind = models.BooleanField(
        _("ask the user to bind"),
        default=False,
        help_text=_(
            "The user signs in to the existing account once on the hosted page to bind it. "
            "询问绑定：用户在托管登录页登录一次已有账号以完成绑定。"
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
                errors["app_id"] = _("AppID is required for a private deployment. 私有化部署须填写 AppID。")
            if not self.app_secret:
                errors["app_secret"] = _("AppSecret is required for a private deployment. 私有化部署须填写 AppSecret。")
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
        return self.enabled and self.links.filter(application=application).exists()


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
