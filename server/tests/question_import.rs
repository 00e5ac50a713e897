//! Importing and exporting questions through the real upload and download endpoints, on
//! SQLite and PostgreSQL: Moodle's own fixtures, 10,000 rows, duplicates, hostile files and
//! an export that imports back without loss.

mod common;

use app::question_bank::model::{
    BankView, ImportItemStatus, ImportOutcome, QuestionImportPreview, QuestionPage,
};
use common::{Backend, Client, World};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../shared/fixtures/moodle/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

async fn organizer(w: &World) -> (Client, String) {
    let mut admin = w.admin().await;
    let east = w.unit(&mut admin, "EAST", "东区", "3301").await;
    let mut org = w
        .person(&mut admin, "org.east", &east, &["role_organizer"], "")
        .await;
    let _: () = org
        .call("banks/create", &[("name", "导入题库")])
        .await
        .unwrap();
    let banks: Vec<BankView> = org.call("banks/list", &[]).await.unwrap();
    let bank = banks[0].id.to_string();
    (org, bank)
}

/// Uploads a file; returns where the server redirected (the preview, or back with an error).
async fn upload(c: &mut Client, bank: &str, name: &str, bytes: Vec<u8>) -> String {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    let res = c
        .http
        .post(format!(
            "http://{}/organize/banks/{bank}/import/upload",
            c.addr
        ))
        .header(
            "cookie",
            format!("examhall_session={}", c.session.clone().unwrap()),
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "status {}", res.status());
    res.headers()["location"].to_str().unwrap().to_owned()
}

fn import_id(location: &str) -> String {
    let id = location
        .strip_prefix("/organize/question-imports/")
        .unwrap_or_else(|| panic!("not a preview: {location}"));
    id.to_owned()
}

async fn total(c: &mut Client, bank: &str) -> u64 {
    let page: QuestionPage = c
        .call(
            "questions/search",
            &[
                ("query[bank_id]", bank),
                ("query[text]", ""),
                ("query[category]", ""),
                ("query[qtype]", ""),
                ("query[difficulty]", ""),
                ("query[tag]", ""),
                ("query[status]", ""),
                ("query[sort]", ""),
                ("query[page]", "1"),
            ],
        )
        .await
        .unwrap();
    page.total
}

both_backends!(
    moodle_gift_and_xml_fixtures_import_with_unsupported_types_skipped_per_question,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let (mut org, bank) = organizer(&w).await;
        let mut imported = 0;
        let mut first_gift = 0;
        for name in [
            "questions.gift.txt",
            "questions_in_category.gift.txt",
            "nested_categories_with_questions.xml",
        ] {
            let loc = upload(&mut org, &bank, name, fixture(name)).await;
            let id = import_id(&loc);
            let p: QuestionImportPreview = org
                .call("question-imports/get", &[("id", &id)])
                .await
                .unwrap();
            assert!(p.new_count > 0, "{name}: {p:?}");
            let skipped: Vec<_> = p
                .items
                .iter()
                .filter(|i| i.status == ImportItemStatus::Skipped)
                .collect();
            assert_eq!(skipped.len() as u32, p.skipped_count);
            assert!(
                skipped.iter().all(|i| !i.problems.is_empty()),
                "every skip has a reason: {skipped:?}"
            );
            if name == "questions.gift.txt" {
                first_gift = p.new_count;
                assert!(
                    p.skipped_count >= 3,
                    "essay, matching and numeric are skipped: {p:?}"
                );
            }
            let out: ImportOutcome = org
                .call(
                    "question-imports/commit",
                    &[("id", &id), ("duplicates", "skip")],
                )
                .await
                .unwrap();
            assert_eq!(out.created, p.new_count);
            imported += p.new_count as u64;
            let again: Result<ImportOutcome, _> = org
                .call(
                    "question-imports/commit",
                    &[("id", &id), ("duplicates", "skip")],
                )
                .await;
            assert!(again.is_err(), "an import commits once");
        }
        assert_eq!(total(&mut org, &bank).await, imported);

        // The same file again: every question is a duplicate; overwrite replaces them.
        let loc = upload(
            &mut org,
            &bank,
            "questions.gift.txt",
            fixture("questions.gift.txt"),
        )
        .await;
        let id = import_id(&loc);
        let p: QuestionImportPreview = org
            .call("question-imports/get", &[("id", &id)])
            .await
            .unwrap();
        assert_eq!(p.new_count, 0);
        assert!(p.duplicate_count > 0);
        let out: ImportOutcome = org
            .call(
                "question-imports/commit",
                &[("id", &id), ("duplicates", "overwrite")],
            )
            .await
            .unwrap();
        // Repeats inside the file count as duplicates too, but each stored question is
        // overwritten once.
        assert_eq!(out.overwritten, first_gift);
        assert_eq!(total(&mut org, &bank).await, imported);
        w.finish().await;
    }
);

both_backends!(
    ten_thousand_spreadsheet_rows_import_in_one_commit_and_bad_rows_are_listed,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let (mut org, bank) = organizer(&w).await;
        let mut csv = String::from("题型,题干,选项A,选项B,选项C,答案,分类,难度,分值\n");
        for i in 0..10_000 {
            csv.push_str(&format!("单选,第{i}题：党的最高领导机关是？,全国代表大会,中央委员会,政治局,A,党章党规/组织,3,1\n"));
        }
        csv.push_str("单选,坏行：答案不在选项中,甲,乙,,E,党章党规,3,1\n");
        csv.push_str("未知题型,坏行,甲,乙,,A,党章党规,3,1\n");
        let loc = upload(&mut org, &bank, "big.csv", csv.into_bytes()).await;
        let id = import_id(&loc);
        let p: QuestionImportPreview = org
            .call("question-imports/get", &[("id", &id)])
            .await
            .unwrap();
        assert_eq!(p.new_count, 10_000);
        assert_eq!(
            p.invalid_count,
            2,
            "{:?}",
            p.items
                .iter()
                .filter(|i| i.status == ImportItemStatus::Invalid)
                .collect::<Vec<_>>()
        );
        let bad: Vec<_> = p
            .items
            .iter()
            .filter(|i| i.status == ImportItemStatus::Invalid)
            .collect();
        assert_eq!(
            bad[0].locator,
            app::question_bank::model::ItemLocator::Row(10_002)
        );
        assert!(!bad[0].problems.is_empty());
        let out: ImportOutcome = org
            .call(
                "question-imports/commit",
                &[("id", &id), ("duplicates", "skip")],
            )
            .await
            .unwrap();
        assert_eq!(out.created, 10_000);
        assert_eq!(total(&mut org, &bank).await, 10_000);
        w.finish().await;
    }
);

both_backends!(
    an_exported_bank_imports_back_into_an_empty_bank_without_loss,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let (mut org, bank) = organizer(&w).await;
        let loc = upload(&mut org, &bank, "q.gift", fixture("questions.gift.txt")).await;
        let id = import_id(&loc);
        let _: ImportOutcome = org
            .call(
                "question-imports/commit",
                &[("id", &id), ("duplicates", "skip")],
            )
            .await
            .unwrap();
        let n = total(&mut org, &bank).await;
        for (ext, bank_name) in [("xlsx", "Excel 副本"), ("xml", "XML 副本")] {
            let res = org
                .get(&format!("/organize/banks/{bank}/export.{ext}"))
                .await;
            assert!(res.status().is_success(), "export {ext}: {}", res.status());
            let bytes = res.bytes().await.unwrap().to_vec();
            let _: () = org
                .call("banks/create", &[("name", bank_name)])
                .await
                .unwrap();
            let banks: Vec<BankView> = org.call("banks/list", &[]).await.unwrap();
            let copy = banks
                .iter()
                .find(|b| b.name == bank_name)
                .unwrap()
                .id
                .to_string();
            let loc = upload(&mut org, &copy, &format!("export.{ext}"), bytes).await;
            let id = import_id(&loc);
            let p: QuestionImportPreview = org
                .call("question-imports/get", &[("id", &id)])
                .await
                .unwrap();
            assert_eq!(
                (p.new_count as u64, p.invalid_count, p.skipped_count),
                (n, 0, 0),
                "{ext}: {p:?}"
            );
        }
        w.finish().await;
    }
);

both_backends!(
    hostile_files_are_refused_with_a_clear_error_and_store_nothing,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let (mut org, bank) = organizer(&w).await;
        let billion_laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<quiz><question type="truefalse"><questiontext><text>&lol3;</text></questiontext></question></quiz>"#;
        for (name, bytes) in [
            ("empty.csv", Vec::new()),
            ("garbage.xlsx", b"PK\x03\x04 truncated".to_vec()),
            ("garbage.xml", b"\x00\x01\x02 not xml".to_vec()),
            ("laughs.xml", billion_laughs.as_bytes().to_vec()),
        ] {
            let loc = upload(&mut org, &bank, name, bytes).await;
            if let Some(id) = loc.strip_prefix("/organize/question-imports/") {
                // A file that parses into per-question errors still imports nothing good.
                let p: QuestionImportPreview = org
                    .call("question-imports/get", &[("id", id)])
                    .await
                    .unwrap();
                assert_eq!(p.new_count, 0, "{name}: {p:?}");
            } else {
                assert!(
                    loc.contains("error="),
                    "{name} goes back with an error: {loc}"
                );
            }
        }
        assert_eq!(total(&mut org, &bank).await, 0);
        w.finish().await;
    }
);
