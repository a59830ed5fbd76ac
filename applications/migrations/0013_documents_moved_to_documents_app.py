"""GeneratedDocument, BundleJob, BundleJobPart and ApplicationPdfCache moved to the documents
app. Only the migration state changes here; the tables and their rows stay and are taken over
by ``documents/migrations/0001_initial.py``."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0012_answer_length_limits'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='BundleJobPart'),
                migrations.DeleteModel(name='ApplicationPdfCache'),
                migrations.DeleteModel(name='BundleJob'),
                migrations.DeleteModel(name='GeneratedDocument'),
            ],
            database_operations=[],
        ),
    ]
