//! The normalisation table: which claims carry the username, roles, scopes,
//! token type and client for each provider, as data.
//!
//! Claim names contain dots and colons (`cognito:groups`,
//! `https://example.com/roles`), so lookups go by explicit path segments,
//! never by splitting a name.

use std::collections::HashSet;

use serde_json::{Map, Value};

/// Username claims, most specific first. Providers:
/// ImmPort/Spring `user_name`; Keycloak, Entra `preferred_username`; Entra v1
/// `upn`; Cognito id tokens `cognito:username`; Cognito access tokens
/// `username`; flask-jwt-extended (ItemPath) `identity`; Google `email`;
/// Entra v1 `unique_name`; then the generic `sub` and Okta's `uid`.
pub const USERNAME_CLAIMS: &[&str] = &[
    "user_name",
    "preferred_username",
    "upn",
    "cognito:username",
    "username",
    "identity",
    "email",
    "unique_name",
    "sub",
    "uid",
];

/// Where roles live. Walked in order; duplicates are dropped.
pub enum RoleSource {
    /// A claim at this path: a list of strings, or one string (one role).
    Path(&'static [&'static str]),
    /// Keycloak `resource_access.<client>.roles`, written `client:role`.
    KeycloakClients,
    /// Auth0-style namespaced claims: a name containing `/` ending in `/roles` or `/groups`.
    Namespaced,
}

pub const ROLE_SOURCES: &[RoleSource] = &[
    RoleSource::Path(&["authorities"]), // Spring (ImmPort)
    RoleSource::Path(&["roles"]),       // Entra, RFC 9068
    RoleSource::Path(&["role"]),
    RoleSource::Path(&["realm_access", "roles"]), // Keycloak realm roles
    RoleSource::KeycloakClients,
    RoleSource::Path(&["cognito:groups"]), // AWS Cognito
    RoleSource::Path(&["groups"]),         // Okta, Entra, RFC 9068
    RoleSource::Path(&["entitlements"]),   // RFC 9068 / SCIM
    RoleSource::Namespaced,                // Auth0
];

/// Scope claims: a space-separated string or an array.
/// `scope` (RFC 8693/9068, ImmPort, Keycloak, Cognito), `scp` (Entra string,
/// Okta array), `scopes`, and Auth0's RBAC `permissions`.
pub const SCOPE_CLAIMS: &[&str] = &["scope", "scp", "scopes", "permissions"];

/// Token type claims: flask-jwt-extended `type`, Cognito `token_use`, Keycloak `typ`.
pub const TYPE_CLAIMS: &[&str] = &["type", "token_use", "typ"];

/// The client the token was issued to: OAuth `client_id`, OIDC `azp`, Entra v1 `appid`, Okta `cid`.
pub const CLIENT_CLAIMS: &[&str] = &["client_id", "azp", "appid", "cid"];

/// The normalised view of who and what a token is for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub username: Option<String>,
    pub username_claim: Option<&'static str>,
    pub roles: Vec<String>,
    /// Bare names of Keycloak client roles, so `--require-role admin` matches `app:admin`.
    pub client_role_names: Vec<String>,
    pub scopes: Vec<String>,
    pub token_type: Option<String>,
    pub issuer: Option<String>,
    pub client: Option<String>,
    pub audience: Vec<String>,
    pub subject: Option<String>,
    pub id: Option<String>,
}

impl Summary {
    pub fn has_role(&self, role: &str) -> bool {
        self.roles
            .iter()
            .chain(&self.client_role_names)
            .any(|r| r == role)
    }

    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// A claims set, read through a quick "certainly absent" test: most of the
/// names the summary asks for are not in a given token, and hashing each one
/// (SipHash, for the map's lookup) cost more than the rest of the summary.
#[derive(Clone, Copy)]
pub struct Claims<'a> {
    map: &'a Map<String, Value>,
    /// One bit per name present, chosen by `name_bit`; a clear bit means absent.
    present: u128,
}

impl<'a> Claims<'a> {
    pub fn new(map: &'a Map<String, Value>) -> Self {
        let present = map.keys().fold(0, |bits, name| bits | name_bit(name));
        Claims { map, present }
    }

    pub fn get(&self, name: &str) -> Option<&'a Value> {
        if self.present & name_bit(name) == 0 {
            return None;
        }
        self.map.get(name)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn iter(&self) -> serde_json::map::Iter<'a> {
        self.map.iter()
    }
}

/// A bit from a name's length and first and last bytes: cheap, and spread
/// enough that a claims set rarely shares one with a name it lacks.
fn name_bit(name: &str) -> u128 {
    let b = name.as_bytes();
    let (first, last) = (b.first().copied(), b.last().copied());
    let h = b.len() * 37 + usize::from(first.unwrap_or(0)) * 7 + usize::from(last.unwrap_or(0));
    1 << (h % 128)
}

/// The value at a path of claim names.
pub fn lookup<'a>(claims: Claims<'a>, path: &[&str]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    rest.iter()
        .try_fold(claims.get(first)?, |v, seg| v.as_object()?.get(*seg))
}

/// A claim value as text when it is a string or a number.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A list that keeps the first of equal items, in order. A short list is
/// searched; a long one (a hostile token's million roles) gets a set, so
/// building it stays linear.
#[derive(Default)]
struct Unique {
    items: Vec<String>,
    seen: HashSet<String>,
}

/// Lists up to this long are searched rather than hashed.
const SEARCHED: usize = 16;

impl Unique {
    fn push(&mut self, item: &str) {
        if item.is_empty() {
            return;
        }
        if self.items.len() < SEARCHED {
            if !self.items.iter().any(|x| x == item) {
                self.items.push(item.to_owned());
            }
            return;
        }
        if self.seen.is_empty() {
            self.seen.extend(self.items.iter().cloned());
        }
        if self.seen.insert(item.to_owned()) {
            self.items.push(item.to_owned());
        }
    }
}

fn push_unique(list: &mut Unique, item: &str) {
    list.push(item);
}

/// Strings of a list claim (a single string is one item).
fn push_list(list: &mut Unique, v: &Value) {
    match v {
        Value::String(s) => push_unique(list, s),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .for_each(|s| push_unique(list, s)),
        _ => {}
    }
}

/// Strings of a scope claim: a space-separated string or an array.
fn push_scopes(list: &mut Unique, v: &Value) {
    match v {
        Value::String(s) => s.split_whitespace().for_each(|s| push_unique(list, s)),
        other => push_list(list, other),
    }
}

fn roles(claims: Claims) -> (Vec<String>, Vec<String>) {
    let mut roles = Unique::default();
    let mut bare = Unique::default();
    for source in ROLE_SOURCES {
        match source {
            RoleSource::Path(path) => {
                if let Some(v) = lookup(claims, path) {
                    push_list(&mut roles, v);
                }
            }
            RoleSource::KeycloakClients => {
                let Some(clients) = claims.get("resource_access").and_then(Value::as_object) else {
                    continue;
                };
                for (client, access) in clients {
                    let Some(list) = access.get("roles").and_then(Value::as_array) else {
                        continue;
                    };
                    for role in list.iter().filter_map(Value::as_str) {
                        push_unique(&mut roles, &format!("{client}:{role}"));
                        push_unique(&mut bare, role);
                    }
                }
            }
            RoleSource::Namespaced => {
                for (name, v) in claims.iter() {
                    // (Either ending holds the `/` a namespaced name needs.)
                    if name.ends_with("/roles") || name.ends_with("/groups") {
                        push_list(&mut roles, v);
                    }
                }
            }
        }
    }
    (roles.items, bare.items)
}

fn token_type(header: Option<&Map<String, Value>>, claims: Claims) -> Option<String> {
    let explicit = TYPE_CLAIMS
        .iter()
        .find_map(|c| claims.get(c).and_then(Value::as_str));
    if let Some(t) = explicit {
        let t = t.to_ascii_lowercase();
        return Some(match t.as_str() {
            "bearer" | "access_token" => "access".to_owned(),
            "refresh_token" => "refresh".to_owned(),
            "id_token" => "id".to_owned(),
            _ => t,
        });
    }
    let header_typ = header
        .and_then(|h| h.get("typ"))
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase);
    if matches!(header_typ.as_deref(), Some("at+jwt" | "application/at+jwt")) {
        return Some("access".to_owned());
    }
    if claims.contains_key("scope") || claims.contains_key("scp") {
        return Some("access".to_owned());
    }
    if ["nonce", "at_hash", "c_hash"]
        .iter()
        .any(|c| claims.contains_key(c))
    {
        return Some("id".to_owned());
    }
    None
}

fn first_text(claims: Claims, names: &[&'static str]) -> Option<(String, &'static str)> {
    names
        .iter()
        .find_map(|n| claims.get(n).and_then(scalar_text).map(|v| (v, *n)))
}

/// Normalise a claims set (and its header, for `typ`).
pub fn summarise(header: Option<&Map<String, Value>>, claims: &Map<String, Value>) -> Summary {
    let claims = Claims::new(claims);
    let (username, username_claim) = match first_text(claims, USERNAME_CLAIMS) {
        Some((u, c)) => (Some(u), Some(c)),
        None => (None, None),
    };
    let (roles, client_role_names) = roles(claims);
    let mut scopes = Unique::default();
    for name in SCOPE_CLAIMS {
        if let Some(v) = claims.get(name) {
            push_scopes(&mut scopes, v);
        }
    }
    let mut audience = Unique::default();
    if let Some(aud) = claims.get("aud") {
        push_list(&mut audience, aud);
    }
    let text = |name: &str| claims.get(name).and_then(scalar_text);
    Summary {
        username,
        username_claim,
        roles,
        client_role_names,
        scopes: scopes.items,
        token_type: token_type(header, claims),
        issuer: text("iss"),
        client: first_text(claims, CLIENT_CLAIMS).map(|(c, _)| c),
        audience: audience.items,
        subject: text("sub"),
        id: text("jti"),
    }
}

/// Resolve a `--claim` dot path (`realm_access.roles`). A claim name may itself
/// contain dots (`https://example.com/roles`): at each level the longest key
/// that matches a prefix of the path wins. A numeric segment indexes an array.
pub fn claim_at<'a>(claims: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    if let Some(v) = claims.get(path) {
        return Some(v);
    }
    let dots: Vec<usize> = path.match_indices('.').map(|(i, _)| i).collect();
    for &i in dots.iter().rev() {
        let (head, rest) = (&path[..i], &path[i + 1..]);
        if let Some(v) = claims.get(head) {
            if let Some(found) = value_at(v, rest) {
                return Some(found);
            }
        }
    }
    None
}

fn value_at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    match v {
        Value::Object(map) => claim_at(map, path),
        Value::Array(items) => {
            let (head, rest) = path
                .split_once('.')
                .map_or((path, None), |(h, r)| (h, Some(r)));
            let item = items.get(head.parse::<usize>().ok()?)?;
            match rest {
                None => Some(item),
                Some(rest) => value_at(item, rest),
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn keycloak_realm_and_client_roles() {
        let c = obj(json!({
            "preferred_username": "alice", "sub": "1234",
            "realm_access": {"roles": ["admin", "user"]},
            "resource_access": {"app": {"roles": ["editor", "user"]}, "account": {"roles": ["view"]}},
            "scope": "openid email  profile", "typ": "Bearer", "azp": "app"
        }));
        let s = summarise(None, &c);
        assert_eq!(s.username.as_deref(), Some("alice"));
        assert_eq!(s.username_claim, Some("preferred_username"));
        assert_eq!(
            s.roles,
            ["admin", "user", "app:editor", "app:user", "account:view"]
        );
        assert!(s.has_role("editor") && s.has_role("app:editor") && !s.has_role("app"));
        assert_eq!(s.scopes, ["openid", "email", "profile"]);
        assert_eq!(s.token_type.as_deref(), Some("access"));
        assert_eq!(s.client.as_deref(), Some("app"));
    }

    #[test]
    fn names_with_colons_and_dots_are_not_split() {
        let c = obj(
            json!({"cognito:groups": ["g1"], "https://example.com/roles": ["r1"],
                           "a.b": {"c": 1}, "a": {"b": 2}, "list": [{"x": "y"}]}),
        );
        let s = summarise(None, &c);
        assert_eq!(s.roles, ["g1", "r1"]);
        assert_eq!(claim_at(&c, "a.b.c"), Some(&json!(1)));
        assert_eq!(claim_at(&c, "a.b"), Some(&json!({"c": 1})));
        assert_eq!(claim_at(&c, "list.0.x"), Some(&json!("y")));
        assert_eq!(
            claim_at(&c, "https://example.com/roles"),
            Some(&json!(["r1"]))
        );
        assert_eq!(claim_at(&c, "a.zz"), None);
    }

    #[test]
    fn long_lists_keep_order_and_drop_repeats() {
        let mut roles: Vec<String> = (0..1000).map(|i| format!("r{}", i % 700)).collect();
        roles.insert(0, String::new());
        let s = summarise(None, &obj(json!({ "roles": roles, "scope": "a b a c b" })));
        assert_eq!(s.roles.len(), 700);
        assert_eq!(s.roles[..3], ["r0", "r1", "r2"]);
        assert_eq!(s.roles[699], "r699");
        assert_eq!(s.scopes, ["a", "b", "c"]);
    }

    #[test]
    fn type_from_header_or_shape() {
        let h = obj(json!({"typ": "at+jwt"}));
        assert_eq!(
            summarise(Some(&h), &Map::new()).token_type.as_deref(),
            Some("access")
        );
        assert_eq!(
            summarise(None, &obj(json!({"nonce": "n"})))
                .token_type
                .as_deref(),
            Some("id")
        );
        assert_eq!(
            summarise(None, &obj(json!({"type": "refresh"})))
                .token_type
                .as_deref(),
            Some("refresh")
        );
        assert_eq!(summarise(None, &Map::new()).token_type, None);
    }
}
