//! `file [-b] FILE...`: a short guess of the content type from its first bytes.

fn kind(data: &[u8]) -> &'static str {
    let head = &data[..data.len().min(8192)];
    if data.is_empty() {
        return "empty";
    }
    if head.starts_with(b"\x1f\x8b") {
        return "gzip compressed data";
    }
    if head.starts_with(b"%PDF") {
        return "PDF document";
    }
    if head.starts_with(b"\x89PNG") {
        return "PNG image data";
    }
    if head.starts_with(b"\xff\xd8\xff") {
        return "JPEG image data";
    }
    if head.starts_with(b"PK\x03\x04") {
        return "Zip archive data";
    }
    if head.starts_with(b"\x7fELF") {
        return "ELF executable";
    }
    if head.len() > 262 && &head[257..262] == b"ustar" {
        return "POSIX tar archive";
    }
    if head.contains(&0) {
        return "data";
    }
    let text = String::from_utf8_lossy(head);
    if text.starts_with("#!") {
        // The interpreter: the program, or the word after `env`.
        let first = text.lines().next().unwrap_or("");
        let mut words = first[2..].split_whitespace();
        let prog = words.next().unwrap_or("").rsplit('/').next().unwrap_or("");
        let prog = if prog == "env" {
            words.next().unwrap_or("")
        } else {
            prog
        };
        return match prog.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.') {
            "sh" | "dash" => "POSIX shell script, ASCII text executable",
            "bash" => "Bourne-Again shell script, ASCII text executable",
            "zsh" => "Paul Falstad's zsh script, ASCII text executable",
            "python" => "Python script, ASCII text executable",
            "perl" => "Perl script text executable",
            "ruby" => "Ruby script, ASCII text executable",
            "node" => "Node.js script, ASCII text executable",
            _ => "a script, ASCII text executable",
        };
    }
    let t = text.trim_start();
    if (t.starts_with('{') || t.starts_with('['))
        && serde_json::from_slice::<serde_json::Value>(data).is_ok()
    {
        return "JSON text data";
    }
    if std::str::from_utf8(head).is_err() {
        return "data";
    }
    if head.is_ascii() {
        "ASCII text"
    } else {
        "Unicode text, UTF-8 text"
    }
}

command!(|c| {
    let brief = c.argv.iter().any(|a| a == "-b");
    let files: Vec<String> = c.argv[1..]
        .iter()
        .filter(|a| !a.starts_with('-'))
        .cloned()
        .collect();
    let mut out = String::new();
    let width = files.iter().map(|f| f.chars().count()).max().unwrap_or(0) + 1;
    for f in &files {
        let desc = match c.path(f) {
            Ok(p) => match c.lstat(&p).await {
                Ok(m) if m.is_dir() => "directory".to_string(),
                Ok(m) if m.kind == crate::vfs::FileKind::Symlink => format!(
                    "symbolic link to {}",
                    c.vfs().readlink(&p).await.unwrap_or_default()
                ),
                Ok(_) => match c.read_path(&p).await {
                    Ok(d) => kind(&d).to_string(),
                    Err(e) => format!("cannot open `{f}' ({})", e.user_message()),
                },
                Err(e) => format!("cannot open `{f}' ({})", e.user_message()),
            },
            Err(e) => format!("cannot open `{f}' ({})", e.user_message()),
        };
        if brief {
            out.push_str(&format!("{desc}\n"));
        } else {
            out.push_str(&format!("{:<width$} {desc}\n", format!("{f}:")));
        }
    }
    c.print(&out).await?;
    Ok(0)
});
