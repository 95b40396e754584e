"""The task outbox: a task to send is a row written in the same transaction as the change it follows."""

import uuid

from django.db import models
from django.db.models import Q


class OutboxMessage(models.Model):
    # Also the Celery task id: a row published twice (relay crash before it marked the row) is one task id.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    # A publisher holds the row until this time; a publisher that dies lets the lease expire.
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Serves the relay: unsent rows, oldest first.
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="outbox_unsent_idx"),
        ]

    def __str__(self):
        return f"{self.task_name}{tuple(self.args)}"
