//! `join [-t C] [-1 F] [-2 F] [-a 1|2] FILE1 FILE2`: joins sorted files on a field.

command!(|c| {
    let args = c.argv[1..].to_vec();
    let (mut sep, mut f1, mut f2, mut unpaired) = (None::<char>, 1usize, 1usize, Vec::new());
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-t" => {
                sep = args.get(i + 1).and_then(|s| s.chars().next());
                i += 1;
            }
            "-1" => {
                f1 = args.get(i + 1).and_then(|s| s.parse().ok()).unwrap_or(1);
                i += 1;
            }
            "-2" => {
                f2 = args.get(i + 1).and_then(|s| s.parse().ok()).unwrap_or(1);
                i += 1;
            }
            "-j" => {
                f1 = args.get(i + 1).and_then(|s| s.parse().ok()).unwrap_or(1);
                f2 = f1;
                i += 1;
            }
            "-a" => {
                unpaired.push(args.get(i + 1).cloned().unwrap_or_default());
                i += 1;
            }
            f => files.push(f.to_string()),
        }
        i += 1;
    }
    if files.len() != 2 {
        c.err("missing operand").await?;
        return Ok(1);
    }
    let mut texts = Vec::new();
    for f in &files {
        match c.read_arg(f).await {
            Ok(d) => texts.push(String::from_utf8_lossy(&d).into_owned()),
            Err(e) => {
                c.fail(f, &e).await?;
                return Ok(1);
            }
        }
    }
    let split = |l: &str| -> Vec<String> {
        match sep {
            Some(s) => l.split(s).map(String::from).collect(),
            None => l.split_whitespace().map(String::from).collect(),
        }
    };
    let a: Vec<Vec<String>> = texts[0].lines().map(split).collect();
    let b: Vec<Vec<String>> = texts[1].lines().map(split).collect();
    let osep = sep.map_or(" ".to_string(), |s| s.to_string());
    let key = |r: &Vec<String>, f: usize| r.get(f - 1).cloned().unwrap_or_default();
    let mut out = String::new();
    let line =
        |k: &str, x: &Vec<String>, fx: usize, y: Option<&Vec<String>>, fy: usize| -> String {
            let mut parts = vec![k.to_string()];
            parts.extend(
                x.iter()
                    .enumerate()
                    .filter(|(i, _)| *i != fx - 1)
                    .map(|(_, s)| s.clone()),
            );
            if let Some(y) = y {
                parts.extend(
                    y.iter()
                        .enumerate()
                        .filter(|(i, _)| *i != fy - 1)
                        .map(|(_, s)| s.clone()),
                );
            }
            parts.join(&osep) + "\n"
        };
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let ka = a.get(i).map(|r| key(r, f1));
        let kb = b.get(j).map(|r| key(r, f2));
        match (ka, kb) {
            (Some(x), Some(y)) if x == y => {
                let mut jj = j;
                while jj < b.len() && key(&b[jj], f2) == x {
                    out.push_str(&line(&x, &a[i], f1, Some(&b[jj]), f2));
                    jj += 1;
                }
                i += 1;
                if a.get(i).map(|r| key(r, f1)) != Some(x) {
                    j = jj;
                }
            }
            (Some(x), Some(y)) if x < y => {
                if unpaired.iter().any(|u| u == "1") {
                    out.push_str(&line(&x, &a[i], f1, None, f2));
                }
                i += 1;
            }
            (Some(x), None) => {
                if unpaired.iter().any(|u| u == "1") {
                    out.push_str(&line(&x, &a[i], f1, None, f2));
                }
                i += 1;
            }
            (_, Some(y)) => {
                if unpaired.iter().any(|u| u == "2") {
                    out.push_str(&line(&y, &b[j], f2, None, f1));
                }
                j += 1;
            }
            (None, None) => break,
        }
    }
    c.print(&out).await?;
    Ok(0)
});
