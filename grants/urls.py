"""Mounted at the site root (namespace ``grants``): the area of one application under
``antraege/<pk>/bewilligung/``, RP's queues under ``rp/zuwendungen/``."""

from django.urls import path

from . import views

app_name = "grants"

A = "antraege/<int:pk>/bewilligung/"

urlpatterns = [
    path(A, views.detail, name="detail"),
    path(A + "annehmen/", views.accept, name="accept"),
    path(A + "mittelabruf/", views.payment_new, name="payment_new"),
    path(A + "mittelabruf/<int:obj_pk>/", views.payment_decide, name="payment_decide"),
    path(
        A + "mittelabruf/<int:obj_pk>/zurueckziehen/",
        views.payment_withdraw,
        name="payment_withdraw",
    ),
    path(A + "mitteilung/", views.notice_new, name="notice_new"),
    path(A + "mitteilung/<int:obj_pk>/", views.notice_decide, name="notice_decide"),
    path(A + "aenderung/", views.change_new, name="change_new"),
    path(A + "aenderung/<int:obj_pk>/", views.change_decide, name="change_decide"),
    path(
        A + "aenderung/<int:obj_pk>/zurueckziehen/",
        views.change_withdraw,
        name="change_withdraw",
    ),
    path("rp/zuwendungen/", views.queue, name="queue"),
    path("rp/zuwendungen/auszahlungsanordnungen.csv", views.orders_csv, name="orders_csv"),
]
