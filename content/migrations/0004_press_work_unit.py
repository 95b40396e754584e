"""Press works and materials belong to any unit (province, district of the past, commune).

`PressWork.district` is renamed `unit` (the column keeps every work's producer); the choice is no longer
limited to districts. Materials keep their `locality` column; only the help text changes.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("content", "0003_presswork_public_order_idx"),
        ("localities", "0002_units_through_time"),
    ]

    operations = [
        migrations.RenameField(model_name="presswork", old_name="district", new_name="unit"),
        migrations.AlterField(
            model_name="presswork",
            name="unit",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="press_works",
                                    to="localities.locality", verbose_name="đơn vị sản xuất"),
        ),
        migrations.AlterField(
            model_name="material",
            name="locality",
            field=models.ForeignKey(
                help_text="Học viên trên địa bàn đơn vị này thấy tài liệu (tỉnh: mọi học viên của tỉnh)",
                on_delete=django.db.models.deletion.PROTECT, related_name="materials", to="localities.locality",
                verbose_name="phạm vi"),
        ),
    ]
