//! Fields the link, button and request forms share: the settlement account and the page
//! language, each checked into a field error the way the API words it.

use crate::gateway::banking::accounts::Account;

/// The languages payment pages come in: (code, name).
pub(crate) const LANGUAGES: [(&str, &str); 10] = [
    ("EN", "English"),
    ("BG", "Bulgarian"),
    ("DE", "German"),
    ("FR", "French"),
    ("ES", "Spanish"),
    ("IT", "Italian"),
    ("NL", "Dutch"),
    ("PT", "Portuguese"),
    ("RO", "Romanian"),
    ("EL", "Greek"),
];

/// The settlement account for `currency` (and `account_number`, when given), or the field
/// errors the API would answer.
pub(crate) fn settlement<'a>(
    accounts: &'a [Account],
    currency: Option<&str>,
    account_number: Option<&str>,
    errors: &mut Vec<(String, String)>,
) -> Option<&'a Account> {
    let currency = currency?;
    let Some(by_currency) = accounts.iter().find(|a| a.currency == currency) else {
        let known: Vec<&str> = accounts.iter().map(|a| a.currency.as_str()).collect();
        errors.push((
            "currency".into(),
            format!(
                "The currency {currency} is not one of the merchant's settlement currencies ({}).",
                known.join(", ")
            ),
        ));
        return None;
    };
    match account_number {
        None => Some(by_currency),
        Some(number) => match accounts.iter().find(|a| a.account_number == number) {
            Some(a) if a.currency == currency => Some(a),
            Some(a) => {
                errors.push((
                    "account_number".into(),
                    format!(
                        "The account {number} settles in {}, not {currency}.",
                        a.currency
                    ),
                ));
                None
            }
            None => {
                errors.push((
                    "account_number".into(),
                    format!(
                        "The account {number} is not one of the merchant's settlement accounts."
                    ),
                ));
                None
            }
        },
    }
}

/// A language the payment pages come in, upper-cased; else a field error.
pub(crate) fn language(
    field: &str,
    value: Option<String>,
    errors: &mut Vec<(String, String)>,
) -> Option<String> {
    let code = value?.to_ascii_uppercase();
    if LANGUAGES.iter().any(|(known, _)| *known == code) {
        Some(code)
    } else {
        errors.push((
            field.into(),
            format!("The language {code} is not supported; see GET /ecommerce/v1/languages."),
        ));
        None
    }
}
