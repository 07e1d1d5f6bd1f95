//! The claim glossary: a few dim words beside each known name the first time
//! it appears in a run, and `--explain` to list them. JSON output is untouched.

mod support;

use support::{jwtinspect, stderr_of, stdout_of, succeeds, testdata};

/// The report's line for claim `name` of token number `token`.
fn line<'a>(report: &'a str, token: usize, name: &str) -> &'a str {
    // Tokens are blank-line separated, each opening with its verdict.
    let section = report
        .split("\n\n")
        .nth(token - 1)
        .unwrap_or_else(|| panic!("no token {token} in:\n{report}"));
    let claims = section.split("\nclaims\n").nth(1).unwrap_or_default();
    claims
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{name} ")))
        .unwrap_or_else(|| panic!("no claim {name} in token {token}:\n{section}"))
}

/// The human report of the ItemPath login response: two tokens, the same claims.
fn itempath_login_report() -> String {
    let path = testdata("itempath-login.json");
    succeeds(&[
        "--color",
        "never",
        "--now",
        "1631406200",
        path.to_str().unwrap(),
    ])
}

#[test]
fn claims_are_explained_the_first_time_only() {
    let report = itempath_login_report();
    for (name, words) in [
        ("nbf", "# not valid before"),
        ("iat", "# issued at"),
        ("fresh", "flask-jwt-extended"),
    ] {
        assert!(line(&report, 1, name).contains(words), "{name}: {report}");
        assert!(
            !line(&report, 2, name).contains('#'),
            "{name} explained again for the second token"
        );
    }
}

#[test]
fn header_members_are_explained_too() {
    let report = itempath_login_report();
    assert!(report.contains("\nheader\n  typ  \"JWT\"  # media type of the token\n  alg  \"HS256\"  # signing algorithm\n"), "{report}");
    assert_eq!(report.matches("# signing algorithm").count(), 1);
}

#[test]
fn a_name_first_seen_in_a_later_token_is_explained_there() {
    // The ItemPath tokens have expired by then (exit 1); the report is what matters.
    let out = jwtinspect()
        .args(["--color", "never", "--now", "1700000030"])
        .arg(testdata("itempath-login.json"))
        .arg(testdata("providers/keycloak.jwt"))
        .output()
        .unwrap();
    let report = stdout_of(&out);
    assert!(line(&report, 3, "azp").contains("# authorized party"));
    assert!(line(&report, 3, "realm_access").contains("# Keycloak realm roles"));
    // In the claims, `typ` is Keycloak's token type, not the header's media type.
    assert!(line(&report, 3, "typ").contains("# token type (Keycloak"));
    assert!(
        !line(&report, 3, "jti").contains('#'),
        "jti was explained in token 1"
    );
    assert!(
        !line(&report, 3, "allowed-origins").contains('#'),
        "not in the glossary"
    );
}

#[test]
fn explanations_are_dim_in_colour() {
    let token = std::fs::read_to_string(testdata("providers/keycloak.jwt")).unwrap();
    let out = succeeds(&["--color", "always", "--now", "1700000030", token.trim()]);
    assert!(out.contains("\u{1b}[2m# authorized party: the client it was issued to\u{1b}[0m"));
}

#[test]
fn json_output_carries_no_explanations() {
    let out = jwtinspect()
        .args(["--json", "--now", "1631406200"])
        .arg(testdata("itempath-login.json"))
        .output()
        .unwrap();
    let text = stdout_of(&out);
    assert!(
        !text.contains("not valid before") && !text.contains('#'),
        "{text}"
    );
}

#[test]
fn explain_lists_header_members_and_claims() {
    let out = succeeds(&["--explain"]);
    for needle in [
        "header members",
        "claims",
        "nbf",
        "not valid before",
        "authorities",
        "roles (Spring)",
        "scp",
        "cnf",
        "key binding",
        "RFC 7800",
        "cognito:groups",
        "x5c",
        "crit",
    ] {
        assert!(out.contains(needle), "--explain lacks {needle}:\n{out}");
    }
}

#[test]
fn explain_one_name() {
    let out = succeeds(&["--explain", "azp"]);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains("azp") && out.contains("authorized party"));
    // Both meanings of a name that lives in the header and in the claims.
    let out = succeeds(&["--explain", "typ"]);
    assert!(
        out.contains("media type") && out.contains("Keycloak"),
        "{out}"
    );
}

#[test]
fn explain_an_unknown_name_is_a_usage_error() {
    let out = jwtinspect()
        .args(["--explain", "frobnicate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("no glossary entry for \"frobnicate\""));
}

#[test]
fn explain_does_not_take_inputs() {
    let out = jwtinspect()
        .args(["--explain", "exp", "some-token"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
