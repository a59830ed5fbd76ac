"""The generated documents and PDF bundles move here from ``applications`` with their rows.

1. State only: the four models as ``applications`` left them (0013 there removed them from its
   state), still on their old tables, so nothing in the database changes.
2. ``AlterModelTable``: the tables are renamed to this app's names (``documents_*``). Renaming
   is a change of the catalogue in PostgreSQL, no row is copied; foreign keys, constraints,
   indexes and identity sequences go with the table. The models then need no ``db_table``.
3. The content types (and so permissions and admin log entries) are moved to this app.
"""

import django.contrib.postgres.fields
import django.db.models.deletion
import django.utils.timezone
import documents.models
from django.conf import settings
from django.db import migrations, models

MOVED = ["applicationpdfcache", "bundlejob", "bundlejobpart", "generateddocument"]


def _move_content_types(apps, schema_editor, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.db_manager(schema_editor.connection.alias)
    for model in MOVED:
        if not content_types.filter(app_label=target, model=model).exists():
            content_types.filter(app_label=source, model=model).update(app_label=target)
    content_types.clear_cache()


def content_types_forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "applications", "documents")


def content_types_backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "documents", "applications")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('applications', '0013_documents_moved_to_documents_app'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ApplicationPdfCache',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('content_hash', models.CharField(max_length=64, unique=True, verbose_name='Prüfsumme des Inhalts')),
                        ('file', models.FileField(max_length=300, upload_to=documents.models.pdf_cache_upload_to, verbose_name='Datei')),
                        ('pages', models.PositiveIntegerField(verbose_name='Seiten')),
                        ('outline', models.JSONField(blank=True, default=list, help_text='[{title, page}], page ab 0', verbose_name='Lesezeichen')),
                        ('attachments', models.JSONField(blank=True, default=list, verbose_name='Anlagen')),
                        ('render_seconds', models.FloatField(default=0, verbose_name='Dauer (Sekunden)')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='erstellt am')),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pdf_cache', to='applications.application', verbose_name='Antrag')),
                    ],
                    options={
                        'db_table': 'applications_applicationpdfcache',
                        'verbose_name': 'Antrags-PDF (Zwischenspeicher)',
                        'verbose_name_plural': 'Antrags-PDFs (Zwischenspeicher)',
                        'ordering': ['application', '-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='BundleJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='angefordert am')),
                        ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='begonnen am')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='beendet am')),
                        ('selection', models.CharField(choices=[('submitted', 'Alle eingereichten Anträge'), ('status', 'Anträge mit bestimmtem Status'), ('ranking', 'Anträge der aktuellen Rangliste, in ihrer Reihenfolge')], default='submitted', max_length=16, verbose_name='Auswahl')),
                        ('statuses', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('draft', 'Entwurf'), ('submitted', 'Eingereicht'), ('in_check', 'In Prüfung'), ('missing_items', 'Nachforderung'), ('in_review', 'In Bewertung'), ('ready_for_decision', 'Entscheidungsreif'), ('approved', 'Bewilligt'), ('rejected', 'Abgelehnt'), ('withdrawn', 'Zurückgezogen')], max_length=32), blank=True, default=list, size=None, verbose_name='Status der Anträge')),
                        ('application_ids', django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), blank=True, default=list, help_text='Die Auswahl, wie sie bei der Anforderung galt.', size=None, verbose_name='Anträge (in der Reihenfolge des Bündels)')),
                        ('status', models.CharField(choices=[('pending', 'wartend'), ('running', 'läuft'), ('done', 'fertig'), ('failed', 'fehlgeschlagen')], db_index=True, default='pending', max_length=16, verbose_name='Status')),
                        ('total', models.PositiveIntegerField(default=0, verbose_name='Anträge insgesamt')),
                        ('done', models.PositiveIntegerField(default=0, verbose_name='Anträge erstellt')),
                        ('rendered', models.PositiveIntegerField(default=0, help_text='Die übrigen kamen unverändert aus dem Zwischenspeicher.', verbose_name='davon neu gesetzt')),
                        ('file', models.FileField(blank=True, max_length=300, upload_to=documents.models.bundle_upload_to, verbose_name='Datei')),
                        ('filename', models.CharField(blank=True, max_length=200, verbose_name='Dateiname beim Herunterladen')),
                        ('size', models.PositiveBigIntegerField(default=0, verbose_name='Größe (Bytes)')),
                        ('sha256', models.CharField(blank=True, max_length=64, verbose_name='SHA-256')),
                        ('pages', models.PositiveIntegerField(default=0, verbose_name='Seiten')),
                        ('merge_seconds', models.FloatField(blank=True, null=True, verbose_name='Zusammenführen (Sekunden)')),
                        ('error', models.TextField(blank=True, verbose_name='Fehlermeldung')),
                        ('redispatched_at', models.DateTimeField(blank=True, help_text='Wann liegengebliebene Arbeitsschritte zuletzt erneut verteilt wurden.', null=True, verbose_name='zuletzt erneut verteilt am')),
                        ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='angefordert von')),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bundle_jobs', to='applications.fundinground', verbose_name='Förderrunde')),
                    ],
                    options={
                        'db_table': 'applications_bundlejob',
                        'verbose_name': 'Antragsbündel',
                        'verbose_name_plural': 'Antragsbündel',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='BundleJobPart',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('rendered', models.BooleanField(default=False, verbose_name='neu gesetzt')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='applications.application')),
                        ('cache', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='documents.applicationpdfcache')),
                        ('job', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='parts', to='documents.bundlejob')),
                    ],
                    options={
                        'db_table': 'applications_bundlejobpart',
                        'verbose_name': 'Teil eines Antragsbündels',
                        'verbose_name_plural': 'Teile von Antragsbündeln',
                    },
                ),
                migrations.CreateModel(
                    name='GeneratedDocument',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('receipt', 'Eingangsbestätigung'), ('decision', 'Bescheid')], max_length=32, verbose_name='Art')),
                        ('file', models.FileField(max_length=300, upload_to=documents.models.document_upload_to, verbose_name='Datei')),
                        ('filename', models.CharField(max_length=200, verbose_name='Dateiname beim Herunterladen')),
                        ('size', models.PositiveBigIntegerField(default=0, verbose_name='Größe (Bytes)')),
                        ('sha256', models.CharField(blank=True, max_length=64, verbose_name='SHA-256')),
                        ('version', models.PositiveSmallIntegerField(default=1, verbose_name='Fassung')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='erstellt am')),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='documents', to='applications.application', verbose_name='Antrag')),
                    ],
                    options={
                        'db_table': 'applications_generateddocument',
                        'verbose_name': 'Erzeugtes Dokument',
                        'verbose_name_plural': 'Erzeugte Dokumente',
                        'ordering': ['application', 'kind', 'version'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='bundlejob',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'running', 'done', 'failed'])), name='bundlejob_status_valid'),
                ),
                migrations.AddConstraint(
                    model_name='bundlejob',
                    constraint=models.CheckConstraint(condition=models.Q(('done__lte', models.F('total'))), name='bundlejob_done_le_total'),
                ),
                migrations.AddConstraint(
                    model_name='bundlejob',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'done'), _negated=True), models.Q(('file', ''), _negated=True), _connector='OR'), name='bundlejob_done_has_file'),
                ),
                migrations.AddConstraint(
                    model_name='bundlejobpart',
                    constraint=models.UniqueConstraint(fields=('job', 'application'), name='bundlepart_unique'),
                ),
                migrations.AddConstraint(
                    model_name='generateddocument',
                    constraint=models.UniqueConstraint(fields=('application', 'kind', 'version'), name='document_one_per_kind_version'),
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='applicationpdfcache', table=None),
        migrations.AlterModelTable(name='bundlejob', table=None),
        migrations.AlterModelTable(name='bundlejobpart', table=None),
        migrations.AlterModelTable(name='generateddocument', table=None),
        migrations.RunPython(content_types_forwards, content_types_backwards),
    ]
