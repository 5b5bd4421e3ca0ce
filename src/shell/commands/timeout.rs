//! `timeout [-s SIG] DURATION COMMAND [ARG]...`: runs the command in this shell; status 124
//! when it did not finish in time.

command!(|c| {
    let mut args = c.argv[1..].to_vec();
    while args.first().is_some_and(|a| a.starts_with('-')) {
        let a = args.remove(0);
        if (a == "-s" || a == "-k" || a == "--signal" || a == "--kill-after") && !args.is_empty() {
            args.remove(0);
        }
    }
    if args.len() < 2 {
        c.err("missing operand").await?;
        return Ok(125);
    }
    let d = args.remove(0);
    let secs = {
        let (num, mult) = match d.chars().last() {
            Some('s') => (&d[..d.len() - 1], 1.0),
            Some('m') => (&d[..d.len() - 1], 60.0),
            Some('h') => (&d[..d.len() - 1], 3600.0),
            Some('d') => (&d[..d.len() - 1], 86400.0),
            _ => (d.as_str(), 1.0),
        };
        match num.parse::<f64>() {
            Ok(v) if v >= 0.0 => v * mult,
            _ => {
                c.err(&format!("invalid time interval '{d}'")).await?;
                return Ok(125);
            }
        }
    };
    let io = c.io.clone();
    let fut = c.sh.dispatch(args, &io);
    if secs == 0.0 {
        return fut.await;
    }
    match tokio::time::timeout(std::time::Duration::from_secs_f64(secs), fut).await {
        Ok(r) => r,
        Err(_) => Ok(124),
    }
});
