//! `tee [-a] [FILE]...`: stdin to stdout and to every file.

use super::Spec;

const SPEC: Spec = Spec {
    short: "ai",
    long: &[("append", 'a', false)],
    bad_status: 1,
    numeric: false,
};

command!(|c| {
    let a = opts!(c, SPEC);
    let data = c.stdin().await;
    c.out(&data).await?;
    let mut st = 0;
    for f in &a.operands {
        let r = match c.path(f) {
            Ok(p) => c.vfs().write_all(&p, &data, a.has('a')).await,
            Err(e) => Err(e),
        };
        if let Err(e) = r {
            c.fail(f, &e).await?;
            st = 1;
        }
    }
    Ok(st)
});
