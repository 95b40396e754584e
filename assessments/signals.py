from django.dispatch import Signal

# Sent on commit, with `attempt=`, whenever an attempt gets its final grade: an auto-graded
# submit, the last manual mark, or a regrade. Courses update completion from it.
attempt_graded = Signal()
