from django.dispatch import Signal

# Sent inside the transaction that marks a certificate ready (kwarg `certificate`), so a receiver's
# writes (the learner's notification and its outbox row) commit or roll back with it.
certificate_ready = Signal()

# Sent inside the transaction that revokes a certificate (kwarg `certificate`): the reports stop
# counting it as issued.
certificate_revoked = Signal()
