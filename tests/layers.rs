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

/// `text` with comments, and the contents of string and character literals, blanked out
/// (newlines kept, so byte offsets and line numbers stay those of the file).
fn code_only(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    while i < c.len() {
        let ch = c[i];
        let next = c.get(i + 1).copied();
        if ch == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                blank(&mut out, c[i]);
                i += 1;
            }
        } else if ch == '/' && next == Some('*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if (ch == 'r' || (ch == 'b' && next == Some('r'))) && (i == 0 || !ident(c[i - 1])) && {
            let j = i + if ch == 'b' { 2 } else { 1 };
            let hashes = c[j..].iter().take_while(|&&h| h == '#').count();
            c.get(j + hashes) == Some(&'"')
        } {
            // A raw string: r"..", r#".."#, br"..".
            let j = i + if ch == 'b' { 2 } else { 1 };
            let hashes = c[j..].iter().take_while(|&&h| h == '#').count();
            let body = j + hashes + 1;
            out.extend(std::iter::repeat_n(' ', body - i));
            i = body;
            while i < c.len() {
                if c[i] == '"' && c[i + 1..].iter().take(hashes).filter(|&&h| h == '#').count() == hashes {
                    out.extend(std::iter::repeat_n(' ', hashes + 1));
                    i += hashes + 1;
                    break;
                }
                blank(&mut out, c[i]);
                i += 1;
            }
        } else if ch == '"' {
            out.push(' ');
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    blank(&mut out, c[i]);
                    i += 1;
                }
                if i < c.len() {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if ch == '\'' && (next == Some('\\') || c.get(i + 2) == Some(&'\'')) {
            // A character literal ('x', '\n', '\u{7b}'); a lifetime ('a) has no closing quote.
            out.push(' ');
            i += 1;
            if c.get(i) == Some(&'\\') {
                out.push(' ');
                i += 1;
            }
            while i < c.len() && c[i] != '\'' {
                out.push(' ');
                i += 1;
            }
            out.push(' ');
            i += 1;
        } else {
            out.push(ch);
            i += 1;
        }
    }
    out
}

/// `code` (see [`code_only`]) with every `#[cfg(test)]` item blanked: the attribute and the item
/// after it, up to the `}` that closes its first brace, or to its `;` when it has no body.
fn without_test_items(code: &str) -> String {
    let mut out: Vec<char> = code.chars().collect();
    let pattern: Vec<char> = "#[cfg(test)]".chars().collect();
    let mut i = 0;
    while i + pattern.len() <= out.len() {
        if out[i..i + pattern.len()] != pattern[..] {
            i += 1;
            continue;
        }
        let mut j = i + pattern.len();
        let mut depth = 0usize;
        let mut opened = false;
        while j < out.len() {
            match out[j] {
                '{' => {
                    depth += 1;
                    opened = true;
                }
                '}' => {
                    depth = depth.saturating_sub(1);
                    if opened && depth == 0 {
                        break;
                    }
                }
                ';' if !opened => break,
                _ => {}
            }
            j += 1;
        }
        for ch in &mut out[i..(j + 1).min(code.chars().count())] {
            if *ch != '\n' {
                *ch = ' ';
            }
        }
        i = j + 1;
    }
    out.into_iter().collect()
}

/// The paths a `crate::`/`super::` path names, segment by segment: `crate::a::{b, c::d}` is
/// `[a, b]` and `[a, c, d]`. `text` starts right after the `crate::`.
fn path_tree(text: &str, prefix: Vec<String>, out: &mut Vec<Vec<String>>) -> usize {
    let chars: Vec<char> = text.chars().collect();
    let mut segs = prefix;
    let mut i = 0;
    loop {
        while chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        if chars.get(i) == Some(&'{') {
            // A group: each comma-separated entry is a path under `segs`.
            i += 1;
            loop {
                while chars.get(i).is_some_and(|c| c.is_whitespace() || *c == ',') {
                    i += 1;
                }
                match chars.get(i) {
                    None => return i,
                    Some('}') => return i + 1,
                    _ => {
                        let rest: String = chars[i..].iter().collect();
                        let used = path_tree(&rest, segs.clone(), out);
                        i += used.max(1);
                    }
                }
            }
        }
        let name: String = chars[i..]
            .iter()
            .take_while(|c| c.is_alphanumeric() || **c == '_')
            .collect();
        if name.is_empty() {
            out.push(segs);
            return i;
        }
        i += name.chars().count();
        if name != "self" {
            segs.push(name);
        }
        let after: String = chars[i..].iter().take(2).collect();
        if after == "::" {
            i += 2;
        } else {
            out.push(segs);
            return i;
        }
    }
}

/// The module path of a file under `src/`: `graph/algo.rs` and `graph/algo/mod.rs` are
/// `[graph, algo]`.
fn module_path(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel.trim_end_matches(".rs").split('/').map(str::to_owned).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The layer of a module path: the longest prefix that is a row of the table
/// (`graph::algo::x` is in `graph::algo`, `graph::x` in `graph`).
fn layer_of(path: &[String], table: &BTreeMap<String, Vec<String>>) -> Option<String> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].join("::"))
        .find(|p| table.contains_key(p))
}

/// Every module path of ours named in `code` (comments and strings blanked), with the byte
/// offset where it is named: `crate::` paths, and `super::` paths resolved from `module`.
fn named_paths(code: &str, module: &[String]) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    for key in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(k) = code[from..].find(key) {
            let at = from + k;
            from = at + key.len();
            if code[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            {
                continue;
            }
            let mut base: Vec<String> = Vec::new();
            let mut rest = &code[at + key.len()..];
            if key == "super::" {
                // `super::super::x`: one level up per `super`.
                let mut up = 1;
                while let Some(r) = rest.strip_prefix("super::") {
                    up += 1;
                    rest = r;
                }
                base = module[..module.len().saturating_sub(up)].to_vec();
            }
            let mut paths = Vec::new();
            path_tree(rest, base, &mut paths);
            out.extend(paths.into_iter().map(|p| (at, p)));
        }
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

/// Whether layer `from` may use layer `to`: its own layer, its own sub-layers
/// (`graph` may use `graph::algo`), or a layer of its row.
fn may_use(from: &str, to: &str, table: &BTreeMap<String, Vec<String>>) -> bool {
    to == from || to.strip_prefix(from).is_some_and(|r| r.starts_with("::")) || table[from].iter().any(|a| a == to)
}

/// Every (file, line number, from-layer, to-layer) that the table does not allow. Test items
/// (`#[cfg(test)]` and the item after it) may use anything and are skipped.
fn violations(src: &Path, table: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut bad = Vec::new();
    for file in files {
        let rel = file.strip_prefix(src).unwrap().to_string_lossy().replace('\\', "/");
        if rel == "lib.rs" || rel == "main.rs" {
            continue;
        }
        let module = module_path(&rel);
        let Some(layer) = layer_of(&module, table) else {
            bad.push(format!("{rel}: module `{}` is not in the layering table", module[0]));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        let code = without_test_items(&code_only(&text));
        let lines: Vec<&str> = text.lines().collect();
        for (at, path) in named_paths(&code, &module) {
            let Some(to) = layer_of(&path, table) else {
                continue;
            };
            if !may_use(&layer, &to, table) {
                let n = code[..at].matches('\n').count();
                bad.push(format!(
                    "{rel}:{}: `{layer}` uses `crate::{to}`: {}",
                    n + 1,
                    lines.get(n).map_or("", |l| l.trim())
                ));
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

/// Test items are skipped wherever they sit, and only they: code after a test module counts,
/// braces in strings, characters and comments do not end an item early.
#[test]
fn the_checker_skips_test_items_only() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sources")).unwrap();
    std::fs::write(
        dir.path().join("sources/y.rs"),
        concat!(
            "#[cfg(test)]\n",
            "fn helper() { let s = \"}\"; let c = '{'; let _ = crate::service::x(); }\n",
            "pub fn after<'a>(x: &'a str) -> crate::service::Catalog { todo!() }\n",
            "#[cfg(test)]\n",
            "mod tests {\n",
            "    use crate::service::Catalog; /* } */ // }\n",
            "    const R: &str = r#\"}\"#;\n",
            "}\n",
            "const X: &str = r#\"crate::service\"#;\n",
            "#[cfg(test)]\n",
            "use crate::service::Catalog;\n",
            "/// A doc naming [`crate::service`] is not a use.\n",
            "pub fn last() -> crate::pulls::Job { todo!() }\n",
        ),
    )
    .unwrap();
    let bad = violations(dir.path(), &the_table());
    assert_eq!(bad.len(), 2, "{bad:#?}");
    assert!(
        bad[0].starts_with("sources/y.rs:3:") && bad[0].contains("crate::service"),
        "{bad:?}"
    );
    assert!(
        bad[1].starts_with("sources/y.rs:13:") && bad[1].contains("crate::pulls"),
        "{bad:?}"
    );
}

/// A sub-module with a row of its own (`graph::algo`) is its own layer: its files belong to
/// it, a path into it is a use of it (the longest row that prefixes the path wins), and
/// `super::` paths count as what they name.
#[test]
fn sub_module_layers_are_their_own() {
    let table = the_table();
    for layer in ["app", "graph::algo"] {
        assert!(table.contains_key(layer), "the table has a `{layer}` row: {table:?}");
    }
    let dir = tempfile::tempdir().unwrap();
    for d in ["graph/algo", "domain", "sources", "app"] {
        std::fs::create_dir_all(dir.path().join(d)).unwrap();
    }
    let files = [
        // graph::algo uses nothing of ours.
        (
            "graph/algo/mod.rs",
            "use crate::graph::CatalogGraph;\nuse super::Item;\npub mod scc;\n",
        ),
        (
            "graph/algo/scc.rs",
            "use super::super::algo::Ids;\nuse crate::domain::Bundle;\n",
        ),
        // graph may use its own sub-layer.
        (
            "graph/mod.rs",
            "pub mod algo;\nuse crate::graph::algo::scc;\nuse self::algo::Ids;\n",
        ),
        // domain and sources may use graph::algo, but not graph.
        (
            "domain/mod.rs",
            "use crate::graph::algo::scc::tarjan;\nuse crate::graph::{algo, CatalogGraph};\n",
        ),
        (
            "sources/z.rs",
            "use crate::{domain::Bundle, graph::algo::{scc::tarjan, Ids}};\n",
        ),
        // app is a layer: it may not use api.
        (
            "app/mod.rs",
            "use crate::service::Catalog;\nuse crate::api::error::ApiError;\n",
        ),
    ];
    for (path, text) in files {
        std::fs::write(dir.path().join(path), text).unwrap();
    }
    let bad = violations(dir.path(), &table);
    let expected = [
        ("app/mod.rs:2:", "`app` uses `crate::api`"),
        ("domain/mod.rs:2:", "`domain` uses `crate::graph`"),
        ("graph/algo/mod.rs:1:", "`graph::algo` uses `crate::graph`"),
        ("graph/algo/mod.rs:2:", "`graph::algo` uses `crate::graph`"),
        ("graph/algo/scc.rs:2:", "`graph::algo` uses `crate::domain`"),
    ];
    assert_eq!(bad.len(), expected.len(), "{bad:#?}");
    for ((at, what), b) in expected.iter().zip(&bad) {
        assert!(
            b.starts_with(at) && b.contains(what),
            "{b} is {at} {what}; all: {bad:#?}"
        );
    }
}

/// No file under `src/` is over 800 lines before its `#[cfg(test)]` module (or in all, when
/// it has none).
#[test]
fn no_source_file_is_over_800_lines_before_its_tests() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    files.sort();
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            // The test module: `#[cfg(test)]` on a `mod` (other test items may sit earlier).
            let n = (0..lines.len())
                .find(|&i| {
                    lines[i].trim() == "#[cfg(test)]"
                        && lines[i + 1..]
                            .iter()
                            .find(|l| !l.trim().is_empty() && !l.trim().starts_with("#["))
                            .is_some_and(|l| l.trim_start().starts_with("mod "))
                })
                .unwrap_or(lines.len());
            let rel = f.strip_prefix(root()).unwrap().display().to_string();
            (n > 800).then(|| format!("{rel}: {n} lines before its tests"))
        })
        .collect();
    assert!(long.is_empty(), "files to split:\n{}", long.join("\n"));
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
