//! Case folders and the documents filed in them, with real small files:
//! a valid PDF, plain text, and a valid DOCX.

use std::io::Write;

use chrono::Duration;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use crate::names::pick;
use crate::people::stamps;
use crate::schedule::CaseInfo;
use crate::{DemoParams, Resource, Sink};

/// Each case's folder tree: (name, parent index in this list).
const TREE: &[(&str, Option<usize>)] = &[
    ("Pleadings", None),
    ("Motions", Some(0)),
    ("Discovery", None),
    ("Depositions", Some(2)),
    ("Correspondence", None),
];

const DOCS: &[(&str, usize, &str)] = &[
    ("Complaint", 0, "pdf"),
    ("Answer and Affirmative Defenses", 0, "pdf"),
    ("Motion to Dismiss", 1, "pdf"),
    ("Memorandum of Law in Support", 1, "docx"),
    ("First Set of Interrogatories", 2, "docx"),
    ("Document Production Index", 2, "txt"),
    ("Deposition Transcript Summary", 3, "txt"),
    ("Engagement Letter", 4, "docx"),
    ("Letter to Opposing Counsel", 4, "docx"),
    ("Settlement Demand", 4, "pdf"),
];

pub fn generate<S: Sink>(
    params: &DemoParams,
    cases: &[CaseInfo],
    rng: &mut ChaCha8Rng,
    sink: &mut S,
) -> Result<(), S::Error> {
    // Folders: the full tree for every case that will hold documents.
    let cases_with_docs = cases.len().min(params.documents.max(1));
    let mut folder_ids = Vec::with_capacity(cases_with_docs);
    let mut next_folder = 200_000i64;
    for case in &cases[..cases_with_docs] {
        let mut ids: Vec<i64> = Vec::with_capacity(TREE.len());
        for (name, parent) in TREE {
            let id = next_folder;
            next_folder += 1;
            let (created_at, updated_at) = stamps(params, rng, 600);
            let mut folder = json!({ "id": id, "name": name, "case": {"id": case.id}, "created_at": created_at, "updated_at": updated_at });
            if let Some(p) = parent {
                folder["parent"] = json!({"id": ids[*p]});
            }
            sink.record(Resource::Folder, folder)?;
            ids.push(id);
        }
        folder_ids.push(ids);
    }
    for i in 0..params.documents {
        let id = 300_000 + i as i64;
        let c = i % cases_with_docs.max(1);
        let Some(case) = cases.get(c) else { break };
        let (title, folder, ext) = DOCS[(i / cases_with_docs.max(1) + c) % DOCS.len()];
        let round = i / (cases_with_docs.max(1) * DOCS.len());
        let title = if round > 0 {
            format!("{title} ({})", round + 1)
        } else {
            title.to_owned()
        };
        let filename = format!("{title}.{ext}");
        let path = match TREE[folder].1 {
            Some(parent) => format!("{}/{}", TREE[parent].0, TREE[folder].0),
            None => TREE[folder].0.to_owned(),
        };
        let (created_at, updated_at) = stamps(params, rng, 500);
        let assigned = (params.now - Duration::days(rng.gen_range(1..400))).date_naive();
        let body = format!(
            "{title}\n\nCase {}. Prepared by counsel of record. {}\n",
            case.id,
            pick(rng, &[
                "Plaintiff respectfully requests that the Court grant the relief sought herein.",
                "This document is privileged and confidential attorney work product.",
                "Please review and return any comments by the end of the week.",
            ])
        );
        let content = match ext {
            "pdf" => pdf(&body),
            "docx" => docx(&body),
            _ => body.clone().into_bytes(),
        };
        let record = json!({
            "id": id, "name": title, "filename": filename, "path": path,
            "description": format!("{title} for case {}", case.id),
            "assigned_date": assigned.to_string(),
            "case": {"id": case.id}, "folder": {"id": folder_ids[c][folder]},
            "created_at": created_at, "updated_at": updated_at
        });
        sink.document(record, content)?;
    }
    Ok(())
}

/// A minimal valid one-page PDF showing `text` (first line), with a correct xref table.
pub fn pdf(text: &str) -> Vec<u8> {
    let line: String = text
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii() && !matches!(c, '(' | ')' | '\\'))
        .collect();
    let stream = format!("BT /F1 14 Tf 72 720 Td ({line}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A minimal valid DOCX (Office Open XML) holding `text`, one paragraph per line.
pub fn docx(text: &str) -> Vec<u8> {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let paragraphs: String = text
        .lines()
        .map(|l| {
            format!(
                "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
                escape(l)
            )
        })
        .collect();
    let files: [(&str, String); 3] = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_owned()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_owned()),
        ("word/document.xml", format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{paragraphs}</w:body></w:document>"#)),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // A fixed timestamp keeps the bytes identical for the same seed.
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, body) in files {
        // Writing to memory cannot fail.
        let _ = zip.start_file(name, options);
        let _ = zip.write_all(body.as_bytes());
    }
    zip.finish().map(|c| c.into_inner()).unwrap_or_default()
}
