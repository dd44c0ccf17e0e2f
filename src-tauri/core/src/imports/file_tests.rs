//! Files as bytes through every import command: the encoding and delimiter
//! found or chosen, said in the preview, and the same in the import
//! (decision 0037).

use std::sync::atomic::AtomicBool;

use super::*;
use crate::csv_file::{Delimiter, DelimiterSource, FileEncoding};
use crate::customers::{self, CustomerImport, CustomerQuery};
use crate::testing::{world, World};

/// A Polish Excel file: semicolons, CRLF, Polish letters in the data.
const POLISH: &str = "Nazwa firmy;Domena;Miasto;Opiekun\r\n\
Zażółć Sp. z o.o.;zazolc;Łódź;Gęślą Jaźń\r\n\
Źdźbło S.A.;zdzblo;Kraków;\r\n";

fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut bytes = if little {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        bytes.extend(if little {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    bytes
}

fn legacy(text: &str, encoding: &'static encoding_rs::Encoding) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "{text} fits {}", encoding.name());
    bytes.into_owned()
}

fn names(w: &World) -> Vec<String> {
    let page = customers::list(&w.store, &w.clock, &w.admin, &CustomerQuery::default()).unwrap();
    let mut names: Vec<String> = page.rows.into_iter().map(|r| r.company_name).collect();
    names.sort();
    names
}

fn import(w: &World, file: ImportFile) -> ImportReport {
    let never = AtomicBool::new(false);
    let import = CustomerImport {
        file,
        record_relationship: false,
    };
    customers::apply_import(
        &w.store,
        &w.clock,
        &w.admin,
        &import,
        ImportMode::AllOrNothing,
        &|_, _| {},
        &never,
    )
    .unwrap()
    .0
}

#[test]
fn each_encoding_reaches_the_customer_import_and_the_preview_says_how_it_was_read() {
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend(POLISH.as_bytes());
    let cases = [
        (
            ImportFile::new(POLISH.as_bytes()),
            FileEncoding::Utf8,
            EncodingSource::Valid,
        ),
        (
            ImportFile::new(bom),
            FileEncoding::Utf8,
            EncodingSource::Mark,
        ),
        (
            ImportFile::new(utf16(POLISH, true)),
            FileEncoding::Utf16Le,
            EncodingSource::Mark,
        ),
        (
            ImportFile::new(utf16(POLISH, false)),
            FileEncoding::Utf16Be,
            EncodingSource::Mark,
        ),
        (
            ImportFile::new(legacy(POLISH, encoding_rs::WINDOWS_1250)),
            FileEncoding::Windows1250,
            EncodingSource::Guessed,
        ),
        (
            ImportFile::new(legacy(POLISH, encoding_rs::ISO_8859_2))
                .with_encoding(FileEncoding::Iso8859_2),
            FileEncoding::Iso8859_2,
            EncodingSource::Chosen,
        ),
    ];
    for (file, encoding, source) in cases {
        let w = world();
        let preview = customers::preview_import(&w.store, &w.clock, &w.admin, &file).unwrap();
        assert_eq!(
            (preview.rows, preview.valid),
            (2, 2),
            "{encoding:?}: {:?}",
            preview.problems
        );
        let reading = preview.file.expect("a file says how it was read");
        assert_eq!(
            reading.encoding,
            Some(ReadEncoding { encoding, source }),
            "{encoding:?}"
        );
        assert_eq!(
            (reading.delimiter, reading.delimiter_source),
            (Delimiter::Semicolon, DelimiterSource::Detected)
        );
        let report = import(&w, file);
        assert_eq!(report.imported, 2, "{encoding:?}: {:?}", report.problems);
        assert_eq!(
            report.file,
            Some(reading),
            "the import reads the file as the preview did"
        );
        assert_eq!(
            names(&w),
            ["Zażółć Sp. z o.o.", "Źdźbło S.A."],
            "{encoding:?}"
        );
    }
}

#[test]
fn the_preview_names_the_columns_it_reads_and_lists_those_it_ignores() {
    let w = world();
    let preview = customers::preview_import(&w.store, &w.clock, &w.admin, &POLISH.into()).unwrap();
    let reading = preview.file.unwrap();
    let columns: Vec<(&str, &str)> = reading
        .columns
        .iter()
        .map(|c| (c.header.as_str(), c.field.as_str()))
        .collect();
    assert_eq!(
        columns,
        [
            ("Nazwa firmy", "company_name"),
            ("Domena", "default_domain"),
            ("Miasto", "city")
        ]
    );
    assert_eq!(reading.unknown, ["Opiekun"]);
}

#[test]
fn a_chosen_delimiter_overrides_the_one_found_and_the_sep_line() {
    let w = world();
    // Comma chosen for a semicolon file: one column, so the header lacks the required ones.
    let comma = ImportFile::from(POLISH).with_delimiter(Delimiter::Comma);
    let refused = customers::preview_import(&w.store, &w.clock, &w.admin, &comma).unwrap_err();
    assert_eq!(refused.field(), Some("file"));
    assert!(
        refused
            .to_string()
            .starts_with("the header row has no 'company_name', 'default_domain' column"),
        "{refused}"
    );
    let semicolon = ImportFile::from(POLISH).with_delimiter(Delimiter::Semicolon);
    let preview = customers::preview_import(&w.store, &w.clock, &w.admin, &semicolon).unwrap();
    assert_eq!(preview.valid, 2);
    assert_eq!(
        preview.file.unwrap().delimiter_source,
        DelimiterSource::Chosen
    );

    // Excel's `sep=` line states the delimiter; a choice still wins.
    let stated = "sep=,\r\nNazwa firmy,Domena\r\nAlfa; Beta,alfa\r\n";
    let preview = customers::preview_import(&w.store, &w.clock, &w.admin, &stated.into()).unwrap();
    let reading = preview.file.unwrap();
    assert_eq!(
        (reading.delimiter, reading.delimiter_source),
        (Delimiter::Comma, DelimiterSource::Stated)
    );
    let tab = "Nazwa firmy\tDomena\r\nAlfa, Beta\talfa\r\n";
    let chosen = ImportFile::from(tab).with_delimiter(Delimiter::Tab);
    let report = import(&w, chosen);
    assert_eq!(report.imported, 1, "{:?}", report.problems);
    assert_eq!(names(&w), ["Alfa, Beta"]);
}

#[test]
fn a_chosen_encoding_the_bytes_are_not_valid_in_is_refused_naming_the_line() {
    let w = world();
    let customer = w.customer("Alfa", "alfa", &[]);
    // Windows-1250 bytes: line 1 is ASCII, line 2 has the first Polish letter.
    let bytes = legacy(POLISH, encoding_rs::WINDOWS_1250);
    let utf8 = ImportFile::new(bytes.clone()).with_encoding(FileEncoding::Utf8);
    let refusals = [
        customers::preview_import(&w.store, &w.clock, &w.admin, &utf8).unwrap_err(),
        import_refusal(&w, utf8.clone()),
        crate::customer_users::preview_import(&w.store, &w.clock, &w.admin, &customer, &utf8)
            .unwrap_err(),
        crate::product_keys::preview_import(
            &w.store,
            &w.clock,
            &w.admin,
            &crate::product_keys::KeyImport {
                file: Some(utf8.clone()),
                ..Default::default()
            },
        )
        .unwrap_err(),
    ];
    for error in refusals {
        assert_eq!(error.field(), Some("encoding"));
        assert_eq!(
            error.text(),
            text!(
                "line 2 is not valid UTF-8: choose the encoding the file was saved in",
                "wiersz 2 nie jest poprawnym tekstem UTF-8: wybierz kodowanie, w którym zapisano plik"
            )
        );
    }
    assert_eq!(names(&w), ["Alfa"], "nothing was written");
}

fn import_refusal(w: &World, file: ImportFile) -> Error {
    let never = AtomicBool::new(false);
    customers::apply_import(
        &w.store,
        &w.clock,
        &w.admin,
        &CustomerImport {
            file,
            record_relationship: false,
        },
        ImportMode::ValidRows,
        &|_, _| {},
        &never,
    )
    .unwrap_err()
}

#[test]
fn a_customers_users_and_product_keys_arrive_as_bytes_too() {
    let w = world();
    let (customer, _) = w.active_customer("Żółć Sp. z o.o.", "zolc", &["zolc.pl"]);
    let users = "Nazwa wyświetlana;Nazwa użytkownika;Stanowisko;Dział\r\n\
Ewa Zięba;ewa@zolc.pl;Księgowa;Finanse\r\n";
    let file = ImportFile::new(legacy(users, encoding_rs::WINDOWS_1250));
    let preview =
        crate::customer_users::preview_import(&w.store, &w.clock, &w.admin, &customer, &file)
            .unwrap();
    assert_eq!(
        (preview.rows, preview.valid),
        (1, 1),
        "{:?}",
        preview.problems
    );
    let reading = preview.file.unwrap();
    assert_eq!(
        reading.encoding.map(|e| (e.encoding, e.source)),
        Some((FileEncoding::Windows1250, EncodingSource::Guessed))
    );
    assert_eq!(reading.unknown, ["Dział"]);
    let never = AtomicBool::new(false);
    let (report, _) = crate::customer_users::apply_import(
        &w.store,
        &w.clock,
        &w.admin,
        &customer,
        &file,
        ImportMode::AllOrNothing,
        &|_, _| {},
        &never,
    )
    .unwrap();
    assert_eq!(report.imported, 1);

    // Keys: Excel's "Unicode text" (UTF-16 LE, tabs).
    let service = w.service("Microsoft 365 Business Basic").id;
    let keys = format!(
        "Key\tService\tQuantity\tTerm\r\nHHHHH-HHHHH-HHHHH-HHHHH-HHHHH\t{service}\t3\tP1Y\r\n"
    );
    let import = crate::product_keys::KeyImport {
        file: Some(ImportFile::new(utf16(&keys, true))),
        ..Default::default()
    };
    let preview =
        crate::product_keys::preview_import(&w.store, &w.clock, &w.admin, &import).unwrap();
    assert_eq!(
        (preview.rows, preview.valid),
        (1, 1),
        "{:?}",
        preview.problems
    );
    let reading = preview.file.unwrap();
    assert_eq!(
        (reading.encoding.unwrap().encoding, reading.delimiter),
        (FileEncoding::Utf16Le, Delimiter::Tab)
    );
    // Pasted keys stay text: no encoding to tell.
    let pasted = crate::product_keys::KeyImport {
        text: "HHHHH-HHHHH-HHHHH-HHHHH-HHHHH\n".into(),
        service_id: Some(service),
        quantity: Some(1),
        term: Some("P1M".into()),
        ..Default::default()
    };
    let preview =
        crate::product_keys::preview_import(&w.store, &w.clock, &w.admin, &pasted).unwrap();
    assert_eq!((preview.valid, preview.file), (1, None));
}

#[test]
fn the_bytes_cross_ipc_as_base64_and_the_choices_by_name() {
    let json =
        r#"{"bytes":"WmHFvMOzxYLEhztkCg==","encoding":"windows1250","delimiter":"semicolon"}"#;
    let file: ImportFile = serde_json::from_str(json).unwrap();
    assert_eq!(file.bytes, "Zażółć;d\n".as_bytes());
    assert_eq!(
        (file.encoding, file.delimiter),
        (Some(FileEncoding::Windows1250), Some(Delimiter::Semicolon))
    );
    let bare: ImportFile = serde_json::from_str(r#"{"bytes":""}"#).unwrap();
    assert_eq!(bare, ImportFile::default());
    assert!(serde_json::from_str::<ImportFile>(r#"{"bytes":"not base64!"}"#).is_err());
}
