//! A real first run: `hocvuso serve` on an empty data folder, without
//! `--demo`, creates `admin` and prints its one-time password once.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

const PASSWORD_LINE: &str = "mật khẩu một lần";
const RUNNING_LINE: &str = "hocvuso đang chạy: http://";
const NEXT_STEP_LINE: &str = "Sổ dân cư đang trống";

/// The server, with its standard output read line by line on a thread.
struct Server {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Server {
    fn start(data: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hocvuso"))
            .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
            .arg(data)
            .env_remove("HOCVUSO_DATABASE_URL")
            .env_remove("HOCVUSO_BIND")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("run hocvuso serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Server {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Read lines until one contains `needle`, and return it.
    fn until(&mut self, needle: &str) -> String {
        loop {
            match self.lines.recv_timeout(Duration::from_secs(120)) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(e) => panic!(
                    "no line with {needle:?} ({e}); the server printed:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// Stop the server and return everything it printed.
    fn stop(mut self) -> Vec<String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(10)) {
            self.seen.push(line);
        }
        self.seen
    }
}

/// Wait for an HTTP answer: `serve` prints all it has to say before it
/// starts answering, so after this the start-up output is complete.
fn wait_until_serving(running_line: &str) {
    let addr = running_line
        .split("http://")
        .nth(1)
        .unwrap()
        .trim()
        .trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1."), "{answer}");
}

#[test]
fn first_serve_creates_admin_and_prints_its_password_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    // First run on an empty folder: admin and its one-time password.
    let mut server = Server::start(&data);
    server.until(RUNNING_LINE);
    let line = server.until(PASSWORD_LINE);
    assert!(
        line.starts_with("Đăng nhập lần đầu: tài khoản admin, mật khẩu một lần ")
            && line.ends_with(" (sẽ phải đổi ngay)"),
        "{line}"
    );
    let password = line
        .split(PASSWORD_LINE)
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    // And what to do next, since the registry is empty.
    let next = server.until(NEXT_STEP_LINE);
    assert!(next.contains("Bắt đầu với xã thật"), "{next}");
    let printed = server.stop();
    assert_eq!(
        printed.iter().filter(|l| l.contains(PASSWORD_LINE)).count(),
        1,
        "{printed:?}"
    );

    // The account is real and no demo data was loaded.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = hocvuso_storage::Store::connect(&hocvuso_storage::StoreOptions::sqlite_file(
            &data.join("hocvuso.sqlite"),
        ))
        .await
        .unwrap();
        let users = store.list_users().await.unwrap();
        assert_eq!(users.len(), 1, "{users:?}");
        assert_eq!(users[0].username, "admin");
        assert_eq!(users[0].role, hocvuso_domain::Role::Admin);
        assert!(users[0].must_change_password);
        let (_, hash) = store.find_user("admin").await.unwrap().unwrap();
        assert!(hocvuso_web::auth::verify_password(&password, &hash));
        assert_eq!(store.count_residents().await.unwrap(), 0);
        assert!(store.list_hamlets().await.unwrap().is_empty());
        store.close().await;
    });

    // Second run on the same folder: accounts exist, no password is printed.
    let mut server = Server::start(&data);
    let running = server.until(RUNNING_LINE);
    wait_until_serving(&running);
    let printed = server.stop();
    assert!(
        !printed.iter().any(|l| l.contains(PASSWORD_LINE)),
        "{printed:?}"
    );
    // The old password still holds: nothing was reset behind the office's back.
    rt.block_on(async {
        let store = hocvuso_storage::Store::connect(&hocvuso_storage::StoreOptions::sqlite_file(
            &data.join("hocvuso.sqlite"),
        ))
        .await
        .unwrap();
        let (_, hash) = store.find_user("admin").await.unwrap().unwrap();
        assert!(hocvuso_web::auth::verify_password(&password, &hash));
        store.close().await;
    });
}
