//! `mkfifo [-m MODE] NAME...`: named pipes, kept by the backend as special nodes (through the
//! FUSE mount they connect a reader and a writer; the in-process shell cannot open them).

use super::Spec;
use crate::vfs::{Special, SpecialKind};

const SPEC: Spec = Spec {
    short: "m:",
    long: &[("mode", 'm', true)],
    bad_status: 1,
    numeric: false,
};

command!(|c| {
    let a = opts!(c, SPEC);
    if a.operands.is_empty() {
        c.err("missing operand").await?;
        return Ok(1);
    }
    let perm = match super::chmod::mode_option(&c, &a, 0o666, false).await? {
        Ok(p) => p.unwrap_or(0o666 & !(c.sh.st.umask as u16)),
        Err(st) => return Ok(st),
    };
    let mut st = 0;
    for name in &a.operands {
        let r = match c.path(name) {
            Ok(p) => {
                let fifo = Special {
                    kind: SpecialKind::Fifo,
                    rdev: 0,
                };
                c.vfs().mknod(&p, fifo, perm).await
            }
            Err(e) => Err(e),
        };
        if let Err(e) = r {
            c.err(&format!(
                "cannot create fifo '{name}': {}",
                e.user_message()
            ))
            .await?;
            st = 1;
        }
    }
    Ok(st)
});
