//! JSON request bodies read field by field, every mistake collected into one 400 validation
//! problem, as ASP.NET's model validation answers.

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::calendar::Day;
use crate::problem::Problem;

/// The longest free text the sandbox takes (the API's limits are not documented).
pub(crate) const MAX_TEXT: usize = 255;

pub(crate) struct Form<'a> {
    body: &'a Map<String, Value>,
    errors: Vec<(String, String)>,
}

impl<'a> Form<'a> {
    pub fn of(body: &'a Value) -> Result<Self, Problem> {
        match body {
            Value::Object(body) => Ok(Self {
                body,
                errors: vec![],
            }),
            _ => Err(Problem::validation(
                "body",
                "The request body must be a JSON object.",
            )),
        }
    }

    pub fn error(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push((field.into(), message.into()));
    }

    /// The member, if present and not `null`; a missing required one is an error.
    pub fn get(&mut self, name: &str, required: bool) -> Option<&'a Value> {
        match self.body.get(name) {
            None | Some(Value::Null) => {
                if required {
                    self.error(name, format!("The {name} field is required."));
                }
                None
            }
            Some(value) => Some(value),
        }
    }

    /// Text of at most [`MAX_TEXT`] characters; a required one must not be blank.
    pub fn text(&mut self, name: &str, required: bool) -> Option<String> {
        self.text_within(name, required, MAX_TEXT)
    }

    /// Text of at most `max` characters; a required one must not be blank.
    pub fn text_within(&mut self, name: &str, required: bool, max: usize) -> Option<String> {
        match self.get(name, required)? {
            Value::String(s) if required && s.trim().is_empty() => {
                self.error(name, format!("The {name} field is required."));
                None
            }
            Value::String(s) if s.chars().count() > max => {
                self.error(
                    name,
                    format!("The field {name} must be a string with a maximum length of {max}."),
                );
                None
            }
            Value::String(s) => Some(s.clone()),
            _ => {
                self.error(name, format!("The field {name} must be a string."));
                None
            }
        }
    }

    /// Text or a number written as digits (the legacy API sent account numbers both ways).
    pub fn digits(&mut self, name: &str, required: bool) -> Option<String> {
        match self.get(name, required)? {
            Value::Number(n) if n.is_u64() => Some(n.to_string()),
            _ => self.text(name, required),
        }
    }

    pub fn flag(&mut self, name: &str) -> Option<bool> {
        match self.get(name, false)? {
            Value::Bool(b) => Some(*b),
            _ => {
                self.error(name, format!("The field {name} must be true or false."));
                None
            }
        }
    }

    /// A whole number of at least `min`, as a JSON number or digits in a string.
    pub fn whole(&mut self, name: &str, required: bool, min: i64) -> Option<i64> {
        let value = self.get(name, required)?;
        let number = match value {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        match number {
            Some(n) if n >= min => Some(n),
            _ => {
                self.error(
                    name,
                    format!("The field {name} must be a whole number of at least {min}."),
                );
                None
            }
        }
    }

    /// A decimal amount above 0 with at most two places, as text (`"12.50"`) or a number.
    pub fn amount(&mut self, name: &str) -> Option<Decimal> {
        let value = self.get(name, true)?;
        let parsed = match value {
            Value::String(s) => Decimal::from_str_exact(s.trim()).ok(),
            Value::Number(n) => Decimal::from_str_exact(&n.to_string()).ok(),
            _ => None,
        };
        match parsed {
            Some(d) if d > Decimal::ZERO && d.normalize().scale() <= 2 => Some(d),
            _ => {
                self.error(
                    name,
                    format!("The field {name} must be an amount greater than 0 with at most 2 decimal places, such as 12.50."),
                );
                None
            }
        }
    }

    /// A `YYYY-MM-DD` day.
    pub fn day(&mut self, name: &str, required: bool) -> Option<Day> {
        let value = self.get(name, required)?;
        match value.as_str().and_then(Day::parse) {
            Some(day) => Some(day),
            None => {
                self.error(
                    name,
                    format!("The field {name} must be a date (YYYY-MM-DD)."),
                );
                None
            }
        }
    }

    /// 400 with every error collected, if any.
    pub fn finish(self) -> Result<(), Problem> {
        finish(self.errors)
    }
}

/// A 400 validation problem listing `errors`, or nothing when there are none.
pub(crate) fn finish(errors: Vec<(String, String)>) -> Result<(), Problem> {
    let mut errors = errors.into_iter();
    let Some((field, message)) = errors.next() else {
        return Ok(());
    };
    Err(
        errors.fold(Problem::validation(field, message), |problem, (f, m)| {
            problem.with_error(f, m)
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn collects_every_mistake() {
        let body = json!({"name": " ", "price": "1.234", "count": 0, "on": "yes", "day": "2025-02-30",
                          "account": 4012, "ok": "fine"});
        let mut form = Form::of(&body).unwrap();
        assert_eq!(form.text("ok", true).as_deref(), Some("fine"));
        assert_eq!(form.digits("account", true).as_deref(), Some("4012"));
        assert!(form.text("name", true).is_none());
        assert!(form.amount("price").is_none());
        assert!(form.whole("count", true, 1).is_none());
        assert!(form.flag("on").is_none());
        assert!(form.day("day", false).is_none());
        assert!(form.text("missing", false).is_none());
        let body = form.finish().unwrap_err().body();
        let keys: Vec<_> = body["errors"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys, ["count", "day", "name", "on", "price"]);
        assert!(Form::of(&json!([])).is_err());
    }
}
