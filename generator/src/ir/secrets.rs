//! Which properties carry secrets: their values are redacted in `Debug` and never quoted in
//! validation errors. A reviewed rule, not a guess per property:
//!
//! * a string with `format: password`, or
//! * a string whose name ends in the words `password`, `secret` or `token`, or in `key`
//!   after `private`, `api`, `access`, `ssl` or `account` (`privateKey`, `datadogApiKey`,
//!   `secretAccessKey`, `sslKey`, `serviceAccountKey`),
//! * except names that say the value is masked (`maskedSecret`) or public
//!   (`destinationOrgPublicApiKey`).
//!
//! `writeOnly` alone is not the rule: in this spec it also marks request-only identifiers
//! (`username`, `groupId`, `snapshotId`), which are no secret.

use heck::ToSnakeCase;

const SECRET_WORDS: &[&str] = &["password", "secret", "token"];
const KEY_QUALIFIERS: &[&str] = &["private", "api", "access", "ssl", "account"];

/// Whether a string property named `wire` (with `format`) holds a secret.
pub fn is_secret(wire: &str, format: Option<&str>) -> bool {
    if format == Some("password") {
        return true;
    }
    let words: Vec<String> = wire.to_snake_case().split('_').map(str::to_owned).collect();
    if words.iter().any(|w| w == "masked" || w == "public") {
        return false;
    }
    match words.as_slice() {
        [.., last] if SECRET_WORDS.contains(&last.as_str()) => true,
        [.., qualifier, last] => last == "key" && KEY_QUALIFIERS.contains(&qualifier.as_str()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_secret;

    #[test]
    fn secrets_by_name_and_format() {
        for secret in ["password", "bindPassword", "clientSecret", "apiKey", "datadogApiKey", "privateKey",
            "secretAccessKey", "sslKey", "serviceAccountKey", "hecToken", "linkToken", "webhookSecret"] {
            assert!(is_secret(secret, None), "{secret}");
        }
        for plain in ["username", "apiKeyId", "tokens", "tokenFilters", "maxTokenLength", "maskedSecret",
            "destinationOrgPublicApiKey", "secretExpiresAfterHours", "key", "tokenEndpointUrl"] {
            assert!(!is_secret(plain, None), "{plain}");
        }
        assert!(is_secret("bodyTemplate", Some("password")));
    }
}
