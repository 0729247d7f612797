//! What every merchant's ePOS starts with, and the terminals it adds later: derived from the
//! merchant id alone, so the same merchant sees the same terminal ids in every sandbox.

use super::model::{ACTIVE, EposState, MODELS, Outlet, Terminal};
use crate::hash::fnv1a;

/// Three terminals in two outlets (two EUR, one GBP), derived from the merchant id alone so
/// the same merchant sees the same terminal ids in every sandbox.
pub(crate) fn seed(merchant_id: &str) -> EposState {
    let outlets = ["Main Street", "Airport Kiosk"]
        .into_iter()
        .enumerate()
        .map(|(index, name)| Outlet {
            outlet_id: 1000
                + (fnv1a(format!("{merchant_id}#outlet#{index}").as_bytes()) % 9000) as i64,
            name: name.into(),
        })
        .collect();
    let mut state = EposState {
        merchant_id: merchant_id.to_owned(),
        outlets,
        ..EposState::default()
    };
    for (model, outlet, currency) in [("GO2", 0, "EUR"), ("SIGMA", 0, "EUR"), ("PRO", 1, "GBP")] {
        let terminal = new_terminal(&mut state, model, currency, None, outlet);
        state.terminals.push(terminal);
    }
    state
}

/// A new active terminal (not yet added), settling to the merchant's account in `currency`
/// unless `account_number` names another.
pub(crate) fn new_terminal(
    state: &mut EposState,
    model: &str,
    currency: &str,
    account_number: Option<&str>,
    outlet: usize,
) -> Terminal {
    let index = state.terminals_created;
    state.terminals_created += 1;
    let hash = fnv1a(format!("{}#terminal#{index}", state.merchant_id).as_bytes());
    let mut number = 10_000_000 + hash % 90_000_000;
    while state.terminal(&number.to_string()).is_some() {
        number = 10_000_000 + (number + 1) % 90_000_000;
    }
    let accounts = crate::gateway::banking::accounts::seed_accounts(&state.merchant_id);
    let account = accounts
        .iter()
        .find(|a| Some(a.account_number.as_str()) == account_number)
        .or_else(|| accounts.iter().find(|a| a.currency == currency))
        .or(accounts.first());
    let description = MODELS
        .iter()
        .find(|(code, _)| *code == model)
        .map_or(model, |(_, description)| description);
    let outlet = &state.outlets[outlet.min(state.outlets.len() - 1)];
    Terminal {
        terminal_id: number.to_string(),
        serial_number: format!("{model}{:010}", (hash >> 20) % 10_000_000_000),
        model: model.into(),
        terminal_name: format!("{description} - {}", outlet.name),
        outlet_id: outlet.outlet_id,
        outlet_name: outlet.name.clone(),
        device_currency: currency.into(),
        status: ACTIVE.into(),
        last_transaction_date: None,
        transactions_count: 0,
        settlement_account_number: account
            .map(|a| a.account_number.clone())
            .unwrap_or_default(),
        settlement_account_name: account.map(|a| a.name.clone()).unwrap_or_default(),
        settlement_account_currency: account.map(|a| a.currency.clone()).unwrap_or_default(),
        billing_descriptor: "SANDBOX SHOP".into(),
        receipt_footer_row_1: "Thank you for your purchase".into(),
        receipt_footer_row_2: "myPOS sandbox".into(),
        forbidden_preauthorization: false,
        forbidden_moto: true,
        forbidden_reversal: false,
        forbidden_refund: false,
        forbidden_topup: true,
        card_topup_enabled: false,
        activation_code: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeding_is_deterministic() {
        let a = seed("cli_sandbox");
        let b = seed("cli_sandbox");
        let ids = |s: &EposState| {
            s.terminals
                .iter()
                .map(|t| t.terminal_id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&a), ids(&b));
        assert_ne!(ids(&a), ids(&seed("cli_other")));
        assert_eq!(a.terminals.len(), 3);
        assert!(
            a.terminals
                .iter()
                .all(|t| super::super::fields::is_terminal_id(&t.terminal_id))
        );
        assert_eq!(a.terminals[2].device_currency, "GBP");
        assert_eq!(a.terminals[2].settlement_account_currency, "GBP");
    }
}
