//! `which`, `history` and `help`: what the shell knows about itself.

command!(|c| {
    match c.name() {
        "which" => {
            let mut st = 0;
            let mut out = String::new();
            for n in c.argv[1..].iter().filter(|a| !a.starts_with('-')) {
                if super::lookup(n).is_some() {
                    out.push_str(&format!("/usr/bin/{n}\n"));
                } else {
                    st = 1;
                }
            }
            c.print(&out).await?;
            Ok(st)
        }
        "history" => {
            let out: String =
                c.sh.history
                    .iter()
                    .enumerate()
                    .map(|(i, h)| format!("{:>5}  {h}\n", i + 1))
                    .collect();
            c.print(&out).await?;
            Ok(0)
        }
        _ => {
            let mut out = String::from(
                "mirage shell: bash syntax over the mirage workspace (no host files, no processes).\n\nBuiltins:\n  ",
            );
            out.push_str(&crate::shell::builtins::NAMES.join(" "));
            out.push_str("\n\nCommands (CMD --help for usage):\n");
            for (name, _, usage) in super::TABLE {
                let what = usage.split_once(" -- ").map_or("", |(_, w)| w);
                out.push_str(&format!("  {name:<10} {what}\n"));
            }
            c.print(&out).await?;
            Ok(0)
        }
    }
});
