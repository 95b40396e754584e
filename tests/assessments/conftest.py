import pytest

from assessments.signals import attempt_graded

from .builders import (
    make_essay,
    make_multiple,
    make_ordering,
    make_quiz,
    make_short,
    make_single,
    make_topic,
    make_true_false,
)


@pytest.fixture
def auto_quiz(db):
    """One question of each auto-graded type, fixed order, 6 points in all."""
    topic = make_topic()
    questions = [make_single(topic), make_multiple(topic), make_true_false(topic), make_short(topic),
                 make_ordering(topic)]
    return make_quiz(questions)


@pytest.fixture
def essay_quiz(db):
    return make_quiz([make_single(), make_essay()])


@pytest.fixture
def graded_events():
    """Attempt ids announced by attempt_graded."""
    events = []

    def receiver(sender, attempt, **kwargs):
        events.append(attempt.pk)

    attempt_graded.connect(receiver, dispatch_uid="test-graded-events")
    yield events
    attempt_graded.disconnect(dispatch_uid="test-graded-events")
