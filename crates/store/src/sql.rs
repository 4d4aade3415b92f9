//! A tiny builder for dynamic SQL with portable `$n` placeholders.

use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments};

/// One bound value.
#[derive(Debug, Clone)]
pub enum Arg {
    I64(i64),
    OptI64(Option<i64>),
    Str(String),
    OptStr(Option<String>),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::I64(v)
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::OptI64(v)
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Str(v.to_string())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Str(v)
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Str(v.clone())
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::OptStr(v)
    }
}

/// SQL text and the values for its placeholders, in order.
#[derive(Debug, Clone, Default)]
pub struct Sql {
    pub text: String,
    pub args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql {
            text: text.to_string(),
            args: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `value`.
    pub fn bind(&mut self, value: impl Into<Arg>) -> &mut Self {
        self.args.push(value.into());
        self.text.push_str(&format!("${}", self.args.len()));
        self
    }

    /// Appends `$a, $b, …` for a list of values (for `IN (…)`).
    pub fn bind_list<T: Into<Arg>>(&mut self, values: impl IntoIterator<Item = T>) -> &mut Self {
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.bind(v);
        }
        self
    }

    /// Placeholder text for the next value, without appending it.
    pub fn placeholder(&mut self, value: impl Into<Arg>) -> String {
        self.args.push(value.into());
        format!("${}", self.args.len())
    }

    pub fn arguments<'q>(&self) -> Result<AnyArguments<'q>, sqlx::Error> {
        let mut a = AnyArguments::default();
        for arg in &self.args {
            let r = match arg {
                Arg::I64(v) => a.add(*v),
                Arg::OptI64(v) => a.add(*v),
                Arg::Str(v) => a.add(v.clone()),
                Arg::OptStr(v) => a.add(v.clone()),
            };
            r.map_err(sqlx::Error::Encode)?;
        }
        Ok(a)
    }

    pub fn query(&self) -> Result<sqlx::query::Query<'_, Any, AnyArguments<'_>>, sqlx::Error> {
        Ok(sqlx::query_with(&self.text, self.arguments()?))
    }
}

/// Escapes `%`, `_` and `\` for use in a LIKE pattern with `ESCAPE '\'`.
pub fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_placeholders() {
        let mut s = Sql::new("SELECT 1 WHERE a = ");
        s.bind(1i64).push(" AND b = ").bind("x");
        assert_eq!(s.text, "SELECT 1 WHERE a = $1 AND b = $2");
        assert_eq!(s.args.len(), 2);
    }

    #[test]
    fn binds_lists() {
        let mut s = Sql::new("x IN (");
        s.bind_list([1i64, 2, 3]).push(")");
        assert_eq!(s.text, "x IN ($1, $2, $3)");
    }

    #[test]
    fn escapes_like() {
        assert_eq!(like_escape("50%_a\\"), "50\\%\\_a\\\\");
    }
}
