//! A decoded answer, still typed, on its way to a host: written as JSON text with its keys
//! renamed as it is written, in one pass. The response schema (a [`KeyTable`], which the host
//! bridge compiles) is followed as the serializer opens objects and arrays, without building a
//! `serde_json::Value` first, which cost more than the rest of the bridge.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CharEscape, CompactFormatter, Formatter};

use crate::error::{Error, Result};

/// How a host names the keys of an answer: a table of schema nodes, node 0 the answer's root.
pub trait KeyTable {
    /// The host's name for `key` of an object at `node`, and the node of the key's value.
    fn key<'k>(&'k self, node: usize, key: &'k str) -> (Cow<'k, str>, Option<usize>);
    /// The node of the items of a list at `node`.
    fn items(&self, node: usize) -> Option<usize>;
}

/// A decoded answer, still typed, on its way to a host.
pub trait Answer: Send {
    /// This answer as JSON text, keys renamed by `keys`.
    fn host_text(&self, keys: &dyn KeyTable) -> Result<String>;
}

impl<T: Serialize + Send> Answer for T {
    fn host_text(&self, keys: &dyn KeyTable) -> Result<String> {
        write(self, keys)
    }
}

/// `value` as JSON text, keys renamed by `keys`.
pub fn write<T: Serialize + ?Sized>(value: &T, keys: &dyn KeyTable) -> Result<String> {
    let formatter = HostKeys {
        keys,
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

struct HostKeys<'r> {
    keys: &'r dyn KeyTable,
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
        let (host, next) = match self.open.last().copied().flatten() {
            None => (Cow::Borrowed(key), None),
            Some(id) => self.keys.key(id, key),
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
        self.next = list.and_then(|id| self.keys.items(id));
        if first {
            Ok(())
        } else {
            writer.write_all(b",")
        }
    }
}
