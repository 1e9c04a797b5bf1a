from django.http import HttpResponse
from django.urls import path


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ok", ok)]
