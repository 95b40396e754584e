from assessments import selectors

from .builders import correct_choice_ids


def right_answers(attempt) -> dict[str, list[str]]:
    """POST data answering every auto-graded question of an attempt correctly."""
    data: dict[str, list[str]] = {"question": []}
    for item in selectors.attempt_items(attempt):
        q = item.question
        data["question"].append(str(q.pk))
        if q.widget in ("single", "multiple"):
            data[f"q{q.pk}"] = [str(pk) for pk in correct_choice_ids(q)]
        elif q.widget == "true_false":
            data[f"q{q.pk}"] = ["true" if q.correct_answer else "false"]
        elif q.widget == "text":
            data[f"q{q.pk}"] = [q.accepted_list()[0]]
        elif q.widget == "ordering":
            data[f"q{q.pk}"] = [f"{c.pk}:{rank}" for rank, c in enumerate(item.correct_order, start=1)]
        elif q.widget == "textarea":
            data[f"q{q.pk}"] = ["Kế hoạch: tuyên truyền trên loa xã mỗi sáng."]
    return data
