//! The man page, `doc/jwtinspect.1`, is generated (`jwtinspect::man_page`,
//! src/cli/man.rs) from the same clap definition as `--help` (clap_mangen)
//! plus the glossary; this test fails when the committed file is stale. Refresh it with:
//!
//!     JWTINSPECT_UPDATE_MAN=1 cargo test --test man

use std::path::Path;

const MAN_PATH: &str = "doc/jwtinspect.1";

#[test]
fn committed_man_page_is_fresh() {
    let fresh = jwtinspect::man_page();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(MAN_PATH);
    if std::env::var_os("JWTINSPECT_UPDATE_MAN").is_some() {
        std::fs::write(&path, &fresh).expect("writing doc/jwtinspect.1");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{MAN_PATH} is stale (the CLI or the glossary changed); refresh it with:\n\n    \
         JWTINSPECT_UPDATE_MAN=1 cargo test --test man\n"
    );
}

#[test]
fn man_page_documents_every_command_and_the_glossary() {
    let page = jwtinspect::man_page();
    for needle in [
        ".SH SYNOPSIS",
        ".SS \"jwtinspect login\"",
        ".SS \"jwtinspect refresh\"",
        ".SS \"jwtinspect completions\"",
        ".SH \"EXIT STATUS\"",
        ".SH \"CLAIM GLOSSARY\"",
        "\\-\\-provider",
        "\\-\\-jwks\\-url",
        "\\-\\-explain",
        "cognito:groups",
    ] {
        assert!(page.contains(needle), "man page lacks {needle}");
    }
}

/// Where groff is installed, the page renders without a warning.
#[test]
fn man_page_renders_cleanly() {
    let Ok(out) = std::process::Command::new("groff")
        .args(["-man", "-ww", "-z", "-Tutf8"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(MAN_PATH))
        .output()
    else {
        eprintln!("groff not installed: rendering not checked");
        return;
    };
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
