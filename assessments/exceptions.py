"""Domain errors of the quiz engine; views turn them into translated messages and 4xx answers."""


class AssessmentError(Exception):
    """Base class: the message is already translated for the user."""


class InvalidResponse(AssessmentError):
    """A posted answer that does not fit its question (unknown choice, bad file...)."""


class AnswerQuotaExceeded(AssessmentError):
    """The learner's answer files would pass QUIZ_ANSWER_QUOTA_BYTES."""


class QuestionNotInAttempt(AssessmentError):
    pass


class AttemptClosed(AssessmentError):
    """The attempt is submitted or past its deadline: nothing more can change."""


class AttemptLimitReached(AssessmentError):
    pass


class QuizNotAvailable(AssessmentError):
    pass


class QuizNotAllowed(AssessmentError):
    """A start rule registered by another app refused (not enrolled, module locked, other group...)."""


class EmptyQuiz(AssessmentError):
    pass


class InvalidMark(AssessmentError):
    pass


class OutOfScope(AssessmentError):
    pass
