"""python manage.py rotate_signing_key <pool-slug>: sign new ID tokens with a fresh key."""
from django.core.management.base import BaseCommand, CommandError

from oidc.keys import signing_key_rotate
from scanlogin.errors import NotFound
from tenants.selectors import pool_get


class Command(BaseCommand):
    help = "Rotate a pool's ID token signing key; the old key stays in the JWKS until its tokens expire."

    def add_arguments(self, parser):
        parser.add_argument("pool", help="the pool's URL slug")

    def handle(self, *args, pool, **options):
        try:
            the_pool = pool_get(slug=pool)
        except NotFound:
            raise CommandError(f"no pool with slug {pool!r}") from None
        key = signing_key_rotate(the_pool)
        self.stdout.write(f"pool {the_pool.slug}: new signing key {key.kid}; the previous key stays published until its tokens expire")
