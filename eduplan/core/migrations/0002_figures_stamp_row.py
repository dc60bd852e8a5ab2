from django.db import migrations


def create_row(apps, schema_editor):  # type: ignore[no-untyped-def]
    # The row exists from the start, so raising the counter is always one UPDATE (two
    # first writers never both create it and leave it raised once).
    apps.get_model("core", "DataStamp").objects.get_or_create(name="figures")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
