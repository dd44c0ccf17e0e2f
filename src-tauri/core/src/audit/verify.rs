//! Walking the chain and comparing its end with every head known outside it:
//! the head file, and a head an admin noted (docs/decisions/0029-audit-head.md).

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::head::{self, AuditHead, HeadFile, HeadFileState, HeadTracker};
use super::{Sealed, GENESIS_HASH};
use crate::error::{Error, Result};
use crate::store::Store;
use crate::text::Text;

/// What kind of break a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FindingKind {
    /// The entry's content does not match its own hash.
    Edited,
    /// The entry's link does not match the hash of the entry before it.
    BrokenLink,
    /// A run of seq numbers is absent: entries deleted from inside the log.
    Missing,
    /// The head file names an entry after the newest: the newest were deleted.
    NewestMissing,
    /// The head file names an entry the database holds with another hash.
    HeadMismatch,
    HeadFileMissing,
    HeadFileUnreadable,
    /// Writing the head file after a commit failed (nothing committed was lost).
    HeadWriteFailed,
    /// The head an admin noted is not in the log as noted.
    NotedMismatch,
}

/// One break in the chain or disagreement with a head, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AuditFinding {
    pub kind: FindingKind,
    /// The first entry concerned, when there is one.
    #[ts(optional, type = "number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq: Option<i64>,
    /// The last entry concerned, for a run of entries.
    #[ts(optional, type = "number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_seq: Option<i64>,
    pub text: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AuditVerification {
    /// No findings: the chain links from the first entry to the head file's.
    pub intact: bool,
    #[ts(type = "number")]
    pub entries_checked: i64,
    /// The first entry where the chain itself breaks (edited, broken link,
    /// missing); findings against a head name their entries themselves.
    #[ts(optional, type = "number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_broken_seq: Option<i64>,
    pub findings: Vec<AuditFinding>,
    /// The newest entry walked.
    pub head: AuditHead,
    pub head_file: HeadFileState,
}

/// A head an admin wrote down earlier (from About or an export): its seq, if
/// noted, and its hash or at least its first 8 hex characters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct NotedHead {
    #[ts(optional, type = "number")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<i64>,
    pub hash: String,
}

/// The shortest hash prefix accepted: 8 hex characters leave one chance in
/// four billion that another entry matches by accident.
pub const NOTED_PREFIX_MIN: usize = 8;

impl NotedHead {
    /// The hash prefix in lower case, once it is 8 to 64 hex characters.
    fn checked(&self) -> Result<(Option<i64>, String)> {
        let prefix = self.hash.trim().to_ascii_lowercase();
        let len = prefix.chars().count();
        if !(NOTED_PREFIX_MIN..=64).contains(&len) || !prefix.chars().all(|c| c.is_ascii_hexdigit())
        {
            return Err(Error::validation(
                "noted_hash",
                text!(
                    "Give {NOTED_PREFIX_MIN} to 64 characters of the hash, 0–9 and a–f ({len} given).",
                    "Podaj od {NOTED_PREFIX_MIN} do 64 znaków skrótu, 0–9 i a–f (podano {len})."
                ),
            ));
        }
        if let Some(seq) = self.seq.filter(|s| *s < 0) {
            return Err(Error::validation(
                "noted_seq",
                text!(
                    "An entry number is 0 or more ({seq} given).",
                    "Numer wpisu to 0 lub więcej (podano {seq})."
                ),
            ));
        }
        Ok((self.seq, prefix))
    }
}

/// 1204 → "1,204" in English and "1 204" in Polish (a non-breaking space).
fn grouped(n: i64) -> (String, String) {
    let digits = n.unsigned_abs().to_string();
    let mut groups: Vec<&str> = Vec::new();
    let mut end = digits.len();
    while end > 3 {
        groups.push(&digits[end - 3..end]);
        end -= 3;
    }
    groups.push(&digits[..end]);
    groups.reverse();
    let sign = if n < 0 { "-" } else { "" };
    (
        format!("{sign}{}", groups.join(",")),
        format!("{sign}{}", groups.join("\u{a0}")),
    )
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

fn finding(kind: FindingKind, seq: Option<i64>, to_seq: Option<i64>, text: Text) -> AuditFinding {
    AuditFinding {
        kind,
        seq,
        to_seq,
        text,
    }
}

/// What the walk saw besides the findings.
struct Walk {
    checked: i64,
    newest: AuditHead,
    findings: Vec<AuditFinding>,
    /// The hash held at the head file's seq, when the walk passed it.
    at_file_seq: Option<String>,
    /// The hash held at the noted seq, or (no seq noted) whether any hash matched.
    at_noted_seq: Option<String>,
    noted_prefix_found: bool,
}

fn walk(
    conn: &Connection,
    file_seq: Option<i64>,
    noted: Option<&(Option<i64>, String)>,
) -> Result<Walk> {
    let mut statement = conn.prepare(
        "SELECT seq, at, actor_id, actor_name, action, outcome, target_kind, target_id,
                target_label, detail, before_json, after_json, prev_hash, hash
         FROM audit_log ORDER BY seq",
    )?;
    let mut rows = statement.query([])?;
    let mut w = Walk {
        checked: 0,
        newest: AuditHead {
            seq: 0,
            hash: GENESIS_HASH.to_owned(),
            at: String::new(),
        },
        findings: Vec::new(),
        at_file_seq: (file_seq == Some(0)).then(|| GENESIS_HASH.to_owned()),
        at_noted_seq: None,
        noted_prefix_found: false,
    };
    if let Some((seq, prefix)) = noted {
        if *seq == Some(0) {
            w.at_noted_seq = Some(GENESIS_HASH.to_owned());
        }
        w.noted_prefix_found = GENESIS_HASH.starts_with(prefix.as_str());
    }
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let at: String = row.get(1)?;
        let actor_id: Option<String> = row.get(2)?;
        let actor_name: String = row.get(3)?;
        let action: String = row.get(4)?;
        let outcome: String = row.get(5)?;
        let target_kind: String = row.get(6)?;
        let target_id: Option<String> = row.get(7)?;
        let target_label: String = row.get(8)?;
        let detail: String = row.get(9)?;
        let before_json: Option<String> = row.get(10)?;
        let after_json: Option<String> = row.get(11)?;
        let prev_hash: String = row.get(12)?;
        let hash: String = row.get(13)?;
        let recomputed = Sealed {
            seq,
            at: &at,
            actor_id: actor_id.as_deref(),
            actor_name: &actor_name,
            action: &action,
            outcome: &outcome,
            target_kind: &target_kind,
            target_id: target_id.as_deref(),
            target_label: &target_label,
            detail: &detail,
            before_json: before_json.as_deref(),
            after_json: after_json.as_deref(),
            prev_hash: &prev_hash,
        }
        .hash();
        let expected_seq = w.newest.seq + 1;
        if seq > expected_seq {
            // The link after a gap points at a deleted entry: it cannot be checked.
            w.findings.push(missing(expected_seq, seq - 1));
        } else if seq < expected_seq || prev_hash != w.newest.hash {
            let previous = w.newest.seq;
            w.findings.push(finding(
                FindingKind::BrokenLink,
                Some(seq),
                None,
                text!(
                    "Entry {seq} does not follow from entry {previous}: one of them was changed and its hash recomputed, or entry {seq} was put there.",
                    "Wpis {seq} nie wynika z wpisu {previous}: jeden z nich zmieniono i przeliczono jego skrót albo wpis {seq} podłożono."
                ),
            ));
        }
        if recomputed != hash {
            w.findings.push(finding(
                FindingKind::Edited,
                Some(seq),
                None,
                text!(
                    "Entry {seq} was edited: its content no longer matches its hash.",
                    "Wpis {seq} zmieniono: jego treść nie zgadza się już z jego skrótem."
                ),
            ));
        }
        if file_seq == Some(seq) {
            w.at_file_seq = Some(hash.clone());
        }
        if let Some((noted_seq, prefix)) = noted {
            if *noted_seq == Some(seq) {
                w.at_noted_seq = Some(hash.clone());
            }
            if noted_seq.is_none() && hash.starts_with(prefix.as_str()) {
                w.noted_prefix_found = true;
            }
        }
        w.checked += 1;
        w.newest = AuditHead { seq, hash, at };
    }
    Ok(w)
}

fn missing(from: i64, to: i64) -> AuditFinding {
    let count = to - from + 1;
    let text = if count == 1 {
        text!(
            "Entry {from} is missing: it was deleted from the log.",
            "Brakuje wpisu {from}: usunięto go z dziennika."
        )
    } else {
        let (en, pl) = grouped(count);
        text!(
            "Entries {from} to {to} are missing: {en} entries were deleted from the log.",
            "Brakuje wpisów od {from} do {to}: z dziennika usunięto wpisy w liczbie {pl}."
        )
    };
    finding(FindingKind::Missing, Some(from), Some(to), text)
}

/// Where the log ends, for [`newest_missing`]: now, or when the app started
/// (entries written since then follow on from that end).
#[derive(Clone, Copy)]
enum End {
    Now(i64),
    AtStart(i64),
}

/// "The head file says 1,204 but the newest entry is 1,200: the 4 newest entries were deleted."
fn newest_missing(kind: FindingKind, source: (&str, &str), claimed: i64, end: End) -> AuditFinding {
    let newest = match end {
        End::Now(seq) | End::AtStart(seq) => seq,
    };
    let (claimed_en, claimed_pl) = grouped(claimed);
    let (newest_en, newest_pl) = grouped(newest);
    let (count_en, count_pl) = grouped(claimed - newest);
    let (source_en, source_pl) = source;
    let (end_en, end_pl) = match end {
        End::Now(_) => (
            format!("the newest entry is {newest_en}"),
            format!("najnowszy wpis to {newest_pl}"),
        ),
        End::AtStart(_) => (
            format!("the newest entry was {newest_en} when Partnerdesk started"),
            format!("przy uruchomieniu Partnerdesk najnowszym wpisem był {newest_pl}"),
        ),
    };
    let text = if claimed - newest == 1 {
        text!(
            "{source_en} says {claimed_en} but {end_en}: the newest entry was deleted.",
            "{source_pl} wskazuje {claimed_pl}, a {end_pl}: usunięto najnowszy wpis."
        )
    } else {
        // "w liczbie N" fits every N, where "N wpisy/wpisów" would not.
        text!(
            "{source_en} says {claimed_en} but {end_en}: the {count_en} newest entries were deleted.",
            "{source_pl} wskazuje {claimed_pl}, a {end_pl}: usunięto najnowsze wpisy w liczbie {count_pl}."
        )
    };
    finding(kind, Some(newest + 1), Some(claimed), text)
}

fn head_file_findings(
    file: &HeadFile,
    w: &Walk,
    path: &str,
    tracker: &HeadTracker,
) -> Vec<AuditFinding> {
    let newest = w.newest.seq;
    let at_start = match file {
        HeadFile::Found(head) => tracker.disputed_since(head).filter(|seq| *seq <= newest),
        _ => None,
    };
    match file {
        HeadFile::Missing => vec![finding(
            FindingKind::HeadFileMissing,
            None,
            None,
            text!(
                "The head file {path} is missing, so deleting the newest entries would go unseen. Compare with a head you noted or exported, then re-anchor.",
                "Brakuje pliku głowy {path}, więc usunięcia najnowszych wpisów nie da się wykryć. Porównaj z zanotowaną lub wyeksportowaną głową, potem zakotwicz ponownie."
            ),
        )],
        HeadFile::Unreadable(why) => vec![finding(
            FindingKind::HeadFileUnreadable,
            None,
            None,
            text!(
                "The head file {path} cannot be read ({why}): it was damaged or replaced.",
                "Nie można odczytać pliku głowy {path} ({why}): uszkodzono go lub podmieniono."
            ),
        )],
        HeadFile::Found(head) if at_start.is_some_and(|start| head.seq > start) => {
            vec![newest_missing(
                FindingKind::NewestMissing,
                ("The head file", "Plik głowy"),
                head.seq,
                End::AtStart(at_start.unwrap_or(newest)),
            )]
        }
        HeadFile::Found(head) if head.seq > newest => vec![newest_missing(
            FindingKind::NewestMissing,
            ("The head file", "Plik głowy"),
            head.seq,
            End::Now(newest),
        )],
        HeadFile::Found(head) if w.at_file_seq.as_deref() != Some(head.hash.as_str()) => {
            let seq = head.seq;
            let expected = short(&head.hash);
            let text = match &w.at_file_seq {
                Some(found) => {
                    let found = short(found);
                    text!(
                        "Entry {seq} is not the one the head file recorded (hash {expected}…, found {found}…): the log was rewritten from there, or the head file was replaced.",
                        "Wpis {seq} nie jest tym, który zapisano w pliku głowy (skrót {expected}…, jest {found}…): dziennik przepisano od tego miejsca albo podmieniono plik głowy."
                    )
                }
                None => text!(
                    "Entry {seq}, which the head file names, is not in the log.",
                    "Wpisu {seq}, który wskazuje plik głowy, nie ma w dzienniku."
                ),
            };
            vec![finding(FindingKind::HeadMismatch, Some(seq), None, text)]
        }
        HeadFile::Found(_) => Vec::new(),
    }
}

fn noted_findings(noted: &(Option<i64>, String), w: &Walk) -> Option<AuditFinding> {
    let (seq, prefix) = noted;
    match seq {
        Some(seq) if *seq > w.newest.seq => Some(newest_missing(
            FindingKind::NotedMismatch,
            ("The head you noted", "Zanotowana głowa"),
            *seq,
            End::Now(w.newest.seq),
        )),
        Some(seq) => match &w.at_noted_seq {
            Some(hash) if hash.starts_with(prefix.as_str()) => None,
            Some(hash) => {
                let found = short(hash);
                Some(finding(
                    FindingKind::NotedMismatch,
                    Some(*seq),
                    None,
                    text!(
                        "Entry {seq} is not the one you noted (hash {prefix}…, found {found}…): the log was rewritten from there.",
                        "Wpis {seq} nie jest tym, który zanotowano (skrót {prefix}…, jest {found}…): dziennik przepisano od tego miejsca."
                    ),
                ))
            }
            None => Some(finding(
                FindingKind::NotedMismatch,
                Some(*seq),
                None,
                text!(
                    "Entry {seq}, the head you noted, is not in the log.",
                    "Wpisu {seq}, zanotowanej głowy, nie ma w dzienniku."
                ),
            )),
        },
        None if w.noted_prefix_found => None,
        None => Some(finding(
            FindingKind::NotedMismatch,
            None,
            None,
            text!(
                "No entry's hash starts with {prefix}: the entry you noted was deleted or changed.",
                "Skrót żadnego wpisu nie zaczyna się od {prefix}: zanotowany wpis usunięto lub zmieniono."
            ),
        )),
    }
}

/// Walks the whole chain and compares its end with the head file.
pub fn verify(store: &Store) -> Result<AuditVerification> {
    verify_against(store, None)
}

/// [`verify`], also comparing with a head the admin noted.
pub fn verify_against(store: &Store, noted: Option<&NotedHead>) -> Result<AuditVerification> {
    let noted = noted.map(NotedHead::checked).transpose()?;
    let tracker = store.audit_head();
    // The file first: a commit during the walk then makes it look behind, never ahead.
    let file = head::read_head_file(tracker.path());
    let file_seq = match &file {
        HeadFile::Found(head) => Some(head.seq),
        _ => None,
    };
    let w = store.read(|conn| walk(conn, file_seq, noted.as_ref()))?;
    let head_file = head::compare(&file, &w.newest, w.at_file_seq.as_deref());
    let mut findings = w.findings.clone();
    findings.extend(head_file_findings(
        &file,
        &w,
        &tracker.path().display().to_string(),
        tracker,
    ));
    if let Some(error) = tracker.write_error() {
        findings.push(finding(
            FindingKind::HeadWriteFailed,
            None,
            None,
            text!(
                "The head file could not be written after the last change ({error}); the change itself is saved. It is written again with the next one.",
                "Nie udało się zapisać pliku głowy po ostatniej zmianie ({error}); sama zmiana jest zapisana. Plik zostanie zapisany przy następnej."
            ),
        ));
    }
    if let Some(noted) = &noted {
        findings.extend(noted_findings(noted, &w));
    }
    Ok(AuditVerification {
        intact: findings.is_empty(),
        entries_checked: w.checked,
        first_broken_seq: w.findings.iter().filter_map(|f| f.seq).min(),
        findings,
        head: w.newest,
        head_file,
    })
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn numbers_are_grouped_as_each_language_writes_them() {
        assert_eq!(grouped(4), ("4".into(), "4".into()));
        assert_eq!(grouped(1204), ("1,204".into(), "1\u{a0}204".into()));
        assert_eq!(
            grouped(1_000_000),
            ("1,000,000".into(), "1\u{a0}000\u{a0}000".into())
        );
    }
}
