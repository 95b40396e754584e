"""Domain signals of accounts, sent by its services in the transaction of the change."""

from django.dispatch import Signal

# Learners registered, moved to another commune, regrouped (target group) or removed.
# user_ids: list[int]; commune_ids: set[int], every commune whose registered learners changed (the one
# left, the one joined, the one before a reform). Receivers batch their work per transaction.
learners_changed = Signal()
