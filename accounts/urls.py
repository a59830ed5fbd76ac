from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("anmelden/", views.LoginView.as_view(), name="login"),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "passwort-vergessen/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "passwort-vergessen/gesendet/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "passwort-neu/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "passwort-neu/fertig/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("passwort-aendern/", views.PasswordChangeView.as_view(), name="password_change"),
    path("registrieren/", views.register, name="register"),
    path("registrieren/gesendet/", views.register_done, name="register_done"),
    path("registrieren/bestaetigen/<str:token>/", views.register_confirm, name="register_confirm"),
    path("einladungen/", views.invitation_list, name="invitation_list"),
    path("einladung/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("kommunen/beitreten/", views.join_request_create, name="join_request_create"),
    path("kommunen/<int:pk>/verlassen/", views.membership_leave, name="membership_leave"),
    path("beitrittsanfragen/", views.join_request_list, name="join_request_list"),
    path(
        "beitrittsanfragen/<int:pk>/entscheiden/",
        views.join_request_decide,
        name="join_request_decide",
    ),
    path("zwei-faktor/", views.two_factor, name="two_factor"),
    path("zwei-faktor/einrichten/", views.two_factor_setup, name="two_factor_setup"),
    path("zwei-faktor/pruefen/", views.two_factor_verify, name="two_factor_verify"),
    path("zwei-faktor/wiederherstellungscodes/", views.recovery_codes, name="recovery_codes"),
    path("meine-daten/", views.my_data, name="my_data"),
    path("meine-daten/export.json", views.my_data_export, name="my_data_export"),
    path("sitzung/verlaengern/", views.session_ping, name="session_ping"),
]
