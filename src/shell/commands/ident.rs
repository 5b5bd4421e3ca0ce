//! `uname [-asnrvmpio]`, `hostname`, `whoami`, `id [-u|-g|-G] [-n] [-r]`: who and where the
//! mirage process runs (the kernel's `uname(2)`, the process's user and groups), as coreutils
//! prints them.

use nix::unistd::{Gid, Group, Uid, User};

use super::Spec;

const UNAME: Spec = Spec {
    short: "asnrvmpio",
    long: &[
        ("all", 'a', false),
        ("kernel-name", 's', false),
        ("nodename", 'n', false),
        ("kernel-release", 'r', false),
        ("kernel-version", 'v', false),
        ("machine", 'm', false),
        ("processor", 'p', false),
        ("hardware-platform", 'i', false),
        ("operating-system", 'o', false),
    ],
    bad_status: 1,
    numeric: false,
};

command!(|c| {
    if c.name() == "hostname" {
        let host = nix::unistd::gethostname()
            .map(|h| h.to_string_lossy().into_owned())
            .unwrap_or_default();
        c.print(&format!("{host}\n")).await?;
        return Ok(0);
    }
    if c.name() == "whoami" {
        return Ok(match user_name(Uid::effective()) {
            Some(n) => {
                c.print(&format!("{n}\n")).await?;
                0
            }
            None => {
                c.err(&format!(
                    "cannot find name for user ID {}",
                    Uid::effective()
                ))
                .await?;
                1
            }
        });
    }
    if c.name() == "id" {
        return id(c).await;
    }
    let a = opts!(c, UNAME);
    if let Some(x) = a.operands.first() {
        c.err(&format!("extra operand '{x}'")).await?;
        return Ok(1);
    }
    let Ok(u) = nix::sys::utsname::uname() else {
        c.err("cannot get system name").await?;
        return Ok(1);
    };
    let s = |x: &std::ffi::OsStr| x.to_string_lossy().into_owned();
    let fields = [
        ('s', s(u.sysname())),
        ('n', s(u.nodename())),
        ('r', s(u.release())),
        ('v', s(u.version())),
        ('m', s(u.machine())),
        ('p', "unknown".to_string()),
        ('i', "unknown".to_string()),
        ('o', "GNU/Linux".to_string()),
    ];
    let all = a.has('a');
    let any = fields.iter().any(|(f, _)| a.has(*f));
    let picked: Vec<&str> = fields
        .iter()
        .filter(|(f, v)| {
            if all {
                // `-a` leaves out -p and -i when they are unknown, as coreutils does.
                !(matches!(f, 'p' | 'i') && v == "unknown")
            } else if any {
                a.has(*f)
            } else {
                *f == 's'
            }
        })
        .map(|(_, v)| v.as_str())
        .collect();
    c.print(&format!("{}\n", picked.join(" "))).await?;
    Ok(0)
});

thread_local! {
    /// Names already looked up (each lookup reads the host's user and group databases):
    /// `ls -l` of a large directory asks for the same few owners thousands of times.
    static NAMES: std::cell::RefCell<std::collections::HashMap<(bool, u32), Option<String>>> =
        Default::default();
}

fn cached(group: bool, id: u32, look: impl FnOnce() -> Option<String>) -> Option<String> {
    if let Some(n) = NAMES.with(|m| m.borrow().get(&(group, id)).cloned()) {
        return n;
    }
    let n = look();
    NAMES.with(|m| m.borrow_mut().insert((group, id), n.clone()));
    n
}

/// The name of user `uid`, if the host knows one.
pub fn user_name(uid: Uid) -> Option<String> {
    cached(false, uid.as_raw(), || {
        User::from_uid(uid).ok().flatten().map(|u| u.name)
    })
}

/// The name of group `gid`, if the host knows one.
pub fn group_name(gid: Gid) -> Option<String> {
    cached(true, gid.as_raw(), || {
        Group::from_gid(gid).ok().flatten().map(|g| g.name)
    })
}

const ID: Spec = Spec {
    short: "ugGnrz",
    long: &[
        ("user", 'u', false),
        ("group", 'g', false),
        ("groups", 'G', false),
        ("name", 'n', false),
        ("real", 'r', false),
        ("zero", 'z', false),
    ],
    bad_status: 1,
    numeric: false,
};

async fn id(c: super::Ctx<'_>) -> super::Res {
    let a = opts!(c, ID);
    if let Some(x) = a.operands.first() {
        // Other users are not looked up: the shell answers for its own process only.
        c.err(&format!("'{x}': no such user")).await?;
        return Ok(1);
    }
    let (uid, gid) = if a.has('r') {
        (Uid::current(), Gid::current())
    } else {
        (Uid::effective(), Gid::effective())
    };
    let mut groups = vec![gid];
    for g in nix::unistd::getgroups().unwrap_or_default() {
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    let names = a.has('n');
    let show_u = |u: Uid| match (names, user_name(u)) {
        (true, Some(n)) => n,
        _ => u.to_string(),
    };
    let show_g = |g: Gid| match (names, group_name(g)) {
        (true, Some(n)) => n,
        _ => g.to_string(),
    };
    let line = if a.has('u') {
        show_u(uid)
    } else if a.has('g') {
        show_g(gid)
    } else if a.has('G') {
        groups
            .iter()
            .map(|g| show_g(*g))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        if names {
            c.err("cannot print only names or real IDs in default format")
                .await?;
            return Ok(1);
        }
        let named_u = |u: Uid| match user_name(u) {
            Some(n) => format!("{u}({n})"),
            None => u.to_string(),
        };
        let named_g = |g: Gid| match group_name(g) {
            Some(n) => format!("{g}({n})"),
            None => g.to_string(),
        };
        let all: Vec<String> = groups.iter().map(|g| named_g(*g)).collect();
        format!(
            "uid={} gid={} groups={}",
            named_u(uid),
            named_g(gid),
            all.join(",")
        )
    };
    c.print(&format!("{line}\n")).await?;
    Ok(0)
}
