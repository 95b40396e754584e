"""Practice tasks handed in from a lesson (text, a file, a recording from the phone) and marked by trainers in
scope from the marking queue; the learner reads the feedback under the task."""
