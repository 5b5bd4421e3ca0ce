//! `mirage mcp` driven as an MCP client would: JSON-RPC lines over the server's stdin/stdout.
//! Initializes, lists the tools, and calls each against a RAM + local (read-only) workspace,
//! errors included (missing file, non-unique edit, write to a read-only mount).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{Value, json};

struct Client {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next: u64,
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Client {
    fn start(config: &std::path::Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mirage"))
            .args(["mcp", config.to_str().unwrap()])
            .env("MIRAGE_TEST_SECRET", "never-show-this")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Client {
            child,
            stdin,
            stdout,
            next: 1,
        }
    }

    fn send(&mut self, v: Value) {
        writeln!(self.stdin, "{v}").unwrap();
        self.stdin.flush().unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let mut line = String::new();
            assert!(
                self.stdout.read_line(&mut line).unwrap() > 0,
                "server closed stdout"
            );
            let v: Value =
                serde_json::from_str(&line).unwrap_or_else(|e| panic!("bad JSON {line:?}: {e}"));
            if v["id"] == json!(id) {
                return v;
            }
        }
    }

    /// Calls a tool: (text, is_error).
    fn call(&mut self, name: &str, args: Value) -> (String, bool) {
        let r = self.request("tools/call", json!({"name": name, "arguments": args}));
        let res = &r["result"];
        assert!(res.is_object(), "{name}: {r}");
        let text = res["content"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["text"].as_str())
            .collect::<Vec<_>>()
            .join("");
        (text, res["isError"].as_bool().unwrap_or(false))
    }
}

#[test]
fn mcp_tools_over_stdio() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("src")).unwrap();
    std::fs::write(
        data.join("src/main.rs"),
        "fn main() {\n    println!(\"hi\"); // TODO\n}\n",
    )
    .unwrap();
    std::fs::write(data.join("notes.md"), "# notes\nTODO: write more\n").unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[[mount]]\npath = \"/scratch\"\nbackend = \"ram\"\nmode = \"write\"\n\n[[mount]]\npath = \"/data\"\nbackend = \"local\"\nroot = \"{}\"\n",
            data.display()
        ),
    )
    .unwrap();
    let mut c = Client::start(&config);
    let init = c.request(
        "initialize",
        json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}),
    );
    let instructions = init["result"]["instructions"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        instructions.contains("`/data` | local | read-only"),
        "{init}"
    );
    assert!(
        instructions.contains("`/scratch` | ram | read-write"),
        "{init}"
    );
    assert_eq!(init["result"]["serverInfo"]["name"], "mirage");
    c.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));

    let tools = c.request("tools/list", json!({}));
    let mut names: Vec<String> = tools["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["bash", "edit", "glob", "grep", "ls", "read", "write"]
    );

    // bash: a session that keeps state.
    let (t, err) = c.call("bash", json!({"command": "cd /data && ls && x=42"}));
    assert!(!err && t.contains("notes.md") && t.contains("src"), "{t}");
    let (t, err) = c.call("bash", json!({"command": "echo $x $(pwd); cat nope"}));
    assert!(err, "{t}");
    assert!(
        t.contains("42 /data")
            && t.contains("cat: nope: No such file or directory")
            && t.contains("[exit code 1]"),
        "{t}"
    );
    let (t, _) = c.call("bash", json!({"command": "seq 100000"}));
    assert!(
        t.contains("[output truncated"),
        "long output must be capped"
    );

    // read with numbered lines, offset and limit; missing file.
    let (t, err) = c.call(
        "read",
        json!({"path": "/data/src/main.rs", "offset": 2, "limit": 1}),
    );
    assert!(!err);
    assert_eq!(t, "     2\t    println!(\"hi\"); // TODO\n");
    let (t, err) = c.call("read", json!({"path": "/data/missing.txt"}));
    assert!(err && t.contains("No such file or directory"), "{t}");

    // write + edit on the RAM mount; non-unique edit; read-only mount.
    let (t, err) = c.call(
        "write",
        json!({"path": "/scratch/a.txt", "content": "one two two\n"}),
    );
    assert!(!err, "{t}");
    let (t, err) = c.call(
        "edit",
        json!({"path": "/scratch/a.txt", "old_string": "two", "new_string": "2"}),
    );
    assert!(err && t.contains("not unique"), "{t}");
    let (t, err) = c.call(
        "edit",
        json!({"path": "/scratch/a.txt", "old_string": "one", "new_string": "1"}),
    );
    assert!(!err, "{t}");
    let (t, err) = c.call("edit", json!({"path": "/scratch/a.txt", "old_string": "two", "new_string": "2", "replace_all": true}));
    assert!(!err, "{t}");
    let (t, _) = c.call("read", json!({"path": "/scratch/a.txt"}));
    assert_eq!(t, "     1\t1 2 2\n");
    let (t, err) = c.call("write", json!({"path": "/data/new.txt", "content": "x"}));
    assert!(err && t.contains("Read-only file system"), "{t}");
    let (t, err) = c.call(
        "edit",
        json!({"path": "/data/notes.md", "old_string": "notes", "new_string": "N"}),
    );
    assert!(err && t.contains("Read-only file system"), "{t}");
    assert!(!data.join("new.txt").exists());

    // ls, grep, glob.
    let (t, err) = c.call("ls", json!({"path": "/data"}));
    assert!(!err);
    assert_eq!(
        t,
        format!("notes.md\t{}\nsrc/\n", "# notes\nTODO: write more\n".len())
    );
    let (t, err) = c.call("grep", json!({"pattern": "TODO", "path": "/data"}));
    assert!(!err, "{t}");
    assert_eq!(
        t,
        "/data/notes.md:2:TODO: write more\n/data/src/main.rs:2:    println!(\"hi\"); // TODO\n"
    );
    let (t, _) = c.call(
        "grep",
        json!({"pattern": "todo", "path": "/data", "glob": "*.rs", "ignore_case": true}),
    );
    assert_eq!(t, "/data/src/main.rs:2:    println!(\"hi\"); // TODO\n");
    let (t, _) = c.call("glob", json!({"pattern": "**/*.rs"}));
    assert_eq!(t, "/data/src/main.rs\n");
    let (t, _) = c.call("glob", json!({"pattern": "*.md", "path": "/data"}));
    assert_eq!(t, "/data/notes.md\n");
    assert!(!instructions.contains("never-show-this"));
}
