"""python manage.py wechat_simulator --port 8001 — the WeChat simulator for development."""
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wechatsim.server import SimulatorDisabled, register_default_app, start_simulator


class Command(BaseCommand):
    help = "Run the WeChat simulator (development only; refused unless WECHAT_SIMULATOR_ENABLED)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument("--scanlogin-url", default="http://127.0.0.1:8000",
                            help="ScanLogin base URL the /sim/phone page calls")

    def handle(self, *args, host, port, scanlogin_url, **options):
        try:
            sim = start_simulator(host=host, port=port, scanlogin_url=scanlogin_url)
        except SimulatorDisabled as exc:
            raise CommandError(str(exc)) from None
        register_default_app(sim.state)
        self.stdout.write(f"WeChat simulator on {sim.base_url} (default app {settings.WECHAT_DEFAULT_APP_ID}); "
                          f"phone page {sim.base_url}/sim/phone")
        try:
            while sim.thread.is_alive():
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            sim.stop()
