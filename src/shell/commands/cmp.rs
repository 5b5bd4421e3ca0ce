//! `cmp [-s] [-l] FILE1 [FILE2]`: the first differing byte, as GNU cmp reports it in the C
//! locale ("char N", POSIX's word); status 0 same, 1 different, 2 trouble; `-` or a missing
//! FILE2 is stdin.

use super::Spec;

const SPEC: Spec = Spec {
    short: "sl",
    long: &[("silent", 's', false), ("quiet", 's', false)],
    bad_status: 2,
    numeric: false,
};

command!(|c| {
    let a = opts!(c, SPEC);
    let names: Vec<String> = match a.operands.len() {
        1 => vec![a.operands[0].clone(), "-".into()],
        2 => a.operands.clone(),
        0 => {
            c.err("missing operand after 'cmp'").await?;
            return Ok(2);
        }
        _ => {
            c.err(&format!(
                "invalid --ignore-initial value '{}'",
                a.operands[2]
            ))
            .await?;
            return Ok(2);
        }
    };
    let mut data = Vec::new();
    for n in &names {
        match c.read_arg(n).await {
            Ok(d) => data.push(d),
            Err(e) => {
                c.fail(n, &e).await?;
                return Ok(2);
            }
        }
    }
    let (x, y) = (&data[0], &data[1]);
    let common = x.len().min(y.len());
    let diff = (0..common).find(|&i| x[i] != y[i]);
    let line_at = |i: usize| 1 + x[..i].iter().filter(|&&b| b == b'\n').count();
    match diff {
        Some(i) => {
            if a.has('l') {
                for j in (i..common).filter(|&j| x[j] != y[j]) {
                    c.print(&format!("{} {:o} {:o}\n", j + 1, x[j], y[j]))
                        .await?;
                }
            } else if !a.has('s') {
                c.print(&format!(
                    "{} {} differ: char {}, line {}\n",
                    names[0],
                    names[1],
                    i + 1,
                    line_at(i)
                ))
                .await?;
            }
            Ok(1)
        }
        None if x.len() == y.len() => Ok(0),
        None => {
            if !a.has('s') {
                let (short, n) = if x.len() < y.len() {
                    (&names[0], x.len())
                } else {
                    (&names[1], y.len())
                };
                let at = if n == 0 {
                    "which is empty".to_string()
                } else {
                    let data = if x.len() < y.len() { x } else { y };
                    let lines = 1 + data[..n].iter().filter(|&&b| b == b'\n').count();
                    let complete = data[n - 1] == b'\n';
                    if complete {
                        format!("after byte {n}, line {}", lines - 1)
                    } else {
                        format!("after byte {n}, in line {lines}")
                    }
                };
                c.err(&format!("EOF on {short} {at}")).await?;
            }
            Ok(1)
        }
    }
});
