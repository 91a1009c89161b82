"""The band table of the story index (see ``monitoring.pipeline.stories``): many rows per
article, read by (band, hash), so it is plain SQL rather than a model."""

from django.db import migrations


def create(apps, schema_editor):
    suffix = " WITHOUT ROWID" if schema_editor.connection.vendor == "sqlite" else ""
    schema_editor.execute(
        "CREATE TABLE monitoring_storyband (band INTEGER NOT NULL, hash BIGINT NOT NULL, "
        "story_id BIGINT NOT NULL, article_id BIGINT NOT NULL, PRIMARY KEY (band, hash, article_id))" + suffix
    )
    schema_editor.execute("CREATE INDEX monitoring_storyband_article ON monitoring_storyband (article_id)")


def drop(apps, schema_editor):
    schema_editor.execute("DROP TABLE monitoring_storyband")


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0002_search_index")]
    operations = [migrations.RunPython(create, drop)]
