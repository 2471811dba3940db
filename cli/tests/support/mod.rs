//! What the end-to-end tests of `paywire sim` and `paywire pos` share: starting a
//! counterpart process and reading its address, and a scratch folder.

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// A counterpart process (`paywire sim …`), killed when dropped.
pub(crate) struct Sim {
    pub(crate) child: Child,
    /// `HOST:PORT` from its `listening` line.
    pub(crate) address: String,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `paywire sim ARGS` and waits for its `listening HOST:PORT` line.
pub(crate) fn sim<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Sim {
    let mut child = Command::new(env!("CARGO_BIN_EXE_paywire"))
        .arg("sim")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().expect("piped stdout"))
        .read_line(&mut line)
        .expect("a line");
    let address = line
        .trim()
        .strip_prefix("listening ")
        .unwrap_or_else(|| panic!("not a listening line: {line}"))
        .to_owned();
    Sim { child, address }
}

/// A scratch folder, removed when dropped.
#[allow(dead_code, reason = "not every test file needs a scratch folder")]
pub(crate) struct TempDir(pub(crate) PathBuf);

#[allow(dead_code, reason = "not every test file needs a scratch folder")]
impl TempDir {
    pub(crate) fn new(name: &str) -> Self {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let path = std::env::temp_dir().join(format!(
            "paywire-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&path).expect("a scratch folder");
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
