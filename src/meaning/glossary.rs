//! The claim glossary: registered and common JWT header members and claims,
//! a few words each, as data. The human report notes a name's meaning beside
//! it the first time it appears in a run; `jwtinspect --explain` lists them all.
//! No network: this is the whole of it.

/// One glossary entry: a name, what it means in a few words, and where it is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub name: &'static str,
    pub meaning: &'static str,
    pub source: &'static str,
}

const fn e(name: &'static str, meaning: &'static str, source: &'static str) -> Entry {
    Entry {
        name,
        meaning,
        source,
    }
}

/// Which part of a token a name belongs to: `typ` means one thing in the
/// header and another in the claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Header,
    Claims,
}

impl Part {
    pub const ALL: [Part; 2] = [Part::Header, Part::Claims];

    pub fn entries(self) -> &'static [Entry] {
        match self {
            Part::Header => HEADER,
            Part::Claims => CLAIMS,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Part::Header => "header members",
            Part::Claims => "claims",
        }
    }

    /// The entry for `name` in this part, with its position in the table.
    pub fn find(self, name: &str) -> Option<(usize, &'static Entry)> {
        self.entries()
            .iter()
            .enumerate()
            .find(|(_, e)| e.name == name)
    }
}

/// JOSE header members (JWS, JWE).
#[rustfmt::skip]
pub const HEADER: &[Entry] = &[
    e("alg", "signing algorithm", "RFC 7515"),
    e("typ", "media type of the token", "RFC 7515, RFC 7519"),
    e("cty", "content type (JWT: a nested token)", "RFC 7515"),
    e("kid", "key id: which key signed it", "RFC 7515"),
    e("jku", "URL of the signer's key set (never fetched)", "RFC 7515"),
    e("jwk", "signer's public key, embedded (not trusted)", "RFC 7515"),
    e("x5u", "URL of the signer's certificate chain (never fetched)", "RFC 7515"),
    e("x5c", "signer's certificate chain, embedded (not trusted)", "RFC 7515"),
    e("x5t", "SHA-1 thumbprint of the signing certificate", "RFC 7515"),
    e("x5t#S256", "SHA-256 thumbprint of the signing certificate", "RFC 7515"),
    e("crit", "extensions a reader must understand", "RFC 7515"),
    e("b64", "false: unencoded payload (not allowed in a JWT)", "RFC 7797"),
    e("enc", "content encryption algorithm (JWE)", "RFC 7516"),
    e("zip", "payload compressed before encryption (JWE)", "RFC 7516"),
    e("epk", "ephemeral public key (JWE key agreement)", "RFC 7518"),
    e("apu", "key agreement info about the producer (JWE)", "RFC 7518"),
    e("apv", "key agreement info about the recipient (JWE)", "RFC 7518"),
    e("iv", "initialisation vector of the key wrap (JWE)", "RFC 7518"),
    e("tag", "authentication tag of the key wrap (JWE)", "RFC 7518"),
    e("p2s", "PBES2 salt (password-based JWE)", "RFC 7518"),
    e("p2c", "PBES2 iteration count (password-based JWE)", "RFC 7518"),
];

/// Payload claims: registered (RFC 7519), OpenID Connect, OAuth, and the
/// provider-specific ones the normalisation table reads.
#[rustfmt::skip]
pub const CLAIMS: &[Entry] = &[
    // RFC 7519 registered claims
    e("iss", "issuer: who made the token", "RFC 7519"),
    e("sub", "subject: who the token is about", "RFC 7519"),
    e("aud", "audience: who the token is for", "RFC 7519"),
    e("exp", "expires", "RFC 7519"),
    e("nbf", "not valid before", "RFC 7519"),
    e("iat", "issued at", "RFC 7519"),
    e("jti", "token id (unique per token)", "RFC 7519"),
    // OAuth 2.0
    e("scope", "granted scopes", "RFC 8693, RFC 9068"),
    e("client_id", "OAuth client the token was issued to", "RFC 8693, RFC 9068"),
    e("azp", "authorized party: the client it was issued to", "OpenID Connect"),
    e("cnf", "key binding: proof-of-possession key", "RFC 7800"),
    e("act", "actor: who acts on the subject's behalf", "RFC 8693"),
    e("may_act", "who may act on the subject's behalf", "RFC 8693"),
    e("roles", "roles", "RFC 9068, Entra ID"),
    e("groups", "groups", "RFC 9068, Okta, Entra ID"),
    e("entitlements", "entitlements", "RFC 9068"),
    e("htm", "HTTP method of the request (DPoP proof)", "RFC 9449"),
    e("htu", "HTTP URL of the request (DPoP proof)", "RFC 9449"),
    e("ath", "hash of the access token (DPoP proof)", "RFC 9449"),
    e("events", "security events (SET)", "RFC 8417"),
    // OpenID Connect
    e("auth_time", "when the user logged in", "OpenID Connect"),
    e("nonce", "ties an ID token to its login request", "OpenID Connect"),
    e("acr", "authentication context (assurance level)", "OpenID Connect"),
    e("amr", "how the user authenticated (pwd, mfa, ...)", "OpenID Connect, RFC 8176"),
    e("at_hash", "hash of the access token", "OpenID Connect"),
    e("c_hash", "hash of the authorization code", "OpenID Connect"),
    e("s_hash", "hash of the state parameter", "FAPI"),
    e("sid", "session id", "OpenID Connect"),
    e("name", "full name", "OpenID Connect"),
    e("given_name", "first name", "OpenID Connect"),
    e("family_name", "last name", "OpenID Connect"),
    e("preferred_username", "user name", "OpenID Connect"),
    e("email", "email address", "OpenID Connect"),
    e("email_verified", "the email address was verified", "OpenID Connect"),
    e("phone_number", "phone number", "OpenID Connect"),
    e("locale", "language and region", "OpenID Connect"),
    e("updated_at", "profile last updated", "OpenID Connect"),
    // Spring Security OAuth (ImmPort)
    e("user_name", "user name (Spring)", "Spring Security OAuth"),
    e("authorities", "roles (Spring)", "Spring Security OAuth"),
    // flask-jwt-extended (ItemPath)
    e("identity", "user (flask-jwt-extended)", "flask-jwt-extended"),
    e("type", "access or refresh (flask-jwt-extended)", "flask-jwt-extended"),
    e("fresh", "from a password login, not a refresh (flask-jwt-extended)", "flask-jwt-extended"),
    e("csrf", "CSRF double-submit value (flask-jwt-extended)", "flask-jwt-extended"),
    // Keycloak
    e("realm_access", "Keycloak realm roles", "Keycloak"),
    e("resource_access", "Keycloak client roles, per client", "Keycloak"),
    e("typ", "token type (Keycloak: Bearer, ID, Refresh)", "Keycloak"),
    e("session_state", "Keycloak session id", "Keycloak"),
    // Microsoft Entra ID
    e("scp", "scopes (Entra ID, Okta)", "Entra ID, Okta"),
    e("upn", "user principal name (Entra ID)", "Entra ID"),
    e("unique_name", "user name (Entra ID v1)", "Entra ID"),
    e("oid", "user's object id (Entra ID)", "Entra ID"),
    e("tid", "tenant id (Entra ID)", "Entra ID"),
    e("appid", "client application id (Entra ID v1)", "Entra ID"),
    e("idp", "identity provider that logged the user in", "Entra ID, Cognito"),
    e("wids", "directory role ids (Entra ID)", "Entra ID"),
    e("ver", "token format version", "Entra ID, Okta"),
    // Okta
    e("cid", "client id (Okta)", "Okta"),
    e("uid", "user id (Okta)", "Okta"),
    // AWS Cognito
    e("cognito:groups", "Cognito user pool groups (roles)", "AWS Cognito"),
    e("cognito:username", "user name (Cognito)", "AWS Cognito"),
    e("token_use", "access or id (Cognito)", "AWS Cognito"),
    e("username", "user name (Cognito access token)", "AWS Cognito"),
    e("origin_jti", "id of the login the token came from (Cognito)", "AWS Cognito"),
    e("event_id", "login event id (Cognito)", "AWS Cognito"),
    // Auth0, Google
    e("permissions", "granted permissions (Auth0 RBAC)", "Auth0"),
    e("hd", "Google Workspace domain", "Google"),
];

/// Remembers which names the run has explained, so each is explained once.
#[derive(Debug, Clone)]
pub struct Explained {
    header: Vec<bool>,
    claims: Vec<bool>,
}

impl Default for Explained {
    fn default() -> Self {
        Explained {
            header: vec![false; HEADER.len()],
            claims: vec![false; CLAIMS.len()],
        }
    }
}

impl Explained {
    /// The meaning of `name` the first time it is asked for, else None.
    pub fn first(&mut self, part: Part, name: &str) -> Option<&'static str> {
        let (at, entry) = part.find(name)?;
        let seen = match part {
            Part::Header => &mut self.header[at],
            Part::Claims => &mut self.claims[at],
        };
        if std::mem::replace(seen, true) {
            None
        } else {
            Some(entry.meaning)
        }
    }
}

/// Entries named `name` (exactly, else ignoring case), in either part.
pub fn lookup(name: &str) -> Vec<(Part, &'static Entry)> {
    let matching = |exact: bool| -> Vec<(Part, &'static Entry)> {
        Part::ALL
            .iter()
            .flat_map(|&part| part.entries().iter().map(move |e| (part, e)))
            .filter(|(_, e)| {
                if exact {
                    e.name == name
                } else {
                    e.name.eq_ignore_ascii_case(name)
                }
            })
            .collect()
    };
    let exact = matching(true);
    if exact.is_empty() {
        matching(false)
    } else {
        exact
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_within_a_part() {
        for part in Part::ALL {
            let entries = part.entries();
            for (i, a) in entries.iter().enumerate() {
                assert!(
                    entries[i + 1..].iter().all(|b| b.name != a.name),
                    "{} appears twice in {}",
                    a.name,
                    part.title()
                );
                assert!(!a.meaning.is_empty() && !a.source.is_empty());
            }
        }
    }

    #[test]
    fn a_name_is_explained_once_per_part() {
        let mut seen = Explained::default();
        assert_eq!(seen.first(Part::Claims, "nbf"), Some("not valid before"));
        assert_eq!(seen.first(Part::Claims, "nbf"), None);
        assert_eq!(
            seen.first(Part::Header, "typ"),
            Some("media type of the token")
        );
        assert_eq!(
            seen.first(Part::Claims, "typ"),
            Some("token type (Keycloak: Bearer, ID, Refresh)")
        );
        assert_eq!(seen.first(Part::Claims, "no-such-claim"), None);
    }

    #[test]
    fn lookup_falls_back_to_any_case() {
        assert_eq!(lookup("AZP").len(), 1);
        assert_eq!(lookup("typ").len(), 2);
        assert!(lookup("nope").is_empty());
    }
}
