//! A content checksum over every table (decision 0047): two stores with the
//! same rows in every table, derived ones included, have the same checksum,
//! whatever order the rows were written in.

use rusqlite::types::ValueRef;
use rusqlite::Connection;
use sha2::{Digest, Sha256};

use super::replication::Scope;
use crate::error::Result;

/// A full-text index, checksummed by its content (which customer holds which
/// term where) rather than its storage: FTS5's segments depend on how the
/// writes were batched, and its document ids are the content table's rowids,
/// which a replica assigns itself.
struct TextIndex {
    table: &'static str,
    content: &'static str,
    key: &'static str,
}

const TEXT_INDEXES: &[TextIndex] = &[TextIndex {
    table: "customer_search",
    content: "customers",
    key: "id",
}];

/// The SHA-256 (hex) of every row of every table, ordered by table name and
/// primary key (rowid for a table without one).
pub(crate) fn checksum(conn: &Connection, scope: Scope) -> Result<String> {
    let mut hash = Sha256::new();
    for table in tables(conn)?.into_iter().filter(|t| scope.holds(t)) {
        if TEXT_INDEXES
            .iter()
            .any(|i| table.starts_with(&format!("{}_", i.table)))
        {
            continue; // an index's storage: covered by its content below
        }
        hash.update(b"table\0");
        hash.update(table.as_bytes());
        match TEXT_INDEXES.iter().find(|i| i.table == table) {
            Some(index) => rows(conn, &index_content_query(conn, index)?, &mut hash)?,
            None => rows(conn, &table_query(conn, &table)?, &mut hash)?,
        }
    }
    Ok(hex::encode(hash.finalize()))
}

fn tables(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_stat%' ESCAPE '\\' ORDER BY name",
    )?;
    let names = stmt.query_map([], |r| r.get(0))?;
    Ok(names.collect::<rusqlite::Result<_>>()?)
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Every declared column (not the implicit rowid, which a replica assigns
/// itself), ordered by the primary key.
fn table_query(conn: &Connection, table: &str) -> Result<String> {
    let mut stmt = conn.prepare("SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid")?;
    let columns: Vec<(String, i64)> = stmt
        .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut key: Vec<&(String, i64)> = columns.iter().filter(|(_, pk)| *pk > 0).collect();
    key.sort_by_key(|(_, pk)| *pk);
    let order = if key.is_empty() {
        "rowid".to_owned()
    } else {
        key.iter()
            .map(|(c, _)| quoted(c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let select = columns
        .iter()
        .map(|(c, _)| quoted(c))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(format!(
        "SELECT {select} FROM {} ORDER BY {order}",
        quoted(table)
    ))
}

/// The index's terms per document, by the content row's key.
fn index_content_query(conn: &Connection, index: &TextIndex) -> Result<String> {
    let vocab = format!("{}_checksum_vocab", index.table);
    conn.execute_batch(&format!(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.{} USING fts5vocab(main, {}, 'instance')",
        quoted(&vocab),
        quoted(index.table)
    ))?;
    Ok(format!(
        "SELECT c.{key}, v.term, v.col, v.offset FROM temp.{vocab} v JOIN {content} c ON c.rowid = v.doc \
         ORDER BY c.{key}, v.col, v.offset, v.term",
        key = quoted(index.key),
        vocab = quoted(&vocab),
        content = quoted(index.content),
    ))
}

fn rows(conn: &Connection, query: &str, hash: &mut Sha256) -> Result<()> {
    let mut stmt = conn.prepare(query)?;
    let width = stmt.column_count();
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        hash.update(b"row\0");
        for col in 0..width {
            value(row.get_ref(col)?, hash);
        }
    }
    Ok(())
}

/// Each value with its type and length, so no two rows hash alike by accident.
fn value(value: ValueRef<'_>, hash: &mut Sha256) {
    let (tag, bytes): (u8, Vec<u8>) = match value {
        ValueRef::Null => (0, Vec::new()),
        ValueRef::Integer(i) => (1, i.to_be_bytes().to_vec()),
        ValueRef::Real(f) => (2, f.to_bits().to_be_bytes().to_vec()),
        ValueRef::Text(t) => (3, t.to_vec()),
        ValueRef::Blob(b) => (4, b.to_vec()),
    };
    hash.update([tag]);
    hash.update((bytes.len() as u64).to_be_bytes());
    hash.update(&bytes);
}
