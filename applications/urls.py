from django.urls import path

from . import views
from .models import Section

app_name = "applications"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("foerderrunden/", views.round_list, name="rounds"),
    path("foerderrunden/<int:pk>/", views.round_detail, name="round"),
    path(
        "foerderrunde/<int:round_pk>/kommune/<str:ags>/",
        views.eligibility,
        name="eligibility",
    ),
    path("<int:pk>/", views.application_detail, name="detail"),
    path(
        "<int:pk>/antragsteller/",
        views.section_edit,
        {"section": Section.APPLICANT},
        name=Section.APPLICANT,
    ),
    path("<int:pk>/partner/", views.partners, name=Section.PARTNERS),
    path(
        "<int:pk>/vorhaben/", views.section_edit, {"section": Section.PROJECT}, name=Section.PROJECT
    ),
    path("<int:pk>/fragen/<slug:key>/", views.question_section_edit, name="questions"),
    path("<int:pk>/kosten/", views.cost_plan, name=Section.COST_PLAN),
    path("<int:pk>/anlagen/", views.attachments, name=Section.ATTACHMENTS),
    path("<int:pk>/erklaerungen/", views.declarations, name=Section.DECLARATIONS),
    path("<int:pk>/pruefen/", views.check_and_submit, name="check"),
    path("<int:pk>/eingereicht/", views.submitted, name="submitted"),
    path("<int:pk>/zurueckziehen/", views.withdraw, name="withdraw"),
    path("<int:pk>/nachreichen/", views.resubmit, name="resubmit"),
    path(
        "<int:pk>/anlagen/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:pk>/anlagen/<int:attachment_pk>/entfernen/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("partnerschaft/<int:partner_pk>/", views.partner_respond, name="partner_respond"),
]
