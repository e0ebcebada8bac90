//! Request rules the spec states only in prose, for the operations they belong to. Written by
//! hand (the generator never touches this file); each names the sentence of the spec it
//! enforces.

use crate::models::CloudDatabaseUser;
use crate::validation::{Rule, Validator, Violations};
use crate::Validate;

impl CloudDatabaseUser {
    /// Validation for creating this user (`createDatabaseUser`): [`validate_request`] plus
    /// the spec's rule that a SCRAM-SHA user needs a password ("To authenticate with
    /// SCRAM-SHA, you must specify this parameter"). A user is SCRAM-SHA when none of
    /// `awsIAMType`, `ldapAuthType`, `oidcAuthType` and `x509Type` is set to anything but
    /// `NONE`. An update (`updateDatabaseUser`) may leave the password out: use
    /// [`validate_request`] there.
    ///
    /// [`validate_request`]: Validate::validate_request
    pub fn validate_create(&self) -> Result<(), Violations> {
        let mut v = Validator::for_request();
        self.validate_into(&mut v);
        let external = [
            self.aws_iam_type.as_ref().map(|t| t.as_str()),
            self.ldap_auth_type.as_ref().map(|t| t.as_str()),
            self.oidc_auth_type.as_ref().map(|t| t.as_str()),
            self.x509_type.as_ref().map(|t| t.as_str()),
        ]
        .into_iter()
        .any(|t| t.is_some_and(|t| t != "NONE"));
        if !external && self.password.is_none() {
            v.violation_at("password", Rule::Required, "nothing");
        }
        v.finish()
    }
}
