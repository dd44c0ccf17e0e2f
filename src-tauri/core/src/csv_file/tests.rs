use proptest::prelude::*;

use super::*;
use crate::error::Error;

const COLUMNS: [Column; 3] = [
    Column::required("company_name", &["Company name", "Nazwa firmy"]),
    Column::required("default_domain", &["Primary domain name", "Domena"]),
    Column::optional("city", &["Miasto"]),
];

fn polish_rows() -> Vec<[&'static str; 3]> {
    vec![
        ["Nazwa firmy", "Domena", "Miasto"],
        ["Zakład Łódź sp. z o.o.", "lodz.pl", "Łódź"],
        ["Gęślą Jaźń", "jazn.pl", "Kraków"],
    ]
}

fn write(rows: &[[&str; 3]], delimiter: Delimiter, ending: &str) -> String {
    let separator = (delimiter.byte() as char).to_string();
    rows.iter()
        .map(|row| row.join(&separator))
        .collect::<Vec<_>>()
        .join(ending)
        + ending
}

fn encode(text: &str, encoding: FileEncoding) -> Vec<u8> {
    match encoding {
        FileEncoding::Utf8 => text.as_bytes().to_vec(),
        FileEncoding::Utf16Le => {
            let mut bytes = vec![0xFF, 0xFE];
            bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            bytes
        }
        FileEncoding::Utf16Be => {
            let mut bytes = vec![0xFE, 0xFF];
            bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
            bytes
        }
        FileEncoding::Windows1250 => encoding_rs::WINDOWS_1250.encode(text).0.into_owned(),
        FileEncoding::Windows1252 => encoding_rs::WINDOWS_1252.encode(text).0.into_owned(),
        FileEncoding::Iso8859_2 => encoding_rs::ISO_8859_2.encode(text).0.into_owned(),
    }
}

#[test]
fn every_encoding_delimiter_and_line_ending_reads_the_same_rows_on_the_same_lines() {
    let rows = polish_rows();
    let with_bom = |text: &str| {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend(text.as_bytes());
        bytes
    };
    for delimiter in [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab] {
        for ending in ["\n", "\r\n", "\r"] {
            let text = write(&rows, delimiter, ending);
            let files: [(&str, Vec<u8>, FileEncoding); 5] = [
                (
                    "UTF-8",
                    encode(&text, FileEncoding::Utf8),
                    FileEncoding::Utf8,
                ),
                ("UTF-8 BOM", with_bom(&text), FileEncoding::Utf8),
                (
                    "UTF-16 LE",
                    encode(&text, FileEncoding::Utf16Le),
                    FileEncoding::Utf16Le,
                ),
                (
                    "UTF-16 BE",
                    encode(&text, FileEncoding::Utf16Be),
                    FileEncoding::Utf16Be,
                ),
                (
                    "Windows-1250",
                    encode(&text, FileEncoding::Windows1250),
                    FileEncoding::Windows1250,
                ),
            ];
            for (name, bytes, expected) in files {
                let case = format!("{name}, {delimiter:?}, {ending:?}");
                let decoded = decode(&bytes, None).unwrap();
                assert_eq!(decoded.encoding, expected, "{case}");
                assert_eq!(decoded.text, text, "{case}");
                let table = read(&decoded.text, None, &COLUMNS).unwrap();
                assert_eq!(table.delimiter, delimiter, "{case}");
                assert!(table.problems.is_empty(), "{case}: {:?}", table.problems);
                let read: Vec<(u32, Vec<String>)> = table
                    .records
                    .iter()
                    .map(|r| (r.line, r.cells.clone()))
                    .collect();
                let expected: Vec<(u32, Vec<String>)> = rows[1..]
                    .iter()
                    .zip(2..)
                    .map(|(row, line)| (line, row.iter().map(|c| c.to_string()).collect()))
                    .collect();
                assert_eq!(read, expected, "{case}");
            }
        }
    }
}

#[test]
fn a_polish_excel_file_is_guessed_as_windows_1250_and_a_wrong_choice_is_refused_by_line() {
    let text = write(&polish_rows(), Delimiter::Semicolon, "\r\n");
    let bytes = encode(&text, FileEncoding::Windows1250);
    let guessed = decode(&bytes, None).unwrap();
    assert_eq!(guessed.encoding, FileEncoding::Windows1250);
    assert!(guessed.guessed && !guessed.had_bom);
    assert!(guessed.text.contains("Zakład Łódź"));
    let error = decode(&bytes, Some(FileEncoding::Utf8)).unwrap_err();
    assert_eq!(error.field(), Some("encoding"));
    // The header is plain ASCII; "Zakład" on line 2 is the first byte UTF-8 refuses.
    assert!(
        error.to_string().starts_with("line 2 is not valid UTF-8"),
        "{error}"
    );
}

#[test]
fn the_first_line_that_is_not_valid_in_the_chosen_encoding_is_named() {
    let bytes = encode("a,b\r\nplain,text\r\nŁódź,x\r\n", FileEncoding::Windows1250);
    let error = decode(&bytes, Some(FileEncoding::Utf8)).unwrap_err();
    assert!(
        error.to_string().starts_with("line 3 is not valid UTF-8"),
        "{error}"
    );
    let chosen = decode(&bytes, Some(FileEncoding::Windows1250)).unwrap();
    assert!(!chosen.guessed);
    assert!(chosen.text.contains("Łódź"));
}

#[test]
fn an_excel_sep_line_states_the_delimiter_and_keeps_line_numbers() {
    let text = "sep=;\r\nCompany name;Primary domain name\r\nAlfa, Beta;alfa.pl\r\n";
    assert_eq!(detect_delimiter(text), Delimiter::Semicolon);
    let table = read(text, None, &COLUMNS).unwrap();
    assert_eq!(table.records.len(), 1);
    assert_eq!(table.records[0].line, 3);
    assert_eq!(table.records[0].cells[0], "Alfa, Beta");
}

#[test]
fn quoted_fields_that_span_lines_keep_every_later_record_on_its_own_line() {
    for ending in ["\n", "\r\n"] {
        let text = [
            "company_name,default_domain,city",
            "\"Alfa",
            "over three",
            "lines\",alfa.pl,Gdańsk",
            "Beta,beta.pl,\"two",
            "lines\"",
            "",
            "Gamma,,too,many,fields",
        ]
        .join(ending);
        let table = read(&text, None, &COLUMNS).unwrap();
        let lines: Vec<u32> = table.records.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 5], "{ending:?}");
        assert_eq!(
            table.records[0].cells[0],
            format!("Alfa{ending}over three{ending}lines")
        );
        assert_eq!(table.problems.len(), 1, "{ending:?}");
        assert_eq!(table.problems[0].line, 8, "{ending:?}");
        assert!(
            table.problems[0]
                .message
                .starts_with("this line has 5 fields but the header has 3"),
            "{}",
            table.problems[0].message
        );
    }
}

#[test]
fn a_row_too_short_for_a_required_column_is_reported_and_a_short_optional_tail_is_empty() {
    let text = "default_domain,city,company_name\nalfa.pl,Gdańsk\nbeta.pl,Kraków,Beta\n";
    let table = read(text, None, &COLUMNS).unwrap();
    assert_eq!(table.problems.len(), 1);
    assert_eq!(table.problems[0].line, 2);
    assert!(table.problems[0]
        .message
        .contains("a required column is missing"));
    let short = read(
        "company_name,default_domain,city\nAlfa,alfa.pl\n",
        None,
        &COLUMNS,
    )
    .unwrap();
    assert!(short.problems.is_empty());
    assert_eq!(short.records[0].cells, ["Alfa", "alfa.pl", ""]);
}

#[test]
fn headers_match_by_name_or_alias_whatever_the_case_spaces_or_underscores() {
    let text = "\"COMPANY NAME\";primary-domain-name;Tags;Miasto;Relationship\nAlfa;alfa.pl;x;Łódź;Reseller\n";
    let table = read(text, None, &COLUMNS).unwrap();
    assert_eq!(table.header_match.positions, [Some(0), Some(1), Some(3)]);
    assert_eq!(table.header_match.unknown, ["Tags", "Relationship"]);
    assert_eq!(table.records[0].cells, ["Alfa", "alfa.pl", "Łódź"]);
    assert_eq!(
        normalise_header("  Nazwa_Firmy "),
        normalise_header("nazwa firmy")
    );
}

#[test]
fn a_missing_required_column_names_itself_and_the_columns_found() {
    let error = read("Company name;City\nAlfa;Gdańsk\n", None, &COLUMNS).unwrap_err();
    let Error::Validation { field, text } = error else {
        panic!("a validation error")
    };
    assert_eq!(field, "file");
    assert_eq!(
        text.en,
        "the header row has no 'default_domain' column (its columns: Company name, City)"
    );
    assert!(read("", None, &COLUMNS)
        .unwrap_err()
        .to_string()
        .starts_with("the file is empty"));
    assert!(read("\n\r\n", None, &COLUMNS).is_err());
}

#[test]
fn a_chosen_delimiter_overrides_the_one_found() {
    let text = "company_name;default_domain\n\"A, B\";a.pl\n";
    let found = read(text, None, &COLUMNS).unwrap();
    assert_eq!(found.records[0].cells[..2], ["A, B", "a.pl"]);
    let chosen = read(text, Some(Delimiter::Comma), &COLUMNS);
    assert!(
        chosen.is_err(),
        "as comma-separated it has one column, and no domain"
    );
}

#[test]
fn line_index_counts_every_kind_of_line_break() {
    let index = LineIndex::new("a\nb\r\nc\rd");
    let lines: Vec<u32> = [0, 2, 5, 7].iter().map(|&at| index.line_at(at)).collect();
    assert_eq!(lines, [1, 2, 3, 4]);
}

fn cell() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("a".to_owned()),
            Just("ł".to_owned()),
            Just(",".to_owned()),
            Just(";".to_owned()),
            Just("\t".to_owned()),
            Just("\"".to_owned()),
            Just("\n".to_owned()),
            Just("\r\n".to_owned()),
            Just(" ".to_owned()),
            Just("=".to_owned()),
        ],
        1..6,
    )
    .prop_map(|parts| format!("x{}", parts.concat()))
}

proptest! {
    #[test]
    fn random_bytes_never_panic_the_reader(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(decoded) = decode(&bytes, None) {
            let _ = read(&decoded.text, None, &COLUMNS);
        }
        for encoding in [FileEncoding::Utf8, FileEncoding::Utf16Le, FileEncoding::Windows1250] {
            if let Ok(decoded) = decode(&bytes, Some(encoding)) {
                let _ = read(&decoded.text, None, &COLUMNS);
            }
        }
    }

    #[test]
    fn random_csv_reads_back_every_cell_on_the_line_it_starts(
        rows in prop::collection::vec(prop::collection::vec(cell(), 3), 1..12),
        crlf in any::<bool>(),
        delimiter in prop_oneof![Just(Delimiter::Comma), Just(Delimiter::Semicolon), Just(Delimiter::Tab)],
    ) {
        let terminator = if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') };
        let mut text = String::from("company_name,default_domain,city");
        text = text.replace(',', &(delimiter.byte() as char).to_string());
        text.push_str(if crlf { "\r\n" } else { "\n" });
        let mut expected = Vec::new();
        for row in &rows {
            let line = LineIndex::new(&text).line_at(text.len());
            let mut writer = csv::WriterBuilder::new()
                .delimiter(delimiter.byte())
                .terminator(terminator)
                .quote_style(csv::QuoteStyle::Always)
                .from_writer(Vec::new());
            writer.write_record(row).unwrap();
            text.push_str(&String::from_utf8(writer.into_inner().unwrap()).unwrap());
            expected.push((line, row.iter().map(|c| c.trim().to_owned()).collect::<Vec<_>>()));
        }
        let table = read(&text, Some(delimiter), &COLUMNS).unwrap();
        prop_assert!(table.problems.is_empty(), "{:?}", table.problems);
        let read: Vec<(u32, Vec<String>)> =
            table.records.into_iter().map(|r| (r.line, r.cells)).collect();
        prop_assert_eq!(read, expected);
    }
}
