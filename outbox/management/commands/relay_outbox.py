from django.core.management.base import BaseCommand

from outbox import services as outbox


class Command(BaseCommand):
    help = "Publish (or, without a broker, run) every task still waiting in the outbox."

    def handle(self, *args, **options):
        count = outbox.relay()
        self.stdout.write(f"{count}")
