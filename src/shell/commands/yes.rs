//! `yes [STRING]...`: repeats until the reader goes away (or the output limit).

command!(|c| {
    let line = if c.argv.len() > 1 {
        c.argv[1..].join(" ")
    } else {
        "y".into()
    } + "\n";
    let block = line.repeat((8192 / line.len()).max(1));
    loop {
        c.print(&block).await?;
    }
});
