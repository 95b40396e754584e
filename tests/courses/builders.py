"""Small page trees for course tests (defaults that make sense, overrides where a test cares)."""

from courses.models import LessonPage, ModulePage, ProgramIndexPage, ProgramPage


def make_index(home_page) -> ProgramIndexPage:
    existing = ProgramIndexPage.objects.first()
    return existing or home_page.add_child(instance=ProgramIndexPage(title="Chương trình", slug="chuong-trinh"))


def make_program(index, code="CT9", **overrides) -> ProgramPage:
    fields = {"title": f"Chương trình {code}", "slug": code.lower(), "code": code, "summary": "Tóm tắt",
              "target_groups": "AB", "nominal_hours": 8}
    fields.update(overrides)
    return index.add_child(instance=ProgramPage(**fields))


def make_module(program, slug="m1", **overrides) -> ModulePage:
    fields = {"title": f"Chuyên đề {slug}", "slug": slug}
    fields.update(overrides)
    return program.add_child(instance=ModulePage(**fields))


def make_lesson(module, slug="l1", **overrides) -> LessonPage:
    fields = {"title": f"Bài {slug}", "slug": slug, "intro": "Giới thiệu",
              "body": [{"type": "paragraph", "value": "<p>Nội dung bài học.</p>"}]}
    fields.update(overrides)
    return module.add_child(instance=LessonPage(**fields))


def make_course(home_page, lessons_per_module=2, code="CT9"):
    """A program with two modules; the second requires the first."""
    program = make_program(make_index(home_page), code=code)
    first = make_module(program, "m1")
    second = make_module(program, "m2", prerequisite=first)
    first_lessons = [make_lesson(first, f"a{i}") for i in range(lessons_per_module)]
    second_lessons = [make_lesson(second, f"b{i}") for i in range(lessons_per_module)]
    return program, first, second, first_lessons, second_lessons
