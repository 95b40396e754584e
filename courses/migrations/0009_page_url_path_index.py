"""An index on Wagtail's page url_path: courses/page_serving.py finds a program or lesson page by it in one query,
which without an index read every page under the site root (a linear cost per lesson request as local lessons
grow). PostgreSQL: a hash index, which has no key-size limit (a btree entry must stay under ~2.7 KB, and a deep
url_path of Unicode slugs could exceed it) and serves the equality lookup; SQLite: a plain index."""

from django.db import migrations

INDEX = "courses_page_url_path"


def create(apps, schema_editor):
    method = "USING hash " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "wagtailcore_page" {method}("url_path")')


def drop(apps, schema_editor):
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0008_lesson_clock'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [migrations.RunPython(create, drop)]
