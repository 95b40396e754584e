from .models import Notification

INBOX_SIZE = 50


def inbox(user) -> dict:
    rows = list(Notification.objects.filter(user=user).order_by("-created_at", "-pk")[:INBOX_SIZE])
    return {"notifications": rows, "unread": sum(1 for n in rows if n.read_at is None)}
