"""`python manage.py worker`: the Procfile's worker, a loop that marks new visits as seen.

Stops cleanly on SIGTERM (what the platform and `runtime start` send first).
"""

import os
import signal
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from visits.models import Visit


class Command(BaseCommand):
    help = "Mark new visits as processed, until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=0.5, help="seconds between polls")

    def handle(self, *args, interval, **options):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        name = os.environ.get("DYNO", "worker")
        self.stdout.write(f"{name}: waiting for visits")
        while not stopping:
            for visit in Visit.objects.filter(processed_at__isnull=True):
                visit.processed_by, visit.processed_at = name, timezone.now()
                visit.save(update_fields=["processed_by", "processed_at"])
                self.stdout.write(f"{name}: processed visit #{visit.pk}")
            time.sleep(interval)
        self.stdout.write(f"{name}: stopped")
