//! `comm [-123] FILE1 FILE2`: lines only in 1, only in 2, in both (inputs sorted).

use super::Spec;
use super::text::lines;

const SPEC: Spec = Spec {
    short: "123",
    long: &[],
    bad_status: 1,
    numeric: false,
};

command!(|c| {
    let a = opts!(c, SPEC);
    if a.operands.len() != 2 {
        c.err(&format!(
            "missing operand{}",
            if a.operands.is_empty() { "" } else { &" after" }
        ))
        .await?;
        return Ok(1);
    }
    let mut data = Vec::new();
    for f in &a.operands {
        match c.read_arg(f).await {
            Ok(d) => data.push(d),
            Err(e) => {
                c.fail(f, &e).await?;
                return Ok(1);
            }
        }
    }
    let (x, y) = (lines(&data[0]), lines(&data[1]));
    let show = [!a.has('1'), !a.has('2'), !a.has('3')];
    let prefix = |col: usize| -> String { (0..col).filter(|&i| show[i]).map(|_| "\t").collect() };
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    let emit = |col: usize, l: &[u8], out: &mut Vec<u8>| {
        if show[col] {
            out.extend_from_slice(prefix(col).as_bytes());
            out.extend_from_slice(l);
            out.push(b'\n');
        }
    };
    while i < x.len() || j < y.len() {
        if j >= y.len() || (i < x.len() && x[i] < y[j]) {
            emit(0, x[i], &mut out);
            i += 1;
        } else if i >= x.len() || y[j] < x[i] {
            emit(1, y[j], &mut out);
            j += 1;
        } else {
            emit(2, x[i], &mut out);
            i += 1;
            j += 1;
        }
    }
    c.out(&out).await?;
    Ok(0)
});
