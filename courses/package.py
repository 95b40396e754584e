"""The module package: every URL a learner needs to study a module without a connection, with its size.

The phone (lms/static/js/offline.js) shows the total first, then fetches each URL into a cache of its
own ("lms-module-<id>") that the service worker answers from when the network is gone. The package
holds what the learner may see and nothing more: the lessons `visible_lessons_q` gives them (a local
lesson only for its unit's ground), in a module they may learn in (enrolled, right group, prerequisite
done), and the module's quiz as a draw signed for them when the quiz allows offline attempts.
"""

import json

from django.urls import reverse
from django.utils.translation import gettext as _

from assessments.offline import OfflineRefused, issue_draw

from .models import LessonPage, ModulePage
from .selectors import (
    active_enrolment,
    completed_module_ids,
    module_refusal,
    parent_path,
    visible_lessons_q,
)

# A lesson page's HTML without its body (header, navigation, footer, forms), uncompressed; the body
# adds its own length. An estimate shown before download; the phone records the real sizes.
PAGE_OVERHEAD_BYTES = 6 * 1024
IMAGE_SPECS = ("width-360", "width-720")  # the srcset of courses/blocks/image.html


def package_refusal(user, module: ModulePage):
    """Why `user` may not download `module` (a CoursesError), or None: the rule of opening its lessons."""
    from .models import ProgramPage

    program = ProgramPage.objects.get(path=parent_path(module))
    return module_refusal(user, program, module, active_enrolment(user, program),
                          completed_module_ids(user, [module.prerequisite_id]))


def module_package(user, module: ModulePage) -> dict:
    lessons = list(LessonPage.objects.live().child_of(module).filter(visible_lessons_q(user)))
    files = [_page(module.url, len(module.objectives))]
    for lesson in lessons:
        files.append(_page(lesson.url, len(json.dumps(list(lesson.body.raw_data), ensure_ascii=False))))
        files += _media_files(lesson)
    quiz, quiz_refusal = _quiz(user, module)
    if quiz:
        files.append(_page(reverse("assessments:offline_quiz"), 0))
    files.append(_page(reverse("courses:offline_downloads"), 0))
    files = list({f["url"]: f for f in files}.values())  # an image used twice is fetched once
    return {
        "module": module.pk, "title": module.title, "url": module.url,
        "lessons": [{"id": lesson.pk, "title": lesson.title, "url": lesson.url} for lesson in lessons],
        "files": files,
        "total_bytes": sum(f["bytes"] for f in files),
        "audio_bytes": sum(f["bytes"] for f in files if f["kind"] in ("audio", "video")),
        "quiz": quiz, "quiz_refusal": quiz_refusal,
    }


def _page(url: str, body_length: int) -> dict:
    return {"url": url, "bytes": PAGE_OVERHEAD_BYTES + body_length, "kind": "page"}


def _media_files(lesson: LessonPage) -> list[dict]:
    files = []
    for block in lesson.body:
        if block.block_type == "image" and block.value.get("image"):
            renditions = block.value["image"].get_renditions(*IMAGE_SPECS)
            files += [_file(rendition.url, rendition.file, "image") for rendition in renditions.values()]
        elif block.block_type in ("audio", "video") and block.value.get("file"):
            document = block.value["file"]
            files.append(_file(document.file.url, document.file, block.block_type))
    return [f for f in files if f is not None]


def _file(url: str, file, kind: str) -> dict | None:
    try:
        size = file.size
    except (OSError, ValueError):  # a file missing on disk: nothing to download
        return None
    return {"url": url, "bytes": size, "kind": kind}


def _quiz(user, module: ModulePage) -> tuple[dict | None, str | None]:
    if module.quiz_id is None:
        return None, None
    try:
        quiz = issue_draw(user, module.quiz)
    except OfflineRefused as refusal:
        return None, str(refusal)
    quiz["page"] = reverse("assessments:offline_quiz") + f"#{module.pk}"
    quiz["result_hint"] = _("Bài làm sẽ được gửi và chấm khi có mạng.")
    return quiz, None
