//! Writes a typed answer as JSON text with its keys in the host's casing, in one pass: the
//! response schema is followed as the serializer opens objects and arrays, and each key is
//! renamed as it is written. The same renaming as [`Renamer::to_host`], without building a
//! `serde_json::Value` first, which cost more than the rest of the bridge.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CharEscape, CompactFormatter, Formatter};

use super::Renamer;
use crate::error::{Error, Result};

/// A decoded answer, still typed, on its way to a host.
pub trait Answer: Send {
    /// This answer as JSON text, keys renamed by `keys`.
    fn host_text(&self, keys: &Renamer) -> Result<String>;
}

impl<T: Serialize + Send> Answer for T {
    fn host_text(&self, keys: &Renamer) -> Result<String> {
        keys.write(self)
    }
}

impl Renamer {
    pub(super) fn write<T: Serialize + ?Sized>(&self, value: &T) -> Result<String> {
        let formatter = HostKeys {
            renamer: self,
            open: Vec::new(),
            next: Some(0),
            in_key: false,
            key: String::new(),
        };
        let mut text = Vec::with_capacity(512);
        let mut serializer = serde_json::Serializer::with_formatter(&mut text, formatter);
        value
            .serialize(&mut serializer)
            .map_err(|e| Error::Decode {
                status: 200,
                message: e.to_string(),
            })?;
        Ok(String::from_utf8(text).expect("serde_json writes UTF-8"))
    }
}

struct HostKeys<'r> {
    renamer: &'r Renamer,
    /// The schema node of each open object or array; `None` where the schema says nothing.
    open: Vec<Option<usize>>,
    /// The schema node of the value about to be written.
    next: Option<usize>,
    /// Between `begin_object_key` and `end_object_key`: the key is gathered, not written.
    in_key: bool,
    /// The key being gathered, unescaped (one buffer, reused for every key).
    key: String,
}

impl HostKeys<'_> {
    /// Writes the gathered key as the host names it, and notes the schema node of its value.
    fn write_key<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        let key = self.key.as_str();
        let node = self
            .open
            .last()
            .copied()
            .flatten()
            .map(|id| &self.renamer.nodes[id]);
        let (host, next) = match node {
            None => (Cow::Borrowed(key), None),
            // A map: its keys are data, not names.
            Some(node) if node.properties.is_empty() => (Cow::Borrowed(key), node.additional),
            Some(node) => match node.by_wire.get(key) {
                Some(&i) => {
                    let property = &node.properties[i];
                    (Cow::Borrowed(property.host.as_str()), Some(property.node))
                }
                None => {
                    let host = self.renamer.unknown_host(key);
                    (host.map_or(Cow::Borrowed(key), Cow::Owned), node.additional)
                }
            },
        };
        self.next = next;
        if host.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
            writer.write_all(b"\"")?;
            writer.write_all(host.as_bytes())?;
            writer.write_all(b"\"")
        } else {
            serde_json::to_writer(writer, &*host).map_err(io::Error::other)
        }
    }

    /// Inside a key, text is gathered to be renamed; elsewhere it is written.
    fn text<W: ?Sized + Write>(&mut self, writer: &mut W, text: &str) -> io::Result<()> {
        if self.in_key {
            self.key.push_str(text);
            Ok(())
        } else {
            writer.write_all(text.as_bytes())
        }
    }
}

/// Numbers and booleans can be map keys too (`{"1": …}`); inside a key they are kept as text.
macro_rules! scalars {
    ($($method:ident($type:ty)),* $(,)?) => {$(
        fn $method<W: ?Sized + Write>(&mut self, writer: &mut W, value: $type) -> io::Result<()> {
            if self.in_key {
                self.key.push_str(&value.to_string());
                Ok(())
            } else {
                CompactFormatter.$method(writer, value)
            }
        }
    )*};
}

impl Formatter for HostKeys<'_> {
    scalars!(
        write_bool(bool),
        write_i8(i8),
        write_i16(i16),
        write_i32(i32),
        write_i64(i64),
        write_i128(i128),
        write_u8(u8),
        write_u16(u16),
        write_u32(u32),
        write_u64(u64),
        write_u128(u128),
        write_f32(f32),
        write_f64(f64),
    );

    fn begin_string<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        if self.in_key {
            Ok(())
        } else {
            writer.write_all(b"\"")
        }
    }

    fn end_string<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.begin_string(writer)
    }

    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        self.text(writer, fragment)
    }

    fn write_char_escape<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        if !self.in_key {
            return CompactFormatter.write_char_escape(writer, escape);
        }
        self.key.push(match escape {
            CharEscape::Quote => '"',
            CharEscape::ReverseSolidus => '\\',
            CharEscape::Solidus => '/',
            CharEscape::Backspace => '\u{8}',
            CharEscape::FormFeed => '\u{c}',
            CharEscape::LineFeed => '\n',
            CharEscape::CarriageReturn => '\r',
            CharEscape::Tab => '\t',
            CharEscape::AsciiControl(byte) => char::from(byte),
        });
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open.push(self.next.take());
        writer.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open.pop();
        writer.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.in_key = true;
        self.key.clear();
        if first {
            Ok(())
        } else {
            writer.write_all(b",")
        }
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.in_key = false;
        self.write_key(writer)
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open.push(self.next.take());
        writer.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open.pop();
        writer.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        let list = self.open.last().copied().flatten();
        self.next = list.and_then(|id| self.renamer.nodes[id].items);
        if first {
            Ok(())
        } else {
            writer.write_all(b",")
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::super::tests::schema;
    use super::super::{Case, Renamer};

    fn written(renamer: &Renamer, value: &impl serde::Serialize) -> Value {
        serde_json::from_str(&renamer.write(value).unwrap()).unwrap()
    }

    #[test]
    fn renames_struct_keys_keeps_map_keys_and_escapes_what_it_writes() {
        let renamer = Renamer::new(&schema(), Case::Camel);
        let answer = json!({
            "page_size": 2,
            "errors": {"it\"em\n": [{"error_code": "x", "new_field": "a\"b\n"}]},
            "items": [{"account_number": "1", "odd key": 1}, null],
        });
        assert_eq!(
            written(&renamer, &answer),
            json!({
                "pageSize": 2,
                "errors": {"it\"em\n": [{"errorCode": "x", "newField": "a\"b\n"}]},
                "items": [{"accountNumber": "1", "oddKey": 1}, null],
            })
        );
    }

    #[test]
    fn numeric_map_keys_stay_text() {
        let renamer = Renamer::new(&schema(), Case::Camel);
        let errors: BTreeMap<u32, Vec<Value>> = [(7, vec![json!({"error_code": "x"})])].into();
        let answer = json!({"errors": errors});
        assert_eq!(
            written(&renamer, &answer),
            json!({"errors": {"7": [{"errorCode": "x"}]}})
        );
    }

    /// JSON values whose keys are drawn from the schema's names and a few it does not know.
    fn values() -> impl Strategy<Value = Value> {
        let key = prop::sample::select(vec![
            "page_size",
            "errors",
            "items",
            "account_number",
            "error_code",
            "new_field",
            "_links",
            "camelKey",
            "with space",
            "quo\"te",
        ]);
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            "[a-z\"\\\\ ]{0,6}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(key.clone(), inner, 0..5).prop_map(
                    |map| Value::Object(map.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
                ),
            ]
        })
    }

    proptest! {
        #[test]
        fn writes_what_renaming_the_value_gives(value in values()) {
            for case in [Case::Snake, Case::Camel] {
                let renamer = Renamer::new(&schema(), case);
                let mut expected = value.clone();
                renamer.to_host(&mut expected);
                prop_assert_eq!(written(&renamer, &value), expected);
            }
        }
    }
}
