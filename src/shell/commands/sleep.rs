//! `sleep N[smhd]...`: waits (the wall-time limit still applies).

fn secs(s: &str) -> Option<f64> {
    let (num, mult) = match s.chars().last()? {
        's' => (&s[..s.len() - 1], 1.0),
        'm' => (&s[..s.len() - 1], 60.0),
        'h' => (&s[..s.len() - 1], 3600.0),
        'd' => (&s[..s.len() - 1], 86400.0),
        _ => (s, 1.0),
    };
    num.parse::<f64>()
        .ok()
        .filter(|v| *v >= 0.0)
        .map(|v| v * mult)
}

command!(|c| {
    if c.argv.len() < 2 {
        c.err("missing operand").await?;
        return Ok(1);
    }
    let mut total = 0.0;
    for a in &c.argv[1..] {
        match secs(a) {
            Some(s) => total += s,
            None => {
                c.err(&format!("invalid time interval '{a}'")).await?;
                return Ok(1);
            }
        }
    }
    let left = c.sh.budget.limits().wall_time.as_secs_f64();
    tokio::time::sleep(std::time::Duration::from_secs_f64(total.min(left + 1.0))).await;
    c.sh.budget.clock()?;
    Ok(0)
});
