//! `rev [FILE]...`: characters of each line reversed.

use super::text::input_all;

command!(|c| {
    let ops = c.argv[1..].to_vec();
    let (data, failed) = input_all(&c, &ops).await?;
    let text = String::from_utf8_lossy(&data);
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        out.extend(body.chars().rev());
        out.push_str(nl);
    }
    c.print(&out).await?;
    Ok(failed as i32)
});
