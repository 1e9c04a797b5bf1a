from django.urls import path

from . import views

app_name = "comments"
urlpatterns = [
    path("<slug:slug>/", views.post_comment, name="post"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
