from django.urls import path

from . import views

urlpatterns = [
    path("merchants", views.register_merchant),
    path("merchants/<int:merchant_id>", views.merchant_detail),
    path("merchants/<int:merchant_id>/devices", views.list_devices),
    path("merchants/<int:merchant_id>/payments", views.start_payment),
    path("merchants/<int:merchant_id>/payments/<str:payment_id>", views.get_payment),
    path("merchants/<int:merchant_id>/payment-links", views.create_payment_link),
]
