"""Sessions move to lms_session, which keeps the signed-in user's id beside the data (lms/models.py). The live
sessions of django_session are copied with that id read from their data, so no one is signed out by the
upgrade; django_session is left as it was (going back to Django's store finds it again). A sign-in made between
`migrate` and the reload of the web workers is written by the old code to django_session and is asked to sign
in again once."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

BATCH = 2000


def copy_live_sessions(apps, schema_editor):
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore  # its name salts the signature: same data

    old, new = apps.get_model("sessions", "Session"), apps.get_model("lms", "Session")
    decoder = SessionStore()
    batch = []
    for session in old.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=BATCH):
        user_id = decoder.decode(session.session_data).get(SESSION_KEY)  # {} for data no longer signed validly
        batch.append(new(session_key=session.session_key, session_data=session.session_data,
                         expire_date=session.expire_date, user_id=int(user_id) if str(user_id).isdigit() else None))
        if len(batch) == BATCH:
            new.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    new.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ('lms', '0001_vietnamese_default_workflow'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('sessions', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='Session',
            fields=[
                ('session_key', models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name='session key')),
                ('session_data', models.TextField(verbose_name='session data')),
                ('expire_date', models.DateTimeField(db_index=True, verbose_name='expire date')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người dùng')),
            ],
            options={
                'verbose_name': 'phiên đăng nhập',
                'verbose_name_plural': 'phiên đăng nhập',
                'db_table': 'lms_session',
                'abstract': False,
            },
        ),
        migrations.RunPython(copy_live_sessions, migrations.RunPython.noop),
    ]
