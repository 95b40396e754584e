"""Content hashes of what `load_curriculum` wrote, and the --update rule built on them.

A page or quiz is updated from the file only while its content still hashes to what the loader
last wrote: anything a trainer changed (a published edit, a draft waiting, a question reworded)
changes the hash, and the item is reported for review instead of being overwritten.
"""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from .models import CurriculumRecord, LessonPage, ModulePage, ProgramPage

# The fields the loader writes, per page type; the rest (prerequisite, quiz, local unit…) are the site's.
PAGE_FIELDS = {
    ProgramPage: ("title", "code", "summary", "target_groups", "nominal_hours"),
    ModulePage: ("title", "code", "hours", "objectives"),
    LessonPage: ("title", "intro", "body", "trainer_note"),
}


@dataclass
class UpdateReport:
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    to_review: list[tuple[str, int | None]] = field(default_factory=list)  # (title, page id or None)


def digest(payload) -> str:
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
                          .encode("utf-8")).hexdigest()


def _field_value(page, name):
    value = getattr(page, name)
    if name == "body":
        # Block ids are random per save: hash types and values only.
        return [{"type": block.block_type, "value": block.block.get_prep_value(block.value)} for block in value]
    if isinstance(value, int | float | Decimal):
        return str(Decimal(str(value)).normalize())  # 4 from the file, Decimal("4.0") from the database
    return str(value)


def page_hash(page) -> str:
    page = page.specific
    return digest({name: _field_value(page, name) for name in PAGE_FIELDS[type(page)]})


def quiz_hash(quiz) -> str:
    items = []
    for link in quiz.fixed_questions.select_related("question").order_by("sort_order", "pk"):
        question = link.question
        choices = [(c.text, c.is_correct) for c in question.choices.order_by("sort_order", "pk")]
        items.append({"text": question.text, "explanation": question.explanation, "choices": choices})
    return digest({"title": quiz.title, "questions": items})


def page_key(page) -> str:
    return f"page:{page.pk}"


def quiz_key(module_code: str) -> str:
    return f"quiz:{module_code}"


def remember(key: str, digest: str) -> None:
    CurriculumRecord.objects.update_or_create(key=key, defaults={"content_hash": digest})


def remember_page(page) -> None:
    remember(page_key(page), page_hash(type(page.specific).objects.get(pk=page.pk)))


def page_untouched(page) -> bool:
    """Nobody changed the page since the loader wrote it (no edit published, no draft waiting)."""
    if page.has_unpublished_changes:
        return False
    record = CurriculumRecord.objects.filter(key=page_key(page)).first()
    if record is None:
        # Loaded before hashes were kept: untouched only if the loader's first revision is the only one.
        revisions = list(page.revisions.values_list("user_id", flat=True)[:2])
        return len(revisions) == 1 and revisions[0] is None
    return record.content_hash == page_hash(page)


def quiz_untouched(module_code: str, quiz) -> bool:
    record = CurriculumRecord.objects.filter(key=quiz_key(module_code)).first()
    if record is not None:
        return record.content_hash == quiz_hash(quiz)
    # Loaded before hashes were kept: untouched if no question was saved after it was created.
    questions = [link.question for link in quiz.fixed_questions.select_related("question")]
    return bool(questions) and all((q.updated_at - q.created_at).total_seconds() < 5 for q in questions)


def update_page(page, fresh, report: UpdateReport) -> None:
    """Copy the loader's fields from `fresh` (an unsaved page built from the file) onto an untouched page."""
    page = page.specific
    names = PAGE_FIELDS[type(page)]
    if not page_untouched(page):
        if any(_field_value(page, n) != _field_value(fresh, n) for n in names):
            report.to_review.append((page.title, page.pk))
        else:
            report.unchanged += 1
        return
    if all(_field_value(page, n) == _field_value(fresh, n) for n in names):
        report.unchanged += 1
        remember_page(page)
        return
    for name in names:
        setattr(page, name, getattr(fresh, name))
    with transaction.atomic():
        page.save_revision().publish()
        remember_page(page)
    report.updated.append(page.title)
