from django.dispatch import Signal

# Sent on commit when a learner completes a program for the first time: kwargs user_id, program_id.
program_completed = Signal()
# Sent on commit whenever a learner's progress or completion changed: kwargs user_id, program_id.
progress_changed = Signal()
# Sent on commit when enrolments were opened or closed: kwargs user_ids (list), program_id.
enrolment_changed = Signal()
