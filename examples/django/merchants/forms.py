"""The shapes of the JSON bodies the views take (validated before anything reaches myPOS)."""

from django import forms


class NewMerchant(forms.Form):
    name = forms.CharField(max_length=100)
    client_id = forms.CharField(max_length=100)
    client_secret = forms.CharField(max_length=200)


class NewPayment(forms.Form):
    terminal_id = forms.CharField()
    amount = forms.IntegerField(min_value=1, help_text="minor units: 2500 is 25.00")
    currency = forms.CharField(required=False, max_length=3)  # the terminal's; EUR when left out
    description = forms.CharField(required=False)
    booking_id = forms.CharField(required=False, max_length=50)


class NewPaymentLink(forms.Form):
    item_name = forms.CharField()
    price = forms.CharField(help_text='major units, as myPOS links take them: "25.00"')
    currency = forms.CharField(required=False, max_length=3)  # one of the salon's; EUR by default
    quantity = forms.IntegerField(required=False, min_value=1)
