from datetime import timedelta

from django.core.management.base import BaseCommand

from outbox import services as outbox


class Command(BaseCommand):
    help = "Forget outbox rows published more than --days days ago (beat does it daily; without a broker, cron)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=outbox.KEEP_SENT.days)

    def handle(self, *args, days, **options):
        self.stdout.write(f"{outbox.purge_sent(timedelta(days=days))}")
