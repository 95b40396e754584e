from .pages import CompletionRule, LessonPage, ModulePage, ProgramIndexPage, ProgramPage, TargetGroups
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
    "CompletionRule", "Enrolment", "EnrolmentSource", "LessonPage", "LessonProgress", "ModuleCompletion",
    "ModulePage", "ProgramCompletion", "ProgramIndexPage", "ProgramPage", "ProgressEvent", "ProgressStatus",
    "TargetGroups",
]
