//! The O*NET database release, as O*NET publishes it: a zip of the tab-delimited text files
//! (`db_29_3_text.zip`) or of the Excel files (`db_29_3_excel.zip`). Both are read; files may sit
//! in a folder inside the zip. Used: `Occupation Data`, `Job Zones`, `Skills`, `Knowledge`
//! (and `Read Me.txt` for the release name), and when the release has them `Alternate Titles`
//! (its `Short Title` and `Alternate Title` columns) and `Sample of Reported Titles`, which
//! become the occupations' `aliases` (lay titles the search finds: `CNA`, `Nurse Aide`), each
//! once, abbreviations first.
//!
//! # Roll-up from O*NET-SOC 2019 to SOC 2018
//!
//! An O*NET-SOC code `NN-NNNN.XX` belongs to the SOC 2018 detailed occupation `NN-NNNN` (its
//! first seven characters); careermap keeps **one occupation per SOC 2018 detailed code**
//! (O*NET 29.3: 1,016 O*NET-SOC codes -> 867 occupations). Its title is the title of the `.00`
//! code (the SOC occupation itself), or, when a release has no `.00` for it, of the lowest
//! code. Its job zone is that of the `.00` code, else the lowest job zone among its codes.
//! Its O*NET-SOC codes are listed in `onet_codes`. A competency is required by the occupation
//! when **any** of its O*NET-SOC codes rates it at or above the thresholds.
//!
//! # Required competencies
//!
//! Each Skills and Knowledge element becomes a competency `onet.<Element ID>` (framework
//! `O*NET Skills` / `O*NET Knowledge`). An occupation requires an element when its importance
//! (`IM`, 1-5) is at least `CAREERMAP_ONET_IMPORTANCE_MIN` (default 3.0, "important") and, when
//! `CAREERMAP_ONET_LEVEL_MIN` is above 0, its level (`LV`, 0-7) is at least that. Rows O*NET
//! marks `Recommend Suppress = Y` (low precision) or `Not Relevant = Y` are skipped and counted
//! in the job's warnings (`skipped_row`); an element whose level row was skipped fails a level
//! test.
//!
//! # DOL tiers
//!
//! Elements map to tiers of the DOL competency-model pyramid by the longest matching prefix of
//! their Element ID in [`TIERS`]:
//!
//! | Element ID | O*NET group | tier |
//! |---|---|---|
//! | 2.A.1 | basic content skills (reading, writing, speaking, mathematics, science) | 2 academic |
//! | 2.A.2 | basic process skills (critical thinking, active learning, monitoring) | 2 academic |
//! | 2.B.1 | social skills | 3 workplace |
//! | 2.B.2 | complex problem solving | 3 workplace |
//! | 2.B.3 | technical skills | 4 industry-wide technical |
//! | 2.B.4 | systems skills | 3 workplace |
//! | 2.B.5.a | time management | 3 workplace |
//! | 2.B.5 | other resource management skills | 9 management |
//! | 2.C.1.a, 2.C.1.f | administration and management, personnel and human resources | 9 management |
//! | 2.C.1 | other business knowledge | 4 industry-wide technical |
//! | 2.C.2 | manufacturing and production | 5 industry-sector technical |
//! | 2.C.3 | engineering and technology | 5 industry-sector technical |
//! | 2.C.4 | mathematics and science | 2 academic |
//! | 2.C.5 | health services | 6 occupation-specific |
//! | 2.C.6 | education and training | 4 industry-wide technical |
//! | 2.C.7 | arts and humanities | 2 academic |
//! | 2.C.8 | law and public safety | 5 industry-sector technical |
//! | 2.C.9 | communications | 5 industry-sector technical |
//! | 2.C.10 | transportation | 5 industry-sector technical |
//!
//! Anything else gets tier 4 and an `unmapped_element` warning.

use super::table::{Sheet, Table, Workbook, cell, number, read_delimited};
use super::{Context, Fetched, PullError, Pulled, Warnings};
use crate::domain::{Competency, CompetencyId, Occupation, SocCode};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;

/// Importance (1-5) at or above which an element is a required competency when neither the
/// pull nor the service (`CAREERMAP_ONET_IMPORTANCE_MIN`) says otherwise.
pub const ONET_IMPORTANCE_MIN: f64 = 3.0;

/// Element-ID prefix -> DOL tier (longest prefix wins).
pub const TIERS: &[(&str, u8)] = &[
    ("2.A.1", 2),
    ("2.A.2", 2),
    ("2.B.1", 3),
    ("2.B.2", 3),
    ("2.B.3", 4),
    ("2.B.4", 3),
    ("2.B.5.a", 3),
    ("2.B.5", 9),
    ("2.C.1.a", 9),
    ("2.C.1.f", 9),
    ("2.C.1", 4),
    ("2.C.2", 5),
    ("2.C.3", 5),
    ("2.C.4", 2),
    ("2.C.5", 6),
    ("2.C.6", 4),
    ("2.C.7", 2),
    ("2.C.8", 5),
    ("2.C.9", 5),
    ("2.C.10", 5),
];

/// The DOL tier of an O*NET element, if [`TIERS`] maps it.
pub fn tier_of(element_id: &str) -> Option<u8> {
    TIERS
        .iter()
        .filter(|(p, _)| element_id == *p || element_id.starts_with(&format!("{p}.")))
        .max_by_key(|(p, _)| p.len())
        .map(|(_, t)| *t)
}

/// The files of the release this module reads, by base name without extension.
const WANTED: [&str; 7] = [
    "occupation data",
    "job zones",
    "skills",
    "knowledge",
    "read me",
    "alternate titles",
    "sample of reported titles",
];

pub fn parse(f: &Fetched, ctx: &Context) -> Result<Pulled, PullError> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&f.bytes))
        .map_err(|e| PullError::new(format!("the O*NET download is not a readable zip archive: {e}")))?;
    let mut files: HashMap<&'static str, (String, Vec<u8>)> = HashMap::new();
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| PullError::new(format!("the O*NET zip is damaged: {e}")))?;
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let base = name.rsplit('/').next().unwrap_or(&name).to_owned();
        let Some((stem, ext)) = base.rsplit_once('.') else {
            continue;
        };
        let ext = ext.to_ascii_lowercase();
        if !matches!(ext.as_str(), "txt" | "xlsx" | "xls") {
            continue;
        }
        let Some(&key) = WANTED.iter().find(|w| stem.eq_ignore_ascii_case(w)) else {
            continue;
        };
        if key == "read me" && ext != "txt" {
            continue;
        }
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| PullError::new(format!("`{base}` in the O*NET zip cannot be read: {e}")))?;
        files.insert(key, (base, bytes));
    }
    let mut pulled = Pulled::default();
    let warnings = &mut pulled.warnings;

    pulled.release = files
        .get("read me")
        .and_then(|(_, b)| {
            String::from_utf8_lossy(b)
                .lines()
                .map(str::trim)
                .find(|l| l.starts_with("O*NET") && l.contains("Database"))
                .map(|l| l.trim_end_matches(" Database").to_owned())
        })
        .or_else(|| release_from_url(&ctx.url));

    let table = |files: &mut HashMap<&'static str, (String, Vec<u8>)>,
                 key: &str,
                 required: &[&str]|
     -> Result<Table, PullError> {
        let (name, bytes) = files.remove(key).ok_or_else(|| {
            PullError::new(format!(
                "the O*NET zip has no `{}` file (.txt or .xlsx); is it the O*NET database release?",
                title_case(key)
            ))
        })?;
        let sheet = if name.to_ascii_lowercase().ends_with(".txt") {
            read_delimited(&bytes, b'\t', &name)?.0
        } else {
            let mut wb = Workbook::open(bytes, &name)?;
            wb.first_sheet()?
        };
        Table::from_sheet(
            Sheet {
                name: name.clone(),
                ..sheet
            },
            required,
            &name,
        )
    };

    // Occupations.
    let occ = table(&mut files, "occupation data", &["O*NET-SOC Code", "Title"])?;
    let (c_code, c_title) = (occ.col("O*NET-SOC Code")?, occ.col("Title")?);
    let c_desc = occ.find("Description");
    // detailed SOC -> (O*NET-SOC code -> (title, description))
    let mut groups: BTreeMap<String, BTreeMap<String, (String, String)>> = BTreeMap::new();
    for (row_no, row) in &occ.rows {
        let code = cell(row, c_code);
        if SocCode::parse(code).is_err() || code.len() != 10 {
            return Err(PullError::new(format!(
                "{}, row {row_no}: `{code}` is not an O*NET-SOC code (NN-NNNN.NN)",
                occ.what
            )));
        }
        let desc = c_desc.map(|c| cell(row, c).to_owned()).unwrap_or_default();
        groups
            .entry(code[..7].to_owned())
            .or_default()
            .insert(code.to_owned(), (cell(row, c_title).to_owned(), desc));
    }
    pulled.counts.insert("onet_soc_codes".into(), occ.rows.len() as u64);

    // Job zones.
    let mut zones: HashMap<String, u8> = HashMap::new();
    if files.contains_key("job zones") {
        let jz = table(&mut files, "job zones", &["O*NET-SOC Code", "Job Zone"])?;
        let (c_code, c_zone) = (jz.col("O*NET-SOC Code")?, jz.col("Job Zone")?);
        for (row_no, row) in &jz.rows {
            let zone = number(&jz, *row_no, row, c_zone)?;
            match zone {
                Some(z) if (1.0..=5.0).contains(&z) => {
                    zones.insert(cell(row, c_code).to_owned(), z as u8);
                }
                _ => warnings.add(
                    "skipped_row",
                    "rows skipped (suppressed, not relevant, or without a usable value)",
                    format!("{} row {row_no}", jz.what),
                ),
            }
        }
    } else {
        warnings.add("missing_file", "files of the release that were not found", "Job Zones");
    }

    // Lay titles: short titles (abbreviations) first, then alternate, then reported titles.
    let mut lay: HashMap<String, Vec<String>> = HashMap::new();
    for (key, columns) in [
        ("alternate titles", &["Short Title", "Alternate Title"][..]),
        ("sample of reported titles", &["Reported Job Title"][..]),
    ] {
        if !files.contains_key(key) {
            continue;
        }
        let last = columns[columns.len() - 1];
        let t = table(&mut files, key, &["O*NET-SOC Code", last])?;
        let c_code = t.col("O*NET-SOC Code")?;
        let cols: Vec<usize> = columns.iter().filter_map(|c| t.find(c)).collect();
        for (_, row) in &t.rows {
            let code = cell(row, c_code);
            let Some(soc) = code.get(..7) else { continue };
            let titles = lay.entry(soc.to_owned()).or_default();
            titles.extend(
                cols.iter()
                    .map(|&c| cell(row, c).trim())
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned),
            );
        }
        pulled.counts.insert(key.replace(' ', "_"), t.rows.len() as u64);
    }

    // Ratings -> elements and requirements.
    let imin = ctx.options.onet_importance_min.unwrap_or(ONET_IMPORTANCE_MIN);
    let lmin = ctx.options.onet_level_min.unwrap_or(0.0);
    let mut elements: BTreeMap<String, (String, &'static str)> = BTreeMap::new();
    let mut required: HashMap<String, BTreeSet<String>> = HashMap::new();
    for (key, framework) in [("skills", "O*NET Skills"), ("knowledge", "O*NET Knowledge")] {
        let t = table(
            &mut files,
            key,
            &["O*NET-SOC Code", "Element ID", "Element Name", "Scale ID", "Data Value"],
        )?;
        read_ratings(
            &t,
            framework,
            imin,
            lmin,
            &groups,
            &mut elements,
            &mut required,
            warnings,
        )?;
        pulled.counts.insert(format!("{key}_rows"), t.rows.len() as u64);
    }

    let prov = ctx.provenance(pulled.release.as_deref());
    for (id, (name, framework)) in &elements {
        let tier = tier_of(id).unwrap_or_else(|| {
            warnings.add(
                "unmapped_element",
                "O*NET elements without a DOL tier in the documented table (given tier 4)",
                id.clone(),
            );
            4
        });
        pulled.owned.competencies.push(Competency {
            id: CompetencyId(format!("onet.{id}")),
            name: name.clone(),
            tier,
            framework: Some((*framework).to_owned()),
            parent: None,
            description: None,
            provenance: Some(prov.clone()),
            element_id: Some(id.clone()),
        });
    }
    let mut links = 0u64;
    for (soc, codes) in &groups {
        let main = codes
            .get(&format!("{soc}.00"))
            .or_else(|| codes.values().next())
            .expect("groups are never empty");
        let job_zone = zones
            .get(&format!("{soc}.00"))
            .copied()
            .or_else(|| codes.keys().filter_map(|c| zones.get(c)).min().copied());
        let mut competencies: BTreeSet<String> = BTreeSet::new();
        for code in codes.keys() {
            if let Some(req) = required.get(code) {
                competencies.extend(req.iter().cloned());
            }
        }
        links += competencies.len() as u64;
        let mut o: Occupation = Occupation {
            soc: SocCode(soc.clone()),
            title: main.0.clone(),
            job_zone,
            competencies: competencies
                .into_iter()
                .map(|e| CompetencyId(format!("onet.{e}")))
                .collect(),
            entry_credentials: Vec::new(),
            demand: Vec::new(),
            cluster: None,
            provenance: Some(prov.clone()),
            subcluster: None,
            clusters: Vec::new(),
            programs: Vec::new(),
            wages: Vec::new(),
            onet_codes: codes.keys().cloned().collect(),
            covers: Vec::new(),
            aliases: lay_titles(&main.0, lay.remove(soc).unwrap_or_default()),
            i18n: Default::default(),
        };
        o.competencies.sort();
        pulled.owned.occupations.push(o);
    }
    pulled.counts.insert("occupations".into(), groups.len() as u64);
    pulled.counts.insert("competencies".into(), elements.len() as u64);
    pulled.counts.insert("required_competencies".into(), links);
    Ok(pulled)
}

#[allow(clippy::too_many_arguments)]
fn read_ratings(
    t: &Table,
    framework: &'static str,
    imin: f64,
    lmin: f64,
    groups: &BTreeMap<String, BTreeMap<String, (String, String)>>,
    elements: &mut BTreeMap<String, (String, &'static str)>,
    required: &mut HashMap<String, BTreeSet<String>>,
    warnings: &mut Warnings,
) -> Result<(), PullError> {
    let c_code = t.col("O*NET-SOC Code")?;
    let c_id = t.col("Element ID")?;
    let c_name = t.col("Element Name")?;
    let c_scale = t.col("Scale ID")?;
    let c_value = t.col("Data Value")?;
    let c_suppress = t.find("Recommend Suppress");
    let c_relevant = t.find("Not Relevant");
    // (O*NET-SOC code, element) -> (importance, level)
    let mut ratings: HashMap<(String, String), (Option<f64>, Option<f64>)> = HashMap::new();
    for (row_no, row) in &t.rows {
        let code = cell(row, c_code);
        let id = cell(row, c_id);
        if id.is_empty() {
            return Err(PullError::new(format!(
                "{}, row {row_no}: the Element ID is empty",
                t.what
            )));
        }
        elements
            .entry(id.to_owned())
            .or_insert_with(|| (cell(row, c_name).to_owned(), framework));
        if !groups
            .get(code.get(..7).unwrap_or(""))
            .is_some_and(|g| g.contains_key(code))
        {
            warnings.add(
                "unmatched_onet_code",
                "ratings for O*NET-SOC codes missing from Occupation Data (skipped)",
                code,
            );
            continue;
        }
        let flagged = |c: Option<usize>| c.is_some_and(|c| cell(row, c).eq_ignore_ascii_case("Y"));
        if flagged(c_suppress) || flagged(c_relevant) {
            warnings.add(
                "skipped_row",
                "rows skipped (O*NET marks them Recommend Suppress or Not Relevant)",
                format!("{} row {row_no}", t.what),
            );
            continue;
        }
        let Some(value) = number(t, *row_no, row, c_value)? else {
            continue;
        };
        let entry = ratings.entry((code.to_owned(), id.to_owned())).or_default();
        match cell(row, c_scale) {
            "IM" => entry.0 = Some(value),
            "LV" => entry.1 = Some(value),
            _ => {}
        }
    }
    for ((code, id), (im, lv)) in ratings {
        let important = im.is_some_and(|v| v + 1e-9 >= imin);
        let level_ok = lmin <= 0.0 || lv.is_some_and(|v| v + 1e-9 >= lmin);
        if important && level_ok {
            required.entry(code).or_default().insert(id);
        }
    }
    Ok(())
}

/// An occupation's lay titles: each once (ignoring case), in the order given, without its own
/// title.
fn lay_titles(title: &str, titles: Vec<String>) -> Vec<String> {
    let mut seen: BTreeSet<String> = BTreeSet::from([title.to_lowercase()]);
    titles.into_iter().filter(|t| seen.insert(t.to_lowercase())).collect()
}

fn title_case(key: &str) -> String {
    key.split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `.../db_29_3_excel.zip` -> `O*NET 29.3`.
fn release_from_url(url: &str) -> Option<String> {
    let file = url.rsplit('/').next()?;
    let rest = file.strip_prefix("db_")?;
    let mut parts = rest.split('_');
    let (major, minor) = (parts.next()?, parts.next()?);
    (major.chars().all(|c| c.is_ascii_digit()) && minor.chars().all(|c| c.is_ascii_digit()))
        .then(|| format!("O*NET {major}.{minor}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_use_the_longest_prefix() {
        assert_eq!(tier_of("2.A.1.a"), Some(2));
        assert_eq!(tier_of("2.B.5.a"), Some(3));
        assert_eq!(tier_of("2.B.5.d"), Some(9));
        assert_eq!(tier_of("2.C.1.a"), Some(9));
        assert_eq!(tier_of("2.C.1.b"), Some(4));
        assert_eq!(tier_of("2.C.10"), Some(5));
        assert_eq!(tier_of("2.C.1"), Some(4));
        assert_eq!(tier_of("4.A.1"), None);
    }

    #[test]
    fn lay_titles_are_listed_once_without_the_title() {
        let got = lay_titles(
            "Nursing Assistants",
            ["CNA", "Nurse Aide", "nursing assistants", "cna", "Orderly"]
                .map(String::from)
                .to_vec(),
        );
        assert_eq!(got, ["CNA", "Nurse Aide", "Orderly"]);
    }

    #[test]
    fn release_names_come_from_the_file_name() {
        assert_eq!(
            release_from_url("https://www.onetcenter.org/dl_files/database/db_29_3_text.zip").as_deref(),
            Some("O*NET 29.3")
        );
        assert_eq!(release_from_url("https://x/other.zip"), None);
    }
}
