"""`manage.py on_replica COMMAND [ARGS]`: run a command whose reads go to the read replica.

For the heavy read-mostly jobs run by hand or from cron (`on_replica rebuild_report_summaries`); writes still
go to the primary (lms/db_router.py). Prints how many statements the replica answered, so an operator sees
that it was used."""

import argparse

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from lms.db_router import REPLICA, replica_configured, replica_reads


class Command(BaseCommand):
    help = "Run another management command with its reads on the replica database (DATABASE_REPLICA_URL)."

    def add_arguments(self, parser):
        parser.add_argument("command_name")
        parser.add_argument("args", nargs=argparse.REMAINDER)

    def handle(self, command_name, *args, **options):
        if not replica_configured():
            raise CommandError("DATABASE_REPLICA_URL is not set: there is no replica to read from.")
        statements = []

        def count(execute, sql, params, many, context):
            statements.append(sql)
            return execute(sql, params, many, context)

        with connections[REPLICA].execute_wrapper(count), replica_reads():
            call_command(command_name, *args, stdout=self.stdout, stderr=self.stderr)
        self.stdout.write(f"replica statements: {len(statements)}")
