"""Create a management API token for a pool and print it once."""
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from scanlogin.errors import NotFound
from tenants.models import Role
from tenants.selectors import pool_get
from tenants.tokens import token_create


class Command(BaseCommand):
    help = "Create a management API token for a user pool. The token is printed once and never stored in clear."

    def add_arguments(self, parser):
        parser.add_argument("--pool", required=True, help="Slug of the user pool")
        parser.add_argument("--role", required=True, choices=Role.values, help="admin or operator")
        parser.add_argument("--name", default="", help="A name to recognise the token by")
        parser.add_argument("--expires-in-days", type=int, default=None, help="Days until the token expires (default: never)")

    def handle(self, *args, pool, role, name, expires_in_days, **options):
        try:
            pool_obj = pool_get(slug=pool)
        except NotFound:
            raise CommandError(f"No user pool with slug {pool!r}.") from None
        if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
            raise CommandError("--expires-in-days must be between 1 and 3650.")
        expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
        try:
            token, plaintext = token_create(pool=pool_obj, name=name or f"{role} token", role=role, expires_at=expires_at)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stderr.write(f"Created {role} token {token.prefix}… for pool {pool_obj.slug!r}"
                          + (f", expires {expires_at:%Y-%m-%d}" if expires_at else "") + ". It is shown only once:")
        self.stdout.write(plaintext)
