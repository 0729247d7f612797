//! Open string enums: the API adds values over time, so every enum names the values known
//! today and keeps any other one as text in `Other` instead of failing to read the answer.
//!
//! ```ignore
//! crate::string_enum! {
//!     /// Whether a payment link can be paid.
//!     pub enum LinkStatus {
//!         /// Can be paid.
//!         Active = "Active",
//!         Disabled = "Disabled",
//!     }
//! }
//! ```
//!
//! Each enum gets `as_str`, `From<&str>`, `From<String>`, `FromStr`, `Display`, serde as the
//! wire text, and a JSON Schema `{"anyOf": [{"type": "string", "enum": [known…]},
//! {"type": "string"}]}`, which the typings render as `"Active" | "Disabled" | string`.
//!
//! A value may name aliases (`Credit = "C" | "credit"`): other spellings, in any case, read
//! as that value and written as its wire text.
//!
//! [`code_enum!`](crate::code_enum) is the same for values the API sends as numbers
//! (`document_type: 1`): users may name them (`"MT940SWIFT"`), the wire gets the number.

/// Declares an open string enum (see the [module docs](self)).
#[macro_export]
#[doc(hidden)]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[doc = $doc:literal])* $variant:ident = $wire:literal $(| $alias:literal)*, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[doc = $doc])* $variant, )*
            /// A value this SDK does not know yet, as the API sent it.
            Other(::std::string::String),
        }

        impl $name {
            /// Every value this SDK knows, as the API spells it.
            pub const KNOWN: &'static [&'static str] = &[$($wire),*];

            /// The value as the API spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Other(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                $( $( if value.eq_ignore_ascii_case($alias) {
                    return Self::$variant;
                } )* )*
                match value {
                    $( $wire => Self::$variant, )*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value =
                    <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value.as_ref()))
            }
        }

        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                // Known values first; any other string is valid too.
                ::schemars::json_schema!({
                    "anyOf": [
                        { "type": "string", "enum": [$($wire),*] },
                        { "type": "string" }
                    ]
                })
            }
        }
    };
}

/// Declares an enum the API sends as a number code (`0`, `1`, …) that users may also name
/// (`"MT940SWIFT"`): read from either, written as the number. Unknown numbers are kept in
/// `Other`; unknown names are an error that lists the known ones.
///
/// ```ignore
/// crate::code_enum! {
///     /// The size of a payment button.
///     pub enum ButtonSize {
///         Small = 0 as "small",
///         Big = 1 as "big",
///     }
/// }
/// ```
#[macro_export]
#[doc(hidden)]
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[doc = $doc:literal])* $variant:ident = $code:literal as $label:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[doc = $doc])* $variant, )*
            /// A code this SDK does not know yet, as the API sent it.
            Other(i64),
        }

        impl $name {
            /// The number the API uses.
            pub fn code(&self) -> i64 {
                match self {
                    $( Self::$variant => $code, )*
                    Self::Other(code) => *code,
                }
            }

            /// The readable name, if the code is known.
            pub fn label(&self) -> Option<&'static str> {
                match self {
                    $( Self::$variant => Some($label), )*
                    Self::Other(_) => None,
                }
            }

            /// From a code: known ones become their variant.
            pub fn from_code(code: i64) -> Self {
                match code {
                    $( $code => Self::$variant, )*
                    other => Self::Other(other),
                }
            }

            /// From a readable name (any case).
            pub fn from_label(label: &str) -> Option<Self> {
                $( if label.eq_ignore_ascii_case($label) { return Some(Self::$variant); } )*
                None
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self.label() {
                    Some(label) => f.write_str(label),
                    None => write!(f, "{}", self.code()),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.code())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                struct CodeOrLabel;
                impl ::serde::de::Visitor<'_> for CodeOrLabel {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter) -> ::std::fmt::Result {
                        f.write_str(concat!("one of ", $("\"", $label, "\" (", $code, "), ",)* "or another code"))
                    }
                    fn visit_i64<E: ::serde::de::Error>(self, v: i64) -> ::std::result::Result<$name, E> {
                        Ok($name::from_code(v))
                    }
                    fn visit_u64<E: ::serde::de::Error>(self, v: u64) -> ::std::result::Result<$name, E> {
                        i64::try_from(v)
                            .map($name::from_code)
                            .map_err(|_| E::invalid_value(::serde::de::Unexpected::Unsigned(v), &self))
                    }
                    fn visit_str<E: ::serde::de::Error>(self, v: &str) -> ::std::result::Result<$name, E> {
                        $name::from_label(v)
                            .or_else(|| v.trim().parse::<i64>().ok().map($name::from_code))
                            .ok_or_else(|| E::invalid_value(::serde::de::Unexpected::Str(v), &self))
                    }
                }
                deserializer.deserialize_any(CodeOrLabel)
            }
        }

        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                // Names for people, codes as the API sends them, and codes added later.
                ::schemars::json_schema!({
                    "anyOf": [
                        { "type": "string", "enum": [$($label),*] },
                        { "type": "integer", "enum": [$($code),*] },
                        { "type": "integer" }
                    ]
                })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    crate::string_enum! {
        /// A test enum.
        pub enum Colour {
            /// The first.
            Red = "Red",
            Blue = "blue" | "azure",
        }
    }

    #[test]
    fn known_and_unknown_values_round_trip() {
        for text in ["Red", "blue", "Green"] {
            let colour: Colour = serde_json::from_value(json!(text)).unwrap();
            assert_eq!(serde_json::to_value(&colour).unwrap(), json!(text));
            assert_eq!(colour.to_string(), text);
        }
        assert_eq!(Colour::from("blue"), Colour::Blue);
        assert_eq!(Colour::from("Blue"), Colour::Other("Blue".into()));
        assert_eq!(Colour::from("Azure"), Colour::Blue);
        assert_eq!(
            serde_json::to_value(Colour::from("azure")).unwrap(),
            json!("blue")
        );
        assert_eq!(Colour::KNOWN, ["Red", "blue"]);
        assert!(serde_json::from_value::<Colour>(json!(1)).is_err());
    }

    #[test]
    fn schema_lists_known_values_and_stays_open() {
        let schema = schemars::schema_for!(Colour).to_value();
        assert_eq!(
            schema["anyOf"],
            json!([{"type": "string", "enum": ["Red", "blue"]}, {"type": "string"}])
        );
    }

    crate::code_enum! {
        /// A test code enum.
        pub enum Size {
            Small = 0 as "small",
            /// Big.
            Big = 1 as "big",
        }
    }

    #[test]
    fn codes_read_from_names_or_numbers_and_write_numbers() {
        for input in [json!("big"), json!("BIG"), json!(1), json!("1")] {
            let size: Size = serde_json::from_value(input.clone()).unwrap();
            assert_eq!(size, Size::Big, "{input}");
            assert_eq!(serde_json::to_value(size).unwrap(), json!(1));
        }
        let later: Size = serde_json::from_value(json!(7)).unwrap();
        assert_eq!((later, later.to_string()), (Size::Other(7), "7".into()));
        let err = serde_json::from_value::<Size>(json!("huge")).unwrap_err();
        assert!(
            err.to_string().contains(r#""small" (0), "big" (1)"#),
            "{err}"
        );
        assert_eq!(Size::Small.to_string(), "small");
    }
}
