//! Request-body checks that report every bad field at once, as ASP.NET's model validation
//! does: `errors: {"amount.value": ["..."], ...}` in one 400 problem.

use serde_json::Value;

use super::model::{Amount, CURRENCIES};
use crate::form::Form;

/// The longest `reference_number` the gateway takes.
pub(crate) const MAX_REFERENCE: usize = 50;
/// The longest `description` the sandbox takes (not documented).
pub(crate) const MAX_DESCRIPTION: usize = 255;

/// The form of the terminal ids the sandbox hands out. Requests are not held to it: an id of
/// another form (`T001234` in `mypos-api-gateway`'s samples) is simply not found.
#[cfg(test)]
pub(crate) fn is_terminal_id(value: &str) -> bool {
    value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit())
}

/// What only ePOS bodies hold, read by the sandbox's one [`Form`].
impl Form<'_> {
    pub fn terminal_id(&mut self, required: bool) -> Option<String> {
        self.text_within("terminal_id", required, 64)
    }

    /// `amount: {value, currency_code, tip?}` in minor units: value above 0, a currency
    /// terminals take.
    pub fn minor_amount(&mut self) -> Option<Amount> {
        let amount = match self.get("amount", true)? {
            Value::Object(amount) => amount,
            _ => {
                self.error("amount", "The field amount must be an object.");
                return None;
            }
        };
        let value = match amount.get("value") {
            None | Some(Value::Null) => {
                self.error("amount.value", "The value field is required.");
                None
            }
            Some(v) => match v.as_u64().filter(|n| *n > 0) {
                Some(n) => Some(n),
                None => {
                    self.error(
                        "amount.value",
                        "The field value must be a whole number of minor units greater than 0.",
                    );
                    None
                }
            },
        };
        let tip = match amount.get("tip") {
            None | Some(Value::Null) => Some(0),
            Some(v) => v.as_u64().or_else(|| {
                self.error(
                    "amount.tip",
                    "The field tip must be a whole number of minor units, 0 or more.",
                );
                None
            }),
        };
        let currency = match amount.get("currency_code") {
            Some(Value::String(code)) if CURRENCIES.contains(&code.as_str()) => Some(code.clone()),
            None | Some(Value::Null) => {
                self.error(
                    "amount.currency_code",
                    "The currency_code field is required.",
                );
                None
            }
            Some(other) => {
                let shown = other
                    .as_str()
                    .map_or_else(|| other.to_string(), str::to_owned);
                self.error(
                    "amount.currency_code",
                    format!("The currency code '{shown}' is not supported."),
                );
                None
            }
        };
        Some(Amount {
            value: value?,
            currency_code: currency?,
            tip: tip?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_every_bad_field() {
        let body = json!({"terminal_id": 12, "amount": {"value": 0, "currency_code": "XXX"},
                          "reference_number": "r".repeat(51)});
        let mut fields = Form::of(&body).unwrap();
        assert!(fields.terminal_id(true).is_none());
        assert!(fields.minor_amount().is_none());
        assert!(
            fields
                .text_within("reference_number", false, MAX_REFERENCE)
                .is_none()
        );
        let problem = fields.finish().unwrap_err().body();
        let errors = problem["errors"].as_object().unwrap();
        let mut keys: Vec<_> = errors.keys().cloned().collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "amount.currency_code",
                "amount.value",
                "reference_number",
                "terminal_id"
            ]
        );
    }

    #[test]
    fn a_good_body_passes() {
        let body = json!({"terminal_id": "12345678", "amount": {"value": 250, "currency_code": "EUR", "tip": 10}});
        let mut fields = Form::of(&body).unwrap();
        assert_eq!(fields.terminal_id(true).as_deref(), Some("12345678"));
        let amount = fields.minor_amount().unwrap();
        assert_eq!((amount.value, amount.tip), (250, 10));
        assert!(fields.finish().is_ok());
    }
}
