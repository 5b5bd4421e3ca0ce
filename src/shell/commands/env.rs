//! `env [NAME=VALUE]... [COMMAND [ARG]...]` and `printenv [NAME]...`: the exported variables.

command!(|c| {
    let args = c.argv[1..].to_vec();
    let mut i = 0;
    let mut extra = Vec::new();
    while i < args.len() && (args[i] == "-i" || args[i] == "-") {
        i += 1;
    }
    while i < args.len()
        && let Some((k, v)) = args[i].split_once('=')
    {
        extra.push((k.to_string(), v.to_string()));
        i += 1;
    }
    if c.name() == "printenv" {
        let vars = c.sh.st.exported();
        if args.is_empty() {
            let out: String = vars.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
            c.print(&out).await?;
            return Ok(0);
        }
        let mut st = 0;
        for name in &args {
            match vars.iter().find(|(k, _)| k == name) {
                Some((_, v)) => c.print(&format!("{v}\n")).await?,
                None => st = 1,
            }
        }
        return Ok(st);
    }
    if i < args.len() {
        let mut sub = c.sh.clone();
        for (k, v) in &extra {
            let _ = sub.st.set_str(k, v.clone());
            if let Some(var) = sub.st.vars.get_mut(k) {
                var.exported = true;
            }
        }
        return sub.dispatch(args[i..].to_vec(), &c.io).await;
    }
    let mut vars = c.sh.st.exported();
    for (k, v) in extra {
        vars.retain(|(n, _)| *n != k);
        vars.push((k, v));
    }
    let out: String = vars.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
    c.print(&out).await?;
    Ok(0)
});
