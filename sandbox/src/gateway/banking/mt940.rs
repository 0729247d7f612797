//! MT940 statements of one account for one day, in the three flavours myPOS offers:
//! MultiCash (bare fields), SWIFT (the fields inside a SWIFT FIN envelope) and Structured
//! (`:86:` split into `?NN` subfields). Lines end in CRLF, as MT940 files do.

use rust_decimal::Decimal;

use super::accounts::Account;
use super::ledger::BankTransaction;
use crate::calendar::Day;

/// The flavour, by the API's `document_type` number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavour {
    MultiCash = 0,
    Swift = 1,
    Structured = 2,
}

impl Flavour {
    pub fn from_code(code: i64) -> Option<Self> {
        [Self::MultiCash, Self::Swift, Self::Structured]
            .into_iter()
            .find(|f| *f as i64 == code)
    }
}

/// The statement text. `transactions` are the account's movements on `day`, oldest first;
/// `opening` is the balance before them.
pub(crate) fn render(
    flavour: Flavour,
    account: &Account,
    day: Day,
    opening: Decimal,
    transactions: &[&BankTransaction],
) -> String {
    let mut lines = Vec::new();
    if flavour == Flavour::Swift {
        lines.push("{1:F01MPOSBGSFAXXX0000000000}{2:I940MPOSBGSFXXXXN}{4:".to_string());
    }
    let number = &account.account_number;
    let tail = &number[number.len().saturating_sub(6)..];
    lines.push(format!(":20:STM{}{tail}", day.yymmdd()));
    lines.push(format!(":25:{}", account.iban));
    lines.push(format!(":28C:{:05}/1", day.day_of_year()));
    lines.push(format!(":60F:{}", balance(day, &account.currency, opening)));
    let mut closing = opening;
    for t in transactions {
        closing += t.signed();
        let mark = if t.kind.credit { "C" } else { "D" };
        let (_, month, date) = day.ymd();
        lines.push(format!(
            ":61:{}{month:02}{date:02}{mark}{}{}NONREF//{}",
            day.yymmdd(),
            amount(t.transaction_amount),
            t.kind.swift,
            t.payment_reference
        ));
        lines.push(match flavour {
            Flavour::Structured => format!(
                ":86:{}?00{}?20{}?21{}",
                t.kind.code, t.kind.name, t.payment_reference, t.description
            ),
            _ => format!(":86:{}", t.description),
        });
    }
    lines.push(format!(":62F:{}", balance(day, &account.currency, closing)));
    lines.push(if flavour == Flavour::Swift { "-}" } else { "-" }.to_string());
    let mut text = lines.join("\r\n");
    text.push_str("\r\n");
    text
}

/// `C250501EUR1520,35`: mark, date, currency, amount.
fn balance(day: Day, currency: &str, value: Decimal) -> String {
    let mark = if value.is_sign_negative() { "D" } else { "C" };
    format!("{mark}{}{currency}{}", day.yymmdd(), amount(value.abs()))
}

/// MT940 amounts: decimal comma, two places, no sign (`1520,35`).
fn amount(value: Decimal) -> String {
    format!("{:.2}", value.abs()).replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::banking::ledger;

    #[test]
    fn statements_balance_and_name_every_transaction() {
        let account = &super::super::accounts::seed_accounts("cli_mt940")[0];
        let today = Day::parse("2025-06-30").unwrap();
        let all = ledger::seed(
            "cli_mt940",
            &[(account.account_number.clone(), "EUR".into(), 10_000)],
            today,
        );
        let day = all[0].day;
        let on_day: Vec<_> = all.iter().filter(|t| t.day == day).collect();
        let text = render(
            Flavour::Swift,
            account,
            day,
            Decimal::new(10_000, 2),
            &on_day,
        );
        assert!(
            text.starts_with("{1:F01") && text.ends_with("-}\r\n"),
            "{text}"
        );
        assert_eq!(text.matches(":61:").count(), on_day.len());
        assert_eq!(text.matches(":86:").count(), on_day.len());
        let closing: Decimal =
            Decimal::new(10_000, 2) + on_day.iter().map(|t| t.signed()).sum::<Decimal>();
        assert!(text.contains(&format!(":62F:C{}EUR{}", day.yymmdd(), amount(closing))));
        assert!(text.contains(&format!(":60F:C{}EUR100,00", day.yymmdd())));
        let plain = render(Flavour::MultiCash, account, day, Decimal::ZERO, &[]);
        assert!(
            plain.starts_with(":20:STM") && plain.ends_with("-\r\n"),
            "{plain}"
        );
        assert_eq!(Flavour::from_code(2), Some(Flavour::Structured));
        assert_eq!(Flavour::from_code(3), None);
    }
}
