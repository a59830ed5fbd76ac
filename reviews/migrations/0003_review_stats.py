"""Stored review statistics per application (reviews.stats), filled from the existing
assignments and reviews: the same aggregate as ``reviews.stats.review_stats_refresh``."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

FILL = """
INSERT INTO reviews_reviewstats
    (application_id, final_reviews, score_sum, min_score, max_score, conflicts, updated_at)
SELECT a.application_id,
       count(r.id) FILTER (WHERE a.status = 'active' AND r.status = 'final'),
       coalesce(sum(r.score) FILTER (WHERE a.status = 'active' AND r.status = 'final'), 0),
       min(r.score) FILTER (WHERE a.status = 'active' AND r.status = 'final'),
       max(r.score) FILTER (WHERE a.status = 'active' AND r.status = 'final'),
       count(a.id) FILTER (WHERE a.status = 'ended_conflict'),
       now()
  FROM reviews_assignment a
  LEFT JOIN reviews_review r ON r.assignment_id = a.id
 GROUP BY a.application_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0014_event_action_choices_from_registry"),
        ("reviews", "0002_sent_mail_marks"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReviewStats",
            fields=[
                (
                    "application",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="review_stats",
                        serialize=False,
                        to="applications.application",
                        verbose_name="Antrag",
                    ),
                ),
                (
                    "final_reviews",
                    models.PositiveIntegerField(default=0, verbose_name="abgeschlossene Gutachten"),
                ),
                (
                    "score_sum",
                    models.DecimalField(
                        decimal_places=3,
                        default=0,
                        max_digits=12,
                        verbose_name="Summe der gewichteten Punktzahlen",
                    ),
                ),
                (
                    "min_score",
                    models.DecimalField(
                        blank=True,
                        decimal_places=3,
                        max_digits=7,
                        null=True,
                        verbose_name="niedrigste Bewertung",
                    ),
                ),
                (
                    "max_score",
                    models.DecimalField(
                        blank=True,
                        decimal_places=3,
                        max_digits=7,
                        null=True,
                        verbose_name="höchste Bewertung",
                    ),
                ),
                (
                    "conflicts",
                    models.PositiveIntegerField(default=0, verbose_name="erklärte Befangenheiten"),
                ),
                (
                    "updated_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="berechnet am"
                    ),
                ),
            ],
            options={
                "verbose_name": "Bewertungsstatistik",
                "verbose_name_plural": "Bewertungsstatistiken",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("final_reviews", 0),
                                ("max_score__isnull", True),
                                ("min_score__isnull", True),
                            ),
                            models.Q(
                                ("final_reviews__gt", 0),
                                ("max_score__isnull", False),
                                ("min_score__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="reviewstats_scores_iff_final_reviews",
                    )
                ],
            },
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
