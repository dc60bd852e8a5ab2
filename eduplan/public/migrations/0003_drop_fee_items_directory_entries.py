"""Fee items and directory entries now live in the ledgers (0002 moved them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("public", "0002_fees_directory_to_ledgers"),
    ]

    operations = [
        migrations.DeleteModel(name="DirectoryEntry"),
        migrations.DeleteModel(name="FeeItem"),
    ]
