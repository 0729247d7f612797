//! Checks of what the API would refuse, so a malformed request fails before anything is sent.

use crate::error::{Error, Result};
use crate::money::Amount;

/// A required text argument: present and not blank.
pub(crate) fn required(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        Err(Error::invalid(field, "must not be empty"))
    } else {
        Ok(())
    }
}

/// An order id, as MobilePay takes it: at most 36 characters.
pub(crate) fn order_id(field: &str, value: &str) -> Result<()> {
    required(field, value)?;
    let length = value.chars().count();
    if length > 36 {
        return Err(Error::invalid(
            field,
            format!("must be at most 36 characters, got {length}"),
        ));
    }
    Ok(())
}

/// An amount to pay, capture or refund: more than zero.
pub(crate) fn positive(field: &str, amount: &Amount) -> Result<()> {
    if amount.value().is_zero() {
        Err(Error::invalid(field, "must be more than 0"))
    } else {
        Ok(())
    }
}
