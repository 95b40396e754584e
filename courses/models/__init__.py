from .certificates import Certificate, CertificateAction, CertificateEvent, CertificateStatus
from .classes import (
    DEFAULT_MAX_CLASS_DAYS,
    Attendance,
    AttendanceMethod,
    ClassSession,
    Participant,
    ParticipantSource,
    TrainingClass,
)
from .curriculum import CurriculumRecord
from .pages import CompletionRule, LessonPage, ModulePage, ProgramIndexPage, ProgramPage, TargetGroups
from .practice import PracticeStatus, PracticeSubmission
from .records import (
    Enrolment,
    EnrolmentSource,
    LessonProgress,
    ModuleCompletion,
    ProgramCompletion,
    ProgressEvent,
    ProgressStatus,
)

__all__ = [
    "Certificate", "CertificateAction", "CertificateEvent", "CertificateStatus",
    "DEFAULT_MAX_CLASS_DAYS", "Attendance", "AttendanceMethod", "ClassSession", "Participant",
    "ParticipantSource", "TrainingClass", "PracticeStatus", "PracticeSubmission",
    "CompletionRule", "CurriculumRecord", "Enrolment", "EnrolmentSource", "LessonPage", "LessonProgress",
    "ModuleCompletion",
    "ModulePage", "ProgramCompletion", "ProgramIndexPage", "ProgramPage", "ProgressEvent", "ProgressStatus",
    "TargetGroups",
]
