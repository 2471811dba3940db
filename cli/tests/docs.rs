//! docs/cli.md and `paywire --help` agree: every group, every command of it and every option of
//! that command that `--help` lists is described in the group's section of docs/cli.md, and the
//! page describes no command the binary does not have.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

mod common;

/// The names listed under `Commands:` in a help text (without `help`).
fn commands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect()
}

/// The long options of a help text (without `--help` and `--version`).
fn options(help: &str) -> Vec<String> {
    help.split_whitespace()
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(|w| {
            w.trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
                .to_owned()
        })
        .filter(|o| o != "--help" && o != "--version")
        .collect()
}

fn help(args: &[&str]) -> String {
    let mut args = args.to_vec();
    args.push("--help");
    let run = common::run(&args, b"");
    assert_eq!(run.code, 0, "{args:?}");
    run.text()
}

fn page() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/cli.md"))
        .expect("docs/cli.md")
}

/// The page's section for `paywire {name}`: from its heading to the next one.
fn section<'p>(page: &'p str, name: &str) -> &'p str {
    let heading = format!("## `paywire {name}`");
    let start = page
        .find(&heading)
        .unwrap_or_else(|| panic!("docs/cli.md has no section {heading}"));
    let rest = &page[start + heading.len()..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

#[test]
fn docs_cli_md_describes_every_command_and_option() {
    let page = page();
    let groups = commands(&help(&[]));
    assert!(groups.len() >= 8, "{groups:?}");
    for group in &groups {
        let section = section(&page, group);
        let names = commands(&help(&[group]));
        if names.is_empty() {
            // A command without subcommands (`completions`, `man`): its options in its section.
            for option in options(&help(&[group])) {
                assert!(
                    section.contains(&option),
                    "docs/cli.md does not describe `paywire {group} {option}`"
                );
            }
            continue;
        }
        for command in &names {
            assert!(
                section.contains(&format!("`{command}"))
                    || section.contains(&format!("`{command} ")),
                "docs/cli.md does not describe `paywire {group} {command}`"
            );
            for option in options(&help(&[group, command])) {
                assert!(
                    section.contains(&option),
                    "docs/cli.md does not describe `paywire {group} {command} {option}`"
                );
            }
        }
        // Every `- `name` …` entry of the section is a real command.
        for line in section
            .lines()
            .filter(|l| l.starts_with("- `") && !l.starts_with("- `--"))
        {
            let name = line[3..].split(['`', ' ']).next().unwrap();
            assert!(
                names.iter().any(|n| n == name),
                "docs/cli.md describes `paywire {group} {name}`, which the binary does not have"
            );
        }
    }
}

/// One `$ command` of a ```console block and the output printed under it.
struct Example {
    command: String,
    output: Vec<String>,
}

fn examples(page: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut in_console = false;
    for line in page.lines() {
        if line.starts_with("```") {
            in_console = line == "```console";
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            out.push(Example {
                command: command.to_owned(),
                output: Vec::new(),
            });
        } else {
            out.last_mut()
                .expect("output before a command")
                .output
                .push(line.to_owned());
        }
    }
    out
}

/// `actual` matches `expected`, line by line; a line `...` matches the rest, a line ending in
/// ` ...` any line that starts with what stands before it. Trailing white space is ignored.
fn matches(expected: &[String], actual: &str) -> bool {
    let mut actual = actual.lines();
    for want in expected {
        if want == "..." {
            return true;
        }
        let Some(got) = actual.next() else {
            return false;
        };
        let ok = match want.strip_suffix(" ...") {
            Some(prefix) => got.starts_with(prefix),
            None => got.trim_end() == want.trim_end(),
        };
        if !ok {
            return false;
        }
    }
    actual.next().is_none()
}

fn run_example(command: &str) -> std::process::Output {
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_paywire"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    std::process::Command::new("bash")
        .args(["-o", "pipefail", "-c", command])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .env("PATH", path)
        .output()
        .expect("bash runs")
}

#[test]
fn every_example_on_the_page_runs_and_prints_what_the_page_shows() {
    let page = page();
    let examples = examples(&page);
    assert!(examples.len() >= 25, "{}", examples.len());
    for example in &examples {
        assert!(example.command.contains("paywire "), "{}", example.command);
        let out = run_example(&example.command);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "`{}` failed: {}",
            example.command,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            matches(&example.output, &stdout),
            "`{}` printed\n{stdout}\nbut docs/cli.md shows\n{}",
            example.command,
            example.output.join("\n")
        );
    }
    // The comparison can fail: a changed line, a missing line and an extra line are caught.
    let shown = ["a".to_owned(), "b ...".to_owned()];
    assert!(matches(&shown, "a\nbcd\n"));
    assert!(!matches(&shown, "x\nbcd\n"));
    assert!(!matches(&shown, "a\n"));
    assert!(!matches(&shown, "a\nbcd\nextra\n"));
}

#[test]
fn every_command_has_an_example_on_the_page_and_its_help_ends_with_one() {
    let page = page();
    let examples = examples(&page);
    let on_page = |command: &str| examples.iter().any(|e| e.command == command);
    for group in commands(&help(&[])) {
        let names = commands(&help(&[&group]));
        let leaves: Vec<Vec<String>> = if names.is_empty() {
            vec![vec![group.clone()]]
        } else {
            names
                .iter()
                .map(|n| vec![group.clone(), n.clone()])
                .collect()
        };
        for leaf in leaves {
            let args: Vec<&str> = leaf.iter().map(String::as_str).collect();
            let invocation = format!("paywire {}", leaf.join(" "));
            assert!(
                examples
                    .iter()
                    .any(|e| e.command.contains(&format!("{invocation} "))
                        || e.command.ends_with(&invocation)),
                "docs/cli.md has no example of `{invocation}`"
            );
            let help = help(&args);
            let mut tail = help.trim_end().lines().rev();
            let example = tail.next().unwrap().trim();
            assert!(
                tail.next().unwrap().starts_with("Example"),
                "`{invocation} --help` does not end with an example"
            );
            assert!(example.contains(&invocation), "{invocation}: {example}");
            // Examples that print (not the install lines of `completions` and `man`) are the
            // page's, so the test above runs them.
            if !example.contains(" > ") && !example.contains("--dir") {
                assert!(
                    on_page(example),
                    "`{invocation} --help` shows `{example}`, which docs/cli.md does not run"
                );
            }
        }
    }
}

#[test]
fn completions_and_man_pages_are_generated() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = common::run(&["completions", shell], b"");
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        // Every group is offered.
        for group in ["tlv", "iso8583", "emvqr", "unionpay", "wechat", "alipay"] {
            assert!(run.text().contains(group), "{shell}: {group}");
        }
    }
    assert_eq!(common::run(&["completions", "tcsh"], b"").code, 2);
    let dir = std::env::temp_dir().join(format!("paywire-man-{}", std::process::id()));
    let run = common::run(&["man", "--dir", dir.to_str().unwrap()], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let kcv = std::fs::read_to_string(dir.join("paywire-unionpay-kcv.1")).unwrap();
    assert!(kcv.contains("\\-\\-cipher"), "{kcv}");
    assert!(kcv.contains("Example"), "{kcv}");
    assert!(dir.join("paywire-iso8583-decode.1").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
