//! The layering table of ARCHITECTURE.md, checked against the code: every `crate::` path in
//! non-test code under `src/` must name a module its layer may use. A new dependency that
//! breaks the table fails here with the file and line.

use std::collections::BTreeMap;
use std::path::Path;

/// The table rows (`| layer | what | may use |`) of the "## Layers" section of ARCHITECTURE.md.
fn table_rows(text: &str) -> Vec<String> {
    let start = text
        .find("## Layers")
        .expect("ARCHITECTURE.md has a `## Layers` section");
    text[start..]
        .lines()
        .skip_while(|l| !l.starts_with("| layer"))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(str::to_owned)
        .collect()
}

/// Each layer and the modules it may use, from the rows (`everything below` = every later row).
fn parse_table(rows: &[String]) -> BTreeMap<String, Vec<String>> {
    let names = |cell: &str| -> Vec<String> {
        cell.split(',')
            .map(|n| n.trim().trim_matches('`').to_owned())
            .filter(|n| !n.is_empty())
            .collect()
    };
    let cells: Vec<Vec<&str>> = rows.iter().map(|r| r.split('|').map(str::trim).collect()).collect();
    let mut table = BTreeMap::new();
    for (i, c) in cells.iter().enumerate() {
        let layer = c[1].trim_matches('`').to_owned();
        let uses = match c[3] {
            "everything below" => cells[i + 1..]
                .iter()
                .map(|c| c[1].trim_matches('`').to_owned())
                .collect(),
            "nothing of ours" => Vec::new(),
            other => names(other),
        };
        table.insert(layer, uses);
    }
    table
}

fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn the_table() -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    parse_table(&table_rows(&text))
}

/// The `crate::x` modules named on one line of code (comments and strings ignored roughly:
/// a line that starts a comment is skipped).
fn named_modules(line: &str) -> Vec<String> {
    let code = line.trim_start();
    if code.starts_with("//") {
        return Vec::new();
    }
    let code = code.split(" //").next().unwrap_or(code);
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            // `use crate::{a, b}`: every name in the braces.
            if let Some(inner) = after.strip_prefix('{') {
                let inner = inner.split('}').next().unwrap_or("");
                for part in inner.split(',') {
                    let n: String = part
                        .trim()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !n.is_empty() {
                        out.push(n);
                    }
                }
            }
        } else {
            out.push(name);
        }
        rest = after;
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Every (file, line number, from-module, to-module) that the table does not allow.
fn violations(src: &Path, table: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut bad = Vec::new();
    for file in files {
        let rel = file.strip_prefix(src).unwrap().to_string_lossy().replace('\\', "/");
        let module = rel.split('/').next().unwrap().trim_end_matches(".rs").to_owned();
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(allowed) = table.get(module.as_str()) else {
            bad.push(format!("{rel}: module `{module}` is not in the layering table"));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            // Unit tests at the end of a file may use anything (fixtures, the seed).
            if line.trim_start().starts_with("#[cfg(test)]") {
                break;
            }
            for to in named_modules(line) {
                if to != module && table.contains_key(to.as_str()) && !allowed.contains(&to) {
                    bad.push(format!(
                        "{rel}:{}: `{module}` uses `crate::{to}`: {}",
                        n + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    bad
}

#[test]
fn every_crate_path_follows_the_layering_table() {
    let table = the_table();
    assert!(table.len() >= 10, "the layering table was not found: {table:?}");
    let bad = violations(&root().join("src"), &table);
    assert!(
        bad.is_empty(),
        "dependencies that break the layering table:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_checker_sees_a_broken_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sources")).unwrap();
    std::fs::write(
        dir.path().join("sources/x.rs"),
        "// crate::service in a comment is fine\nuse crate::{domain, settings::PullSettings};\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("domain.rs"), "use crate::graph::CatalogGraph;\n").unwrap();
    let bad = violations(dir.path(), &the_table());
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert!(
        bad.iter()
            .any(|b| b.starts_with("sources/x.rs:2:") && b.contains("crate::settings"))
    );
    assert!(bad.iter().any(|b| b.starts_with("domain.rs:1:")));
}

#[test]
fn readme_and_lib_show_the_same_table() {
    let arch = table_rows(&std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap());
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    for row in &arch {
        assert!(readme.contains(row.as_str()), "README.md lacks the layering row {row}");
        assert!(
            lib.contains(&format!("//! {row}")),
            "src/lib.rs lacks the layering row {row}"
        );
    }
    let mods: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';'))
        .collect();
    let table = parse_table(&arch);
    for m in mods {
        assert!(
            table.contains_key(m),
            "module `{m}` of src/lib.rs is not in the layering table"
        );
    }
}
