//! `md5sum`, `sha1sum`, `sha256sum`, `sha512sum` `[-c] [FILE]...`: `HASH  NAME` lines, and checking them.

use sha2::Digest;

use super::Spec;

const SPEC: Spec = Spec {
    short: "cbtwz",
    long: &[
        ("check", 'c', false),
        ("binary", 'b', false),
        ("text", 't', false),
        ("quiet", 'q', false),
        ("status", 's', false),
    ],
    bad_status: 1,
    numeric: false,
};

fn hash(kind: &str, data: &[u8]) -> String {
    let bytes: Vec<u8> = match kind {
        "md5sum" => md5::Md5::digest(data).to_vec(),
        "sha1sum" => sha1::Sha1::digest(data).to_vec(),
        "sha512sum" => sha2::Sha512::digest(data).to_vec(),
        _ => sha2::Sha256::digest(data).to_vec(),
    };
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

command!(|c| {
    let a = opts!(c, SPEC);
    let kind = c.name().to_string();
    let files = if a.operands.is_empty() {
        vec!["-".to_string()]
    } else {
        a.operands.clone()
    };
    let mut st = 0;
    if a.has('c') {
        let mut bad = 0;
        for f in &files {
            let list = match c.read_arg(f).await {
                Ok(d) => d,
                Err(e) => {
                    c.fail(f, &e).await?;
                    st = 1;
                    continue;
                }
            };
            for line in String::from_utf8_lossy(&list).lines() {
                let Some((want, name)) = line.split_once(' ') else {
                    continue;
                };
                let name = name.trim_start_matches([' ', '*']);
                match c.read_arg(name).await {
                    Ok(d) => {
                        let ok = hash(&kind, &d) == want;
                        if (!a.has('q') || !ok) && !a.has('s') {
                            {
                                c.print(&format!("{name}: {}\n", if ok { "OK" } else { "FAILED" }))
                                    .await?;
                            }
                        }
                        if !ok {
                            bad += 1;
                        }
                    }
                    Err(e) => {
                        c.fail(name, &e).await?;
                        c.print(&format!("{name}: FAILED open or read\n")).await?;
                        bad += 1;
                    }
                }
            }
        }
        if bad > 0 {
            c.err(&format!(
                "WARNING: {bad} computed checksum{} did NOT match",
                if bad == 1 { "" } else { "s" }
            ))
            .await?;
            st = 1;
        }
        return Ok(st);
    }
    for f in &files {
        match c.read_arg(f).await {
            Ok(d) => c.print(&format!("{}  {f}\n", hash(&kind, &d))).await?,
            Err(e) => {
                c.fail(f, &e).await?;
                st = 1;
            }
        }
    }
    Ok(st)
});
