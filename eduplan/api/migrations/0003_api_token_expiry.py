import datetime

from django.db import migrations, models
from django.db.models import F

# Tokens issued before expiry existed expire 90 days after they were issued (at once if
# older): the usual validity, counted from the day each was issued.
EXISTING_TOKEN_DAYS = 90


def existing_tokens_expire(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    ApiToken.objects.filter(expires__isnull=True).update(
        expires=F("created") + datetime.timedelta(days=EXISTING_TOKEN_DAYS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_api_replay_folded_into_idempotency_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires",
            field=models.DateTimeField(null=True, verbose_name="expires at"),
        ),
        migrations.RunPython(existing_tokens_expire, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires",
            field=models.DateTimeField(verbose_name="expires at"),
        ),
    ]
