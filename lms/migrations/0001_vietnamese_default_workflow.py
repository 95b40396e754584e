"""Wagtail's migrations create English data that trainers then read in the Vietnamese admin: the groups
"Moderators" and "Editors", and the workflow and task "Moderators approval" ("Gửi vào quy trình “Moderators
approval”" on every page's action menu). They get Vietnamese names; names an administrator already changed stay.
"""

from django.db import migrations

RENAMES = {
    ("auth", "Group"): {"Moderators": "Người kiểm duyệt", "Editors": "Biên tập viên"},
    ("wagtailcore", "Workflow"): {"Moderators approval": "Duyệt xuất bản"},
    ("wagtailcore", "Task"): {"Moderators approval": "Kiểm duyệt nội dung"},
}


def rename(apps, schema_editor, reverse=False):
    for (app_label, model_name), names in RENAMES.items():
        model = apps.get_model(app_label, model_name)
        for old, new in names.items():
            if reverse:
                old, new = new, old
            if not model.objects.filter(name=new).exists():
                model.objects.filter(name=old).update(name=new)


def rename_root(apps, schema_editor, old="Root", new="Gốc"):
    apps.get_model("wagtailcore", "Page").objects.filter(depth=1, title=old).update(title=new, draft_title=new)
    apps.get_model("wagtailcore", "Collection").objects.filter(depth=1, name=old).update(name=new)


def unrename_root(apps, schema_editor):
    rename_root(apps, schema_editor, old="Gốc", new="Root")


def unrename(apps, schema_editor):
    rename(apps, schema_editor, reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(rename, unrename), migrations.RunPython(rename_root, unrename_root)]
