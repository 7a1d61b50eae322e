//! Writes `examples/state-health-science/workbook.xlsx` from the CSV files beside it, the way
//! a state team would keep them: one sheet per file, a header row of field names, numbers as
//! numbers. Run `cargo run --release --example state_workbook` after editing a CSV file.

use careermap::sources::workbook::{CellKind, SHEETS};
use rust_xlsxwriter::{Format, Workbook};
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/state-health-science");
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    for spec in SHEETS {
        let path = dir.join(format!("{}.csv", spec.name));
        if !path.exists() {
            continue;
        }
        let ws = wb.add_worksheet();
        ws.set_name(spec.name)?;
        let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_path(&path)?;
        let mut header: Vec<String> = Vec::new();
        for (r, rec) in rdr.records().enumerate() {
            let rec = rec?;
            if r == 0 {
                header = rec.iter().map(str::to_owned).collect();
            }
            for (c, text) in rec.iter().enumerate() {
                let (row, colno) = (r as u32, c as u16);
                let kind = spec.columns.iter().find(|k| k.name == header[c]).map(|k| k.cell);
                let numeric = matches!(kind, Some(CellKind::Number | CellKind::Integer | CellKind::Level));
                match text.parse::<f64>() {
                    _ if r == 0 => {
                        ws.write_string_with_format(row, colno, text, &bold)?;
                    }
                    Ok(n) if numeric => {
                        ws.write_number(row, colno, n)?;
                    }
                    _ if text.is_empty() => {}
                    _ => {
                        ws.write_string(row, colno, text)?;
                    }
                }
            }
        }
        ws.autofit();
    }
    let out = dir.join("workbook.xlsx");
    wb.save(&out)?;
    println!("wrote {}", out.display());
    Ok(())
}
