from django.core.management.base import BaseCommand

from lms import outbox


class Command(BaseCommand):
    help = "Publish (or, without a broker, run) every task still waiting in the outbox."

    def handle(self, *args, **options):
        count = outbox.relay()
        self.stdout.write(f"{count}")
