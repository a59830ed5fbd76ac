"""Mounted under ``rp/`` (namespace ``reviews``): the pages of RP Darmstadt, and the jury's
pages under ``rp/jury/``."""

from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    # RP Darmstadt: rounds, overview, ranking, exports, bulk assignment
    path("", views.rounds, name="index"),
    path("runden/<int:round_pk>/", views.overview, name="overview"),
    path("runden/<int:round_pk>/rangliste/", views.ranking, name="ranking"),
    path("runden/<int:round_pk>/rangliste.csv", views.ranking_csv, name="ranking_csv"),
    path("runden/<int:round_pk>/rangliste.xlsx", views.ranking_xlsx, name="ranking_xlsx"),
    path("runden/<int:round_pk>/zuweisen/", views.bulk_assign, name="bulk_assign"),
    # One application
    path("antraege/<int:pk>/", views.detail, name="detail"),
    path("antraege/<int:pk>/vermerk/", views.note_add, name="note_add"),
    path("antraege/<int:pk>/pruefung/", views.formal_check, name="formal_check"),
    path("antraege/<int:pk>/pruefung/beginnen/", views.check_start, name="check_start"),
    path(
        "antraege/<int:pk>/nachforderung/frist/",
        views.item_request_extend,
        name="item_request_extend",
    ),
    path("antraege/<int:pk>/gutachten/", views.assignments, name="assignments"),
    path(
        "antraege/<int:pk>/gutachten/<int:assignment_pk>/beenden/",
        views.assignment_end,
        name="assignment_end",
    ),
    path(
        "antraege/<int:pk>/gutachten/<int:assignment_pk>/wieder-oeffnen/",
        views.review_reopen,
        name="review_reopen",
    ),
    path("antraege/<int:pk>/entscheidung/", views.decision, name="decision"),
    path("antraege/<int:pk>/entscheidungsreif/", views.mark_ready, name="mark_ready"),
    # The jury
    path("jury/", views.jury_list, name="jury_list"),
    path("jury/antraege/<int:pk>/", views.jury_review, name="jury_review"),
    path("jury/antraege/<int:pk>/befangenheit/", views.jury_declare, name="jury_declare"),
    path(
        "jury/antraege/<int:pk>/anlagen/<int:attachment_pk>/",
        views.jury_attachment,
        name="jury_attachment",
    ),
]
