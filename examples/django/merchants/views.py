"""The salon's myPOS settings as a JSON API of plain sync views over `mypos.sync`. Each call
waits on the SDK's runtime without holding the GIL, so threaded workers serve other requests
meanwhile; SDK errors become HTTP answers in `middleware.JsonErrors`."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from .forms import NewMerchant, NewPayment, NewPaymentLink
from .gateway import merchant_client
from .models import Merchant


class Invalid(Exception):
    """A body that is not what the view takes: answered 400 with the form's errors."""

    def __init__(self, errors: Any) -> None:
        self.errors = errors


def valid(form_class: type[forms.Form], request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise Invalid({"body": ["send a JSON object"]})
    form = form_class(data)
    if not form.is_valid():
        raise Invalid(form.errors.get_json_data())
    return form.cleaned_data


def answers_invalid(view: Any) -> Any:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        try:
            return view(request, *args, **kwargs)
        except Invalid as invalid:
            return JsonResponse({"detail": "invalid request body", "errors": invalid.errors}, status=400)

    wrapped.__name__ = view.__name__
    return wrapped


@require_POST
@answers_invalid
def register_merchant(request: HttpRequest) -> JsonResponse:
    new = valid(NewMerchant, request)
    client = merchant_client(new["client_id"], new["client_secret"])  # ConfigError → 400
    # Verify now, with the cheapest authenticated call, so a typo shows at sign-up and not at
    # the first checkout. Wrong credentials raise AuthError → 400, and nothing is stored.
    client.epos.terminals.list(size=1)
    merchant = Merchant.objects.create(**new)
    return JsonResponse({**merchant.public(), "verified": True}, status=201)


@require_GET
def merchant_detail(request: HttpRequest, merchant_id: int) -> JsonResponse:
    return JsonResponse(get_object_or_404(Merchant, pk=merchant_id).public())


@require_GET
def list_devices(request: HttpRequest, merchant_id: int) -> JsonResponse:
    client = get_object_or_404(Merchant, pk=merchant_id).client()
    # list_all fetches page after page as the loop consumes them.
    return JsonResponse({"devices": list(client.epos.terminals.list_all(size=100))})


@require_POST
@answers_invalid
def start_payment(request: HttpRequest, merchant_id: int) -> JsonResponse:
    client = get_object_or_404(Merchant, pk=merchant_id).client()
    new = valid(NewPayment, request)
    # The booking id becomes the payment's reference: if the answer is lost, the SDK finds the
    # payment by it instead of charging twice (or raises PaymentUnconfirmedError → 502).
    payment = client.epos.payments.create(
        terminal_id=new["terminal_id"],
        amount={"value": new["amount"], "currency_code": new["currency"] or "EUR"},
        description=new["description"] or None,
        reference_number=new["booking_id"] or None,
        app_name="Salon bookings",
    )
    return JsonResponse(dict(payment), status=201)


@require_GET
def get_payment(request: HttpRequest, merchant_id: int, payment_id: str) -> JsonResponse:
    # `status` stays `InProgress` until the terminal finishes: `Success`, `Failed`, … Poll
    # every second or two from the front end.
    client = get_object_or_404(Merchant, pk=merchant_id).client()
    return JsonResponse(dict(client.epos.payments.get(payment_id)))


@require_POST
@answers_invalid
def create_payment_link(request: HttpRequest, merchant_id: int) -> JsonResponse:
    # For deposits and no-show fees; answers {"code", "url"}: send the url to the client.
    client = get_object_or_404(Merchant, pk=merchant_id).client()
    new = valid(NewPaymentLink, request)
    link = client.ecommerce.payment_links.create(
        item_name=new["item_name"],
        custom_name=new["item_name"],
        item_price=new["price"],
        currency=new["currency"] or "EUR",
        quantity=new["quantity"] or 1,
    )
    return JsonResponse(dict(link), status=201)
