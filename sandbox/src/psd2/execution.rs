//! A payment's way after the SCA page: approval books a pending debit (or is rejected for a
//! short balance), and execution after the configured delay books it.

use std::time::Instant;

use super::ledger::Tx;
use super::model::Psd2;

/// The holder approved at the SCA page: `ACTC` with a pending debit, or `RJCT` when the
/// debtor account's available balance is short.
pub(crate) fn accept(psd2: &mut Psd2, id: &str) -> &'static str {
    let today = psd2.today();
    let Some(payment) = psd2.payments.get(id) else {
        return "RJCT";
    };
    let (psu, debtor, amount) = (payment.psu.clone(), payment.debtor.clone(), payment.amount);
    let (creditor, remittance) = (payment.creditor_name.clone(), payment.remittance.clone());
    let holder = psd2.holder(&psu);
    let status = match holder.account_mut(&debtor) {
        Some(account) if account.available() >= amount => {
            account.pending.insert(
                0,
                Tx {
                    id: format!("tx-{id}"),
                    amount: -amount,
                    booking_date: None,
                    value_date: today,
                    counterparty: creditor,
                    remittance,
                    payment_id: Some(id.to_owned()),
                },
            );
            "ACTC"
        }
        _ => "RJCT",
    };
    if let Some(payment) = psd2.payments.get_mut(id) {
        payment.status = status;
        payment.accepted_at = (status == "ACTC").then(Instant::now);
    }
    status
}

/// Executes accepted payments whose execution delay has passed: `ACSC`, the debit booked.
pub(crate) fn settle(psd2: &mut Psd2) {
    let delay = psd2.execution_delay;
    let today = psd2.today();
    let due: Vec<(String, String, String)> = psd2
        .payments
        .values()
        .filter(|p| p.status == "ACTC" && p.accepted_at.is_some_and(|at| at.elapsed() >= delay))
        .map(|p| (p.id.clone(), p.psu.clone(), p.debtor.clone()))
        .collect();
    for (id, psu, debtor) in due {
        if let Some(account) = psd2.holder(&psu).account_mut(&debtor)
            && let Some(i) = account
                .pending
                .iter()
                .position(|t| t.payment_id.as_deref() == Some(&id))
        {
            let mut tx = account.pending.remove(i);
            tx.booking_date = Some(today);
            account.booked.insert(0, tx);
        }
        if let Some(payment) = psd2.payments.get_mut(&id) {
            payment.status = "ACSC";
        }
    }
}
