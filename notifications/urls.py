from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("gelesen/", views.mark_all_read, name="mark_all_read"),
    path("einstellungen/", views.preferences, name="preferences"),
]
