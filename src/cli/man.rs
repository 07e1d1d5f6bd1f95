//! Documents generated from the clap definition: the man page (with the
//! claim glossary) and the shell completion scripts.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;
use clap_mangen::roff::{bold, italic, roman, Roff};
use clap_mangen::Man;

use super::args::Cli;
use crate::meaning::glossary::Part;

/// The completion script for `shell`, written to `out`.
pub(crate) fn completions(shell: Shell, out: &mut impl Write) -> std::io::Result<()> {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "jwtinspect", out);
    out.flush()
}

/// Render one of clap_mangen's sections to text.
fn section(render: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut buf = Vec::new();
    // Writing to memory cannot fail, and roff built from UTF-8 text is UTF-8.
    let _ = render(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// clap_mangen's synopsis names the options without their values
/// (`[--claim]`): give each option that takes one its value name
/// (`[--claim PATH]`).
fn with_values(cmd: &clap::Command, synopsis: String) -> String {
    let mut out = synopsis;
    for arg in cmd.get_arguments() {
        let (Some(long), Some(names)) = (arg.get_long(), arg.get_value_names()) else {
            continue;
        };
        if !arg.get_action().takes_values() {
            continue;
        }
        let flag = format!("\\fB\\-\\-{}\\fR", long.replace('-', "\\-"));
        let values: Vec<String> = names.iter().map(|n| format!("\\fI{n}\\fR")).collect();
        out = out.replace(
            &format!("[{flag}]"),
            &format!("[{flag} {}]", values.join(" ")),
        );
    }
    out
}

/// Help text kept as typed (examples are laid out in columns).
fn preformatted(roff: &mut Roff, text: &str) {
    roff.control("nf", []);
    for line in text.lines() {
        roff.text([roman(line)]);
    }
    roff.control("fi", []);
}

/// A subcommand as a subsection: synopsis, what it does, its own options, examples.
fn subcommand(page: &mut String, cmd: &clap::Command) {
    let name = format!("jwtinspect {}", cmd.get_name());
    // The shared inspect options (they all carry a help heading) are
    // documented once, above; list only the subcommand's own.
    let inherits = cmd.get_arguments().any(|a| a.get_help_heading().is_some());
    let own = cmd
        .clone()
        .bin_name(&name)
        .mut_args(|a| {
            let shared = a.get_help_heading().is_some();
            a.hide(shared)
        })
        .after_long_help(None::<&str>)
        .after_help(None::<&str>);
    let man = Man::new(own.clone());

    let mut head = Roff::new();
    head.control("SS", [name.as_str()]);
    page.push_str(&head.to_roff());
    let synopsis = with_values(&own, section(|w| man.render_synopsis_section(w)));
    let synopsis = synopsis.replace(".SH SYNOPSIS\n", "");
    if inherits {
        // Say where the inherited options went.
        page.push_str(synopsis.trim_end());
        page.push_str(" [\\fIinspect options\\fR]\n");
    } else {
        page.push_str(&synopsis);
    }
    let mut body = Roff::new();
    body.control("PP", []);
    let mut about = own
        .get_long_about()
        .or_else(|| own.get_about())
        .map(|a| format!("{a}."))
        .unwrap_or_default();
    if inherits {
        about.push_str(
            " Takes the inspect options above (output, time, checks, verification, network).",
        );
    }
    body.text([roman(about)]);
    page.push_str(&body.to_roff());
    if own.get_arguments().any(|a| !a.is_hide_set()) {
        let options = section(|w| man.render_options_section(w));
        page.push_str(&options.replace(".SH OPTIONS\n", ""));
    }
    if let Some(examples) = cmd.get_after_long_help() {
        let mut ex = Roff::new();
        ex.control("PP", []);
        preformatted(&mut ex, &examples.to_string());
        page.push_str(&ex.to_roff());
    }
}

/// The man page, `doc/jwtinspect.1`: the same clap definition as `--help`
/// plus the exit codes, the environment and the glossary.
pub fn man_page() -> String {
    let mut cmd = Cli::command();
    // The subcommands are deferred (built when used): build them to read their options.
    cmd.build();
    let man = Man::new(cmd.clone()).date("").manual("User Commands");
    let mut page = String::new();
    page.push_str(&section(|w| man.render_title(w)));
    page.push_str(&section(|w| man.render_name_section(w)));
    page.push_str(&with_values(
        &cmd,
        section(|w| man.render_synopsis_section(w)),
    ));
    page.push_str(&section(|w| man.render_description_section(w)));
    page.push_str(&section(|w| man.render_options_section(w)));

    let mut commands = Roff::new();
    commands.control("SH", ["COMMANDS"]);
    page.push_str(&commands.to_roff());
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        subcommand(&mut page, sub);
    }

    let mut rest = Roff::new();
    rest.control("SH", ["EXAMPLES"]);
    let examples = cmd
        .get_after_long_help()
        .map(|s| s.to_string())
        .unwrap_or_default();
    let examples = examples.strip_prefix("Examples:\n").unwrap_or(&examples);
    let examples = examples.split("\n\nExit codes:").next().unwrap_or(examples);
    preformatted(&mut rest, examples);

    rest.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in [
        ("0", "Every token decoded and passed every check: not expired, not before nbf, signature and requirements where asked."),
        ("1", "A token decoded but failed a check: expired, not yet valid, bad signature, missing role or scope, iss/aud mismatch, missing --claim, a header or payload that is not a JSON object."),
        ("2", "Usage error, or input in which no token is found, or none whose header or payload decodes."),
        ("3", "Login or refresh failed: network, TLS, timeout, HTTP error, rejected credentials, a response without a token."),
    ] {
        rest.control("TP", []);
        rest.text([bold(code)]);
        rest.text([roman(meaning)]);
    }

    rest.control("SH", ["ENVIRONMENT"]);
    rest.control("TP", []);
    rest.text([bold("NO_COLOR")]);
    rest.text([roman(
        "When set and not empty, no colour (unless --color always).",
    )]);
    rest.control("TP", []);
    rest.text([bold("JWTINSPECT_PASSWORD")]);
    rest.text([roman(
        "The password for login when --password-stdin is not given; else it is prompted for. \
         A password is never taken from the command line.",
    )]);

    rest.control("SH", ["CLAIM GLOSSARY"]);
    rest.text([roman(
        "The human report explains these names, the first time each appears in a run; \
         jwtinspect --explain prints this list.",
    )]);
    for part in Part::ALL {
        rest.control("SS", [part.title()]);
        rest.control("PD", ["0"]);
        for entry in part.entries() {
            rest.control("TP", []);
            rest.text([bold(entry.name)]);
            rest.text([
                roman(entry.meaning),
                roman(" ("),
                italic(entry.source),
                roman(")"),
            ]);
        }
        rest.control("PD", []);
    }

    rest.control("SH", ["SAFETY"]);
    rest.text([roman(
        "Decoding never touches the network. Keys and URLs come only from the user, never from \
         the token's own jku, x5u, jwk or x5c headers. Text from a token is escaped before it \
         reaches the terminal.",
    )]);
    rest.control("SH", ["SEE ALSO"]);
    rest.text([
        bold("jq"),
        roman("(1), "),
        bold("curl"),
        roman("(1); RFC 7519 (JWT), RFC 7515 (JWS), RFC 8725 (JWT best practices)."),
    ]);
    page.push_str(&rest.to_roff());
    page.push_str(&section(|w| man.render_version_section(w)));

    // Every clap_mangen section starts with the same apostrophe preamble: keep the first.
    let preamble = Roff::new().render();
    let body = page.replace(&preamble, "");
    format!("{preamble}{body}")
}
