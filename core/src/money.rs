//! Money never passes through a binary float: ePOS amounts are whole minor units, prices are
//! decimals. Both refuse negative, non-finite and over-precise values when read, so a bad
//! amount is an [`InvalidRequest`](crate::Error::InvalidRequest) before anything is sent.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Decimal places a price may have.
const MAX_SCALE: u32 = 2;

/// A whole amount in minor units (2500 = 25.00 EUR). Never negative.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct MinorUnits(pub u64);

impl<'de> Deserialize<'de> for MinorUnits {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Whole;
        impl Visitor<'_> for Whole {
            type Value = MinorUnits;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a whole number of minor units (cents), 0 or more")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<MinorUnits, E> {
                Ok(MinorUnits(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<MinorUnits, E> {
                u64::try_from(v)
                    .map(MinorUnits)
                    .map_err(|_| E::custom(format!("must not be negative, got {v}")))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<MinorUnits, E> {
                Err(E::custom(format!(
                    "must be a whole number of minor units (2500 for 25.00), got {v}"
                )))
            }
        }
        deserializer.deserialize_any(Whole)
    }
}

impl JsonSchema for MinorUnits {
    fn schema_name() -> Cow<'static, str> {
        "MinorUnits".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "integer",
            "minimum": 0,
            "description": "A whole amount in minor units (2500 = 25.00)."
        })
    }
}

impl From<u64> for MinorUnits {
    fn from(v: u64) -> Self {
        MinorUnits(v)
    }
}

/// A price in major units (`"12.50"`), at most two decimal places, never negative.
/// Read from a string, an integer, or a number written in decimal; written as a string.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(Decimal);

impl Amount {
    pub fn new(value: Decimal) -> Result<Self, String> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(format!("must not be negative, got {value}"));
        }
        if value.normalize().scale() > MAX_SCALE {
            return Err(format!(
                "must have at most {MAX_SCALE} decimal places, got {value}"
            ));
        }
        Ok(Amount(value))
    }

    pub fn value(&self) -> Decimal {
        self.0
    }
}

impl FromStr for Amount {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let value = Decimal::from_str_exact(s)
            .map_err(|_| format!("must be a decimal amount such as \"12.50\", got {s:?}"))?;
        Amount::new(value)
    }
}

impl TryFrom<Decimal> for Amount {
    type Error = String;
    fn try_from(value: Decimal) -> Result<Self, String> {
        Amount::new(value)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Price;
        impl Visitor<'_> for Price {
            type Value = Amount;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a decimal amount such as \"12.50\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
                Amount::new(Decimal::from(v)).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
                Amount::new(Decimal::from(v)).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Amount, E> {
                if !v.is_finite() {
                    return Err(E::custom("must be a finite amount"));
                }
                // The shortest text that reads back as `v` is what the caller wrote (12.5),
                // so parsing it keeps the decimal exact instead of the binary approximation.
                v.to_string().parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_any(Price)
    }
}

impl JsonSchema for Amount {
    fn schema_name() -> Cow<'static, str> {
        "Amount".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "decimal",
            "description": "A decimal amount in major units (\"12.50\"), at most two decimal places."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{from_value, json};

    /// An amount the API sends as a JSON number (a balance, a transaction amount) reaches a
    /// `Decimal` through an `f64`: serde_json parses it, rust_decimal reads the shortest text
    /// that parses back to that `f64`. For money (up to 15 significant digits) that text is the
    /// number the API wrote: the value is exact. Its trailing zeros are not kept (`12.50` reads
    /// as `12.5`).
    #[test]
    fn decimal_numbers_from_the_api_read_back_exactly() {
        #[derive(Deserialize)]
        struct Answer {
            amount: Option<Decimal>,
            #[serde(flatten)]
            _extra: serde_json::Map<String, serde_json::Value>,
        }
        let read = |text: &str| -> Decimal {
            let answer: Answer = serde_json::from_str(&format!(r#"{{"amount": {text}}}"#)).unwrap();
            answer.amount.unwrap()
        };
        for text in [
            "1520.35",
            "0.3",
            "0.30000000000000004",
            "12345678.91",
            "99999999999.99",
            "0.01",
            "1e2",
            "123456789012.34",
        ] {
            let exact = Decimal::from_str(text)
                .or_else(|_| Decimal::from_scientific(text))
                .unwrap();
            assert_eq!(read(text), exact, "{text}");
        }
        assert_eq!(read("12.50").to_string(), "12.5");
        // Every amount in cents up to 100 000.00 in steps of 0.07, and a spread of large ones.
        let mut cents: u64 = 0;
        while cents <= 10_000_000 {
            let text = format!("{}.{:02}", cents / 100, cents % 100);
            assert_eq!(read(&text), Decimal::from_str(&text).unwrap(), "{text}");
            cents += 7;
        }
        let mut cents: u64 = 1_000_000_000;
        while cents < 10_000_000_000_000 {
            let text = format!("{}.{:02}", cents / 100, cents % 100);
            assert_eq!(read(&text), Decimal::from_str(&text).unwrap(), "{text}");
            cents = cents * 13 / 7 + 1;
        }
    }

    #[test]
    fn amounts_read_exactly_from_text_integers_and_decimal_numbers() {
        for (input, text) in [
            (json!("12.50"), "12.50"),
            (json!(7), "7"),
            (json!(0.1), "0.1"),
            (json!(19.99), "19.99"),
        ] {
            assert_eq!(from_value::<Amount>(input).unwrap().to_string(), text);
        }
        assert_eq!(
            serde_json::to_value(Amount::from_str("12.5").unwrap()).unwrap(),
            json!("12.5")
        );
    }

    #[test]
    fn bad_amounts_say_what_is_wrong() {
        for (input, says) in [
            (json!("-1"), "negative"),
            (json!(-0.5), "negative"),
            (json!("NaN"), "decimal amount"),
            (json!("1.234"), "2 decimal places"),
            (json!(""), "decimal amount"),
            (json!(true), "decimal amount"),
        ] {
            let err = from_value::<Amount>(input.clone()).unwrap_err().to_string();
            assert!(err.contains(says), "{input}: {err}");
        }
    }

    #[test]
    fn minor_units_are_whole_and_not_negative() {
        assert_eq!(
            from_value::<MinorUnits>(json!(2500)).unwrap(),
            MinorUnits(2500)
        );
        assert!(
            from_value::<MinorUnits>(json!(-1))
                .unwrap_err()
                .to_string()
                .contains("negative")
        );
        assert!(
            from_value::<MinorUnits>(json!(25.5))
                .unwrap_err()
                .to_string()
                .contains("whole")
        );
    }
}
