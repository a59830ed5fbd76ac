"""The RP timeline shows the review events with the labels of the event vocabulary (registered
by ``ReviewsConfig.ready``), marked internal; the applicant's timeline does not show them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications.events import event_types
from applications.models import ApplicationEvent
from reviews.models import ReviewEvent
from reviews.services.common import internal_event

pytestmark = pytest.mark.django_db


def test_review_events_are_in_the_vocabulary():
    field = ApplicationEvent._meta.get_field("action")
    choices = dict(field.choices)
    for member in ReviewEvent:
        assert member.value in event_types
        assert str(choices[member.value]) == str(member.label)
        assert ApplicationEvent(action=member.value).get_action_display() == str(member.label)


def test_timeline_shows_review_events_with_their_labels(
    client, login, case_officer, in_review, applicant
):
    for member in ReviewEvent:
        internal_event(in_review, case_officer, member.value)
    login(client, case_officer)
    html = client.get(reverse("reviews:detail", args=[in_review.pk])).content.decode()
    assert "Einträge mit der Markierung „intern“ sieht die Kommune nicht." in html
    for member in ReviewEvent:
        assert f'<p class="kern-body kern-body--bold">{member.label} <span' in html, member
    client.logout()
    login(client, applicant)
    html = client.get(reverse("applications:detail", args=[in_review.pk])).content.decode()
    assert "Verlauf" in html
    for member in ReviewEvent:
        assert str(member.label) not in html, member
