//! Recurring identifier patterns of the Atlas spec and the validated newtypes that carry
//! them. A property or parameter with one of these patterns gets the newtype instead of
//! `String`, so an id checked once stays checked. Every other pattern is enforced by
//! `Validate` on the model that holds the value.

/// (pattern exactly as the spec writes it, newtype name, what it identifies)
pub const NEWTYPES: &[(&str, &str, &str)] = &[
    ("^([a-f0-9]{24})$", "ObjectId", "A 24-hexadecimal-digit identifier in lower case: projects (groups), organizations, users, teams, alerts, and most other Atlas resources."),
    ("^[a-fA-F0-9]{24}$", "ObjectIdAnyCase", "A 24-hexadecimal-digit identifier, in either case."),
    ("^[a-zA-Z0-9][a-zA-Z0-9-]*$", "ResourceName", "A name of ASCII letters, digits and hyphens that starts with a letter or digit: clusters, stream instances, ..."),
    ("^mdb_sa_id_[a-fA-F\\d]{24}$", "ServiceAccountClientId", "The client ID of an Atlas service account (`mdb_sa_id_` and 24 hexadecimal digits)."),
    ("^([a-f0-9]{20})$", "IdentityProviderId", "A 20-hexadecimal-digit identifier of a federated identity provider."),
    ("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", "Uuid", "A UUID in lower-case hexadecimal."),
    ("^vpce-[0-9a-f]{17}$", "AwsVpcEndpointId", "The identifier of an AWS interface VPC endpoint (`vpce-` and 17 hexadecimal digits)."),
    ("^vpc-[0-9a-f]{17}$", "AwsVpcId", "The identifier of an AWS VPC (`vpc-` and 17 hexadecimal digits)."),
    ("^([a-fA-F0-9]{64})$", "QueryShapeHash", "A 64-hexadecimal-digit hash of a query shape."),
    ("^([A-Z]{2})$", "CountryCode", "A two-letter ISO 3166-1 alpha-2 country code."),
    ("^pls_[0-9a-f]{24}$", "AzurePrivateLinkServiceName", "The name of an Azure Private Link service (`pls_` and 24 hexadecimal digits)."),
    ("^p-[0-9a-z]{24}$", "GcpProjectId", "The identifier of the Google Cloud project Atlas uses (`p-` and 24 characters)."),
    ("^([0-9a-f]){40}$", "Hex40", "A 40-hexadecimal-digit identifier or key."),
];

/// The newtype for `pattern`, if it is one of the recurring identifier patterns.
pub fn newtype_for(pattern: &str) -> Option<(&'static str, &'static str)> {
    NEWTYPES.iter().find(|(p, _, _)| *p == pattern).map(|(_, name, doc)| (*name, *doc))
}
