from django.dispatch import Signal

# Sent on commit, with `attempt=`, whenever an attempt gets its final grade: an auto-graded
# submit, the last manual mark, or a regrade. Reports and notifications listen to it.
attempt_graded = Signal()

# Sent INSIDE the grading transaction, with `attempt_id=`, `user_id=`, `quiz_id=`, at the same moments.
# For work that must not be lost (courses: the module and program completion that may follow): a receiver
# only records that work in the task outbox, so that it commits, or rolls back, with the grade. A receiver
# that raises undoes the grade, so it does nothing slow or fallible here.
grade_recorded = Signal()
