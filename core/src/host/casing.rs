//! How a host spells keys and method names: Python (and Rust) snake_case, Node camelCase.

use heck::{ToLowerCamelCase, ToSnakeCase};

/// How a host spells keys and method names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Python (and Rust): `page_size`, `get_accounts`.
    Snake,
    /// Node: `pageSize`, `getAccounts`.
    Camel,
}

impl Case {
    pub fn apply(self, name: &str) -> String {
        match self {
            Case::Snake => name.to_snake_case(),
            Case::Camel => name.to_lower_camel_case(),
        }
    }

    /// A field path (`items[0].item_price`) with each name in this case.
    pub fn apply_field(self, path: &str) -> String {
        let segments = path.split('.').map(|segment| match segment.find('[') {
            Some(i) => format!("{}{}", self.apply(&segment[..i]), &segment[i..]),
            None => self.apply(segment),
        });
        segments.collect::<Vec<_>>().join(".")
    }

    /// `ecommerce.payment_links.list` → `ecommerce.paymentLinks.list` (one step per segment).
    pub fn apply_path(self, dotted: &str) -> String {
        dotted
            .split('.')
            .map(|s| self.apply(s))
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// `x.list` → `x.list_all`; `x.get_accounts` → `x.iter_accounts`.
pub fn iterator_name(name: &str) -> String {
    let (namespace, method) = name.rsplit_once('.').unwrap_or(("", name));
    let iterator = match method.strip_prefix("get_") {
        Some(noun) => format!("iter_{noun}"),
        None => format!("{method}_all"),
    };
    if namespace.is_empty() {
        iterator
    } else {
        format!("{namespace}.{iterator}")
    }
}
