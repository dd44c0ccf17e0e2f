//! Keyset pages, the same way in every list: a checked page size, a cursor
//! of (sort key, id) so equal keys page correctly, and one look-ahead row
//! that says whether another page follows.

use rusqlite::types::Value as SqlValue;

use crate::error::{Error, Result};
use crate::text::Text;

const DEFAULT_PAGE: u32 = 100;
const MAX_PAGE: u32 = 500;
const SEPARATOR: char = '\u{1f}';

/// The page size asked for, or the default; `what` names the rows in the error
/// ("customers", and in Polish in the genitive plural: "klientów").
pub fn page_size(limit: Option<u32>, what: Text) -> Result<u32> {
    let limit = limit.unwrap_or(DEFAULT_PAGE);
    if limit == 0 || limit > MAX_PAGE {
        let Text { en, pl } = what;
        return Err(Error::validation(
            "limit",
            text!(
                "a page holds 1 to {MAX_PAGE} {en}",
                "strona mieści od 1 do {MAX_PAGE} {pl}"
            ),
        ));
    }
    Ok(limit)
}

/// Whether `cursor` asks for a later page (absent and empty both mean the first).
pub fn is_first_page(cursor: &Option<String>) -> bool {
    cursor.as_deref().is_none_or(str::is_empty)
}

/// Narrows a query to the rows after `cursor`: `(key_sql, id_sql) compare (?, ?)`,
/// where `compare` is `>` for an ascending and `<` for a descending order.
pub fn after_cursor(
    cursor: &Option<String>,
    key_sql: &str,
    id_sql: &str,
    compare: &str,
    clauses: &mut Vec<String>,
    values: &mut Vec<SqlValue>,
) -> Result<()> {
    let Some(cursor) = cursor.as_deref().filter(|c| !c.is_empty()) else {
        return Ok(());
    };
    let (key, id) = cursor.split_once(SEPARATOR).ok_or_else(|| {
        Error::validation(
            "cursor",
            text!(
                "the page cursor is not valid",
                "wskaźnik strony jest nieprawidłowy"
            ),
        )
    })?;
    clauses.push(format!("({key_sql}, {id_sql}) {compare} (?, ?)"));
    values.push(SqlValue::Text(key.to_owned()));
    values.push(SqlValue::Text(id.to_owned()));
    Ok(())
}

/// The LIMIT value: one row more than the page, to know whether another follows.
pub fn look_ahead(limit: u32) -> SqlValue {
    SqlValue::Integer(i64::from(limit) + 1)
}

/// Drops the look-ahead row; the cursor of the next page, from the last row's
/// sort key and id, when there is one.
pub fn next_cursor<T>(
    rows: &mut Vec<T>,
    limit: u32,
    key_and_id: impl Fn(&T) -> (String, String),
) -> Option<String> {
    if rows.len() <= limit as usize {
        return None;
    }
    rows.truncate(limit as usize);
    rows.last().map(|row| {
        let (key, id) = key_and_id(row);
        format!("{key}{SEPARATOR}{id}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_cursors_and_the_look_ahead_row() {
        assert_eq!(page_size(None, text!("rows", "wierszy")).unwrap(), 100);
        assert_eq!(
            page_size(Some(0), text!("rows", "wierszy"))
                .unwrap_err()
                .field(),
            Some("limit")
        );
        assert!(page_size(Some(501), text!("users", "użytkowników"))
            .unwrap_err()
            .to_string()
            .contains("1 to 500 users"));
        let (mut clauses, mut values) = (Vec::new(), Vec::new());
        after_cursor(
            &Some(String::new()),
            "k",
            "id",
            ">",
            &mut clauses,
            &mut values,
        )
        .unwrap();
        assert!(clauses.is_empty() && is_first_page(&Some(String::new())));
        after_cursor(
            &Some("b\u{1f}7".into()),
            "k",
            "id",
            ">",
            &mut clauses,
            &mut values,
        )
        .unwrap();
        assert_eq!(clauses, ["(k, id) > (?, ?)"]);
        assert_eq!(
            values,
            [SqlValue::Text("b".into()), SqlValue::Text("7".into())]
        );
        let bad = after_cursor(
            &Some("no separator".into()),
            "k",
            "id",
            ">",
            &mut clauses,
            &mut values,
        );
        assert_eq!(bad.unwrap_err().field(), Some("cursor"));
        let mut rows = vec![1, 2, 3];
        assert_eq!(
            next_cursor(&mut rows, 2, |r| (r.to_string(), "x".into())),
            Some("2\u{1f}x".into())
        );
        assert_eq!(rows, [1, 2]);
        assert_eq!(
            next_cursor(&mut rows, 2, |r| (r.to_string(), "x".into())),
            None
        );
    }
}
