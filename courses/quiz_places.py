"""Which curriculum pages use a quiz (a module's quiz, a program's final test), kept between requests.

Every quiz request asks it (start page, start, attempt, submit: the places decide who may take the quiz), and
reading it cost ~8 ms of a 23 ms request: two queries on the page tables, model instances with their
prerequisite. It changes only when a trainer publishes, unpublishes, moves or deletes a module or program.
Each worker keeps it for at most TTL_SECONDS; any page saved, published, unpublished or deleted in this process
clears it at once, and the other workers follow within the TTL. Learners' facts (enrolment, progress,
ground) are never kept here; local lessons linking a quiz are read live (courses.selectors).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from lms.process_cache import ProcessCache

TTL_SECONDS = 30
_places = ProcessCache(TTL_SECONDS)


def curriculum_places(quiz_id: int, read) -> tuple:
    """`read(quiz_id)` as of at most TTL_SECONDS ago."""
    return _places.get(quiz_id, lambda: tuple(read(quiz_id)))


def clear() -> None:
    _places.clear()


@receiver(page_published, dispatch_uid="courses.quiz_places.published")
@receiver(page_unpublished, dispatch_uid="courses.quiz_places.unpublished")
def _forget_on_publication(sender, **kwargs):
    clear()


@receiver(post_save, dispatch_uid="courses.quiz_places.saved")
@receiver(post_delete, dispatch_uid="courses.quiz_places.deleted")
def _forget_on_page_change(sender, instance, **kwargs):
    if isinstance(instance, Page):
        clear()
