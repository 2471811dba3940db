//! docs/cli.md and `paywire --help` agree: every group, every command of it and every option of
//! that command that `--help` lists is described in the group's section of docs/cli.md, and the
//! page describes no command the binary does not have.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
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

#[test]
fn docs_cli_md_describes_every_command_and_option() {
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/cli.md"))
        .expect("docs/cli.md");
    let groups = commands(&help(&[]));
    assert!(groups.len() >= 6, "{groups:?}");
    for group in &groups {
        let heading = format!("## `paywire {group}`");
        let start = page
            .find(&heading)
            .unwrap_or_else(|| panic!("docs/cli.md has no section {heading}"));
        let rest = &page[start + heading.len()..];
        let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
        let names = commands(&help(&[group]));
        assert!(!names.is_empty(), "{group}");
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

#[test]
fn the_pages_examples_run() {
    // The decode example's JSON is what the binary prints for the message in the page.
    let run = common::run(
        &["iso8583", "decode", "--spec", "iso87ascii"],
        b"02007000000000000000164761739001010010000000000000001000",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.text(),
        "{\"mti\":\"0200\",\"fields\":{\"2\":\"4761739001010010\",\"3\":\"000000\",\"4\":\"000000001000\"}}\n"
    );
    let page =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/cli.md")).unwrap();
    assert!(page.contains(
        r#"{"mti":"0200","fields":{"2":"4761739001010010","3":"000000","4":"000000001000"}}"#
    ));
}
