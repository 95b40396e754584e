"""A local lesson belongs to any unit (province, district of the past, commune), not only to a district.

The column is renamed, so every local lesson keeps its unit. Saved revisions (drafts, history) store the
page's fields by name: they are renamed too, or publishing a draft written before this migration would
quietly turn a local lesson into one for everyone.
"""

import django.db.models.deletion
from django.db import migrations, models

OLD, NEW = "local_district", "local_unit"


def _rename_in_revisions(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    content_type = ContentType.objects.filter(app_label="courses", model="lessonpage").first()
    if content_type is None:
        return
    revisions = Revision.objects.filter(content_type=content_type)
    for revision in revisions.iterator():
        if old in revision.content:
            revision.content[new] = revision.content.pop(old)
            revision.save(update_fields=["content"])


def forwards(apps, schema_editor):
    _rename_in_revisions(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _rename_in_revisions(apps, NEW, OLD)


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("courses", "0004_private_certificate_pdfs"),
        ("localities", "0002_units_through_time"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RenameField(model_name="lessonpage", old_name=OLD, new_name=NEW),
        migrations.AlterField(
            model_name="lessonpage",
            name=NEW,
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="localities.locality", verbose_name="bài riêng của đơn vị",
                help_text="Chỉ học viên trên địa bàn đơn vị này thấy bài (kể cả khi đơn vị đã sáp nhập); "
                          "để trống là bài chung cho mọi học viên",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
