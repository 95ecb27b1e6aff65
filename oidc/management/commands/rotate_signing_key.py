"""python manage.py rotate_signing_key <pool-slug>: sign new ID tokens with a fresh key."""
from django.core.management.base import BaseCommand, CommandError

from tenants.models import UserPool
from oidc.keys import signing_key_rotate


class Command(BaseCommand):
    help = "Rotate a pool's ID token signing key; the old key stays in the JWKS until its tokens expire."

    def add_arguments(self, parser):
        parser.add_argument("pool", help="the pool's URL slug")

    def handle(self, *args, pool, **options):
        the_pool = UserPool.objects.filter(slug=pool).first()
        if the_pool is None:
            raise CommandError(f"no pool with slug {pool!r}")
        key = signing_key_rotate(the_pool)
        self.stdout.write(f"pool {the_pool.slug}: new signing key {key.kid}; the previous key stays published until its tokens expire")
