//! `paste [-s] [-d LIST] [FILE]...`

use super::Spec;
use super::text::lines;

const SPEC: Spec = Spec {
    short: "sd:",
    long: &[("serial", 's', false), ("delimiters", 'd', true)],
    bad_status: 1,
    numeric: false,
};

command!(|c| {
    let a = opts!(c, SPEC);
    let delims: Vec<String> = super::echo::unescape(a.value('d').unwrap_or("\t"))
        .0
        .chars()
        .map(String::from)
        .collect();
    let delims = if delims.is_empty() {
        vec![String::new()]
    } else {
        delims
    };
    let files = if a.operands.is_empty() {
        vec!["-".to_string()]
    } else {
        a.operands.clone()
    };
    let mut cols: Vec<Vec<String>> = Vec::new();
    // Several `-` operands take stdin's lines in turn, as with GNU paste.
    let dashes = files.iter().filter(|f| *f == "-").count();
    let stdin_lines: Vec<String> = if dashes > 0 {
        let d = c.stdin().await?;
        lines(&d)
            .iter()
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect()
    } else {
        Vec::new()
    };
    let mut dash_no = 0;
    for f in &files {
        let data = if f == "-" {
            let col: Vec<String> = if a.has('s') {
                stdin_lines.clone()
            } else {
                stdin_lines
                    .iter()
                    .skip(dash_no)
                    .step_by(dashes)
                    .cloned()
                    .collect()
            };
            dash_no += 1;
            cols.push(col);
            continue;
        } else {
            match c.read_arg(f).await {
                Ok(d) => d,
                Err(e) => {
                    c.fail(f, &e).await?;
                    return Ok(1);
                }
            }
        };
        cols.push(
            lines(&data)
                .iter()
                .map(|l| String::from_utf8_lossy(l).into_owned())
                .collect(),
        );
    }
    let mut out = String::new();
    if a.has('s') {
        for col in cols {
            for (i, l) in col.iter().enumerate() {
                if i > 0 {
                    out.push_str(&delims[(i - 1) % delims.len()]);
                }
                out.push_str(l);
            }
            out.push('\n');
        }
    } else {
        let rows = cols.iter().map(|c| c.len()).max().unwrap_or(0);
        for r in 0..rows {
            for (i, col) in cols.iter().enumerate() {
                if i > 0 {
                    out.push_str(&delims[(i - 1) % delims.len()]);
                }
                out.push_str(col.get(r).map_or("", |s| s.as_str()));
            }
            out.push('\n');
        }
    }
    c.print(&out).await?;
    Ok(0)
});
