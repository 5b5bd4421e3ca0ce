//! `date [-u] [-d DATE] [-r FILE] [+FORMAT]` (times are UTC; `-I`, `-R`, `+%s`…).

use super::touch::parse_date;

command!(|c| {
    let mut when = chrono::Utc::now();
    let mut fmt = "%a %b %e %H:%M:%S UTC %Y".to_string();
    let args = c.argv[1..].to_vec();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        match a.as_str() {
            "-u" | "--utc" => {}
            "-d" | "--date" | "-r" | "--reference" => {
                i += 1;
                let v = args.get(i).cloned().unwrap_or_default();
                let t = if a == "-r" || a == "--reference" {
                    match c.path(&v) {
                        Ok(p) => c.stat(&p).await.ok().map(|(_, m)| m.mtime),
                        Err(_) => None,
                    }
                } else if v == "now" || v.is_empty() {
                    Some(std::time::SystemTime::now())
                } else {
                    parse_date(&v, false)
                };
                match t {
                    Some(t) => when = chrono::DateTime::<chrono::Utc>::from(t),
                    None => {
                        c.err(&format!("invalid date '{v}'")).await?;
                        return Ok(1);
                    }
                }
            }
            "-I" | "--iso-8601" => fmt = "%Y-%m-%d".into(),
            "-Iseconds" => fmt = "%Y-%m-%dT%H:%M:%S+00:00".into(),
            "-R" | "--rfc-email" => fmt = "%a, %d %b %Y %H:%M:%S +0000".into(),
            s if s.starts_with('+') => fmt = s[1..].to_string(),
            s => {
                c.err(&format!("invalid date '{s}'")).await?;
                return Ok(1);
            }
        }
        i += 1;
    }
    let fmt = fmt.replace("%N", &format!("{:09}", when.timestamp_subsec_nanos()));
    let mut out = String::new();
    use std::fmt::Write as _;
    if write!(out, "{}", when.format(&fmt)).is_err() {
        c.err(&format!("invalid format '{fmt}'")).await?;
        return Ok(1);
    }
    c.print(&(out + "\n")).await?;
    Ok(0)
});
