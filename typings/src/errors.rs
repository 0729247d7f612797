//! The error classes of both packages, from the core's one table
//! ([`mypos::error_tree::ERROR_CLASSES`]): the Python module `errors.py`, the Node module
//! `errors.js`, and their TypeScript declarations. What the table cannot say (how the root
//! class stores its fields and survives pickling, how a native rejection becomes a class) is
//! written once here, per language.

use heck::ToLowerCamelCase;

use mypos::error_tree::{ERROR_CLASSES, ErrorClass, ErrorField, FieldType, Presence, ROOT};

use super::header;

/// A doc of the table in one host's words: durations in its unit, field names in its casing.
fn doc_for(doc: &str, node: bool) -> String {
    let doc = doc.replace("{unit}", if node { "milliseconds" } else { "seconds" });
    if !node {
        return doc;
    }
    // `snake_name` → `camelName`; other code spans (`CancelledByUser`, `epos.payments.list`)
    // are left as they are.
    let mut out = String::new();
    for (i, part) in doc.split('`').enumerate() {
        if i % 2 == 1 {
            out.push('`');
            if part.contains('_') && part.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                out += &part.to_lower_camel_case();
            } else {
                out += part;
            }
            out.push('`');
        } else {
            out += part;
        }
    }
    out
}

/// `text` in lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("never empty");
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

/// A `/** … */` comment at `indent`.
fn js_doc(doc: &str, indent: &str) -> String {
    let lines = wrap(&doc_for(doc, true), 96 - indent.len());
    if lines.len() == 1 && lines[0].len() + indent.len() + 7 <= 100 {
        return format!("{indent}/** {} */\n", lines[0]);
    }
    let mut out = format!("{indent}/**\n");
    for line in lines {
        out += &format!("{indent} * {line}\n");
    }
    out + &format!("{indent} */\n")
}

/// A class docstring, indented for a class body.
fn py_docstring(doc: &str) -> String {
    let lines = wrap(&doc_for(doc, false), 88);
    format!("    \"\"\"{}\"\"\"\n", lines.join("\n    "))
}

fn py_type(field: &ErrorField) -> String {
    let ty = match field.ty {
        FieldType::Text => "str",
        FieldType::Integer => "int",
        FieldType::Duration => "float",
        FieldType::TextList => "list[str]",
        FieldType::FieldErrors => "dict[str, list[str]]",
    };
    match field.presence {
        Presence::Always => ty.to_string(),
        Presence::Nullable | Presence::Sometimes => format!("{ty} | None"),
    }
}

fn ts_member(field: &ErrorField) -> String {
    let ty = match field.ty {
        FieldType::Text => "string",
        FieldType::Integer | FieldType::Duration => "number",
        FieldType::TextList => "string[]",
        FieldType::FieldErrors => "Record<string, string[]>",
    };
    let name = field.name.to_lower_camel_case();
    match field.presence {
        Presence::Always => format!("{name}: {ty}"),
        Presence::Nullable => format!("{name}: {ty} | null"),
        Presence::Sometimes => format!("{name}?: {ty}"),
    }
}

fn parent(class: &ErrorClass) -> &'static str {
    class.parent.unwrap_or(ROOT)
}

/// The fields a class takes from its constructor's keywords: its own and those of its
/// ancestors below the root (the root's are optional attributes).
fn py_fields(class: &ErrorClass) -> Vec<&'static str> {
    let mut fields = Vec::new();
    let mut current = Some(class);
    while let Some(c) = current.filter(|c| c.parent.is_some()) {
        fields.splice(0..0, c.fields.iter().map(|f| f.name));
        current = c.parent.and_then(mypos::error_tree::error_class);
    }
    fields
}

/// `bindings-python/python/mypos/errors.py`.
pub fn python_errors() -> String {
    let root = &ERROR_CLASSES[0];
    let mut out = header("#");
    out += PY_HEAD;
    for class in ERROR_CLASSES {
        out += &format!("    \"{}\",\n", class.name);
    }
    out += "]\n\n\n";
    out += &format!("class {ROOT}(Exception):\n");
    out += &py_docstring(root.doc);
    out += &format!(
        "\n    code: str = \"{}\"\n    _fields: tuple[str, ...] = ()\n",
        root.code
    );
    for field in root.fields {
        for line in field
            .doc
            .map(|d| wrap(&doc_for(d, false), 90))
            .unwrap_or_default()
        {
            out += &format!("    #: {line}\n");
        }
        out += &format!("    {}: {} = None\n", field.name, py_type(field));
    }
    out += PY_ROOT_BODY;
    for class in &ERROR_CLASSES[1..] {
        let bases = match class.python_builtin {
            Some(builtin) => format!("{}, {builtin}", parent(class)),
            None => parent(class).to_string(),
        };
        out += &format!("\n\nclass {}({bases}):\n", class.name);
        out += &py_docstring(class.doc);
        out += &format!("\n    code = \"{}\"\n", class.code);
        if !class.fields.is_empty() {
            let names: Vec<String> = py_fields(class)
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect();
            let trailing = if names.len() == 1 { "," } else { "" };
            out += &format!("    _fields = ({}{trailing})\n", names.join(", "));
        }
        for field in class.fields {
            if let Some(doc) = field.doc {
                for line in wrap(&doc_for(doc, false), 90) {
                    out += &format!("    #: {line}\n");
                }
            }
            out += &format!("    {}: {}\n", field.name, py_type(field));
        }
    }
    out
}

/// `bindings-node/errors.js`.
pub fn node_errors() -> String {
    let mut out = String::from("'use strict'\n")
        + &header("//")
        + &JS_HEAD.replace("@ROOT_CODE@", ERROR_CLASSES[0].code);
    for class in &ERROR_CLASSES[1..] {
        out += &js_doc(class.doc, "");
        out += &format!(
            "define('{}', '{}', '{}')\n",
            class.name,
            parent(class),
            class.code
        );
    }
    for class in ERROR_CLASSES {
        if let Some(alias) = class.node_alias {
            out += &format!("classes.{alias} = classes.{}\n", class.name);
        }
    }
    out + JS_TAIL
}

/// The error classes' declarations in `index.d.ts`.
pub fn typescript_errors() -> String {
    let mut out = String::new();
    for class in ERROR_CLASSES {
        out += "\n";
        out += &js_doc(class.doc, "");
        let members: String = class
            .fields
            .iter()
            .map(|field| {
                field.doc.map(|d| js_doc(d, "  ")).unwrap_or_default()
                    + &format!("  {}\n", ts_member(field))
            })
            .collect();
        if class.parent.is_none() {
            out += &format!("export declare class {ROOT} extends Error {{\n{TS_ROOT_MEMBERS}");
            out += &members;
            out += "}\n";
        } else if members.is_empty() {
            out += &format!(
                "export declare class {} extends {} {{}}\n",
                class.name,
                parent(class)
            );
        } else {
            out += &format!(
                "export declare class {} extends {} {{\n{members}}}\n",
                class.name,
                parent(class)
            );
        }
        if let Some(alias) = class.node_alias {
            out += &format!("export {{ {} as {alias} }}\n", class.name);
        }
    }
    out
}

const PY_HEAD: &str = r#""""The exceptions the SDK raises. Each carries structured fields and survives pickling."""

from __future__ import annotations

from typing import Any

__all__ = [
"#;

const PY_ROOT_BODY: &str = r#"
    def __init__(self, message: str, *, code: str | None = None, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        for name in self._fields:
            setattr(self, name, fields.pop(name, None))
        # Fields a newer core sends are kept rather than dropped.
        for name, value in fields.items():
            setattr(self, name, value)

    def _state(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k != "message"}

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self._state()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


def _rebuild(cls: type[MyPOSError], message: str, state: dict[str, Any]) -> MyPOSError:
    return cls(message, **state)
"#;

const JS_HEAD: &str = r#"// The error classes, and the one place a native rejection becomes one of them.

const NATIVE_PREFIX = 'MYPOS_ERROR_JSON:'

class MyPOSError extends Error {
  constructor(message, fields = {}) {
    super(message)
    Object.defineProperty(this, 'name', { value: new.target.name, enumerable: false, configurable: true })
    if (!('code' in fields)) this.code = new.target.code
    Object.assign(this, fields)
  }
}
MyPOSError.code = '@ROOT_CODE@'

const classes = { MyPOSError }
function define(name, parent, code) {
  const cls = { [name]: class extends classes[parent] {} }[name]
  cls.code = code
  classes[name] = cls
}

"#;

const JS_TAIL: &str = r#"
/** A native rejection → the SDK's error class; anything else is returned as it is. */
function fromNative(error) {
  const message = error && typeof error.message === 'string' ? error.message : ''
  if (!message.startsWith(NATIVE_PREFIX)) return error
  const { class: name, code, message: text, fields } = JSON.parse(message.slice(NATIVE_PREFIX.length))
  const Class = classes[name] || MyPOSError
  return new Class(text, { code, ...fields })
}

/** Runs `fn`, rethrowing native errors as the SDK's classes (sync and async alike). */
function translated(fn) {
  try {
    const result = fn()
    return result && typeof result.then === 'function' ? result.catch((e) => { throw fromNative(e) }) : result
  } catch (e) {
    throw fromNative(e)
  }
}

module.exports = { ...classes, fromNative, translated }
"#;

const TS_ROOT_MEMBERS: &str = r#"  constructor(message: string, fields?: Record<string, unknown>)
  /** Which error, the same in Python: `MYPOS_CONFIG`, `MYPOS_NOT_FOUND`, … */
  code: string
  static readonly code: string
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_docs_camel_case_field_names_and_use_milliseconds() {
        assert_eq!(
            doc_for("`retry_after`, in {unit}; `CancelledByUser`", true),
            "`retryAfter`, in milliseconds; `CancelledByUser`"
        );
        assert_eq!(doc_for("in {unit}", false), "in seconds");
    }
}
