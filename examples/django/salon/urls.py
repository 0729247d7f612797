from django.urls import include, path

urlpatterns = [path("", include("merchants.urls"))]
