//! Every pattern of the spec, enforced exactly as written: values it must accept and
//! near misses it must reject (wrong length, wrong case, a trailing dot, ...). The cases
//! were cross-checked against an independent ECMAScript engine (Node.js `RegExp`).

use atlas_admin::patterns::{self, ALL};
use atlas_admin::validation::Pattern;

/// (pattern, accepted, rejected)
static CASES: &[(&Pattern, &[&str], &[&str])] = &[
    (&patterns::OBJECT_ID, &["32b6e34b3d91647abb20e7b8"], &["32b6e34b3d91647abb20e7b", "32b6e34b3d91647abb20e7b80", "32B6E34B3D91647ABB20E7B8", "gggggggggggggggggggggggg", " 32b6e34b3d91647abb20e7b8", "32b6e34b3d91647abb20e7b8\n"]),
    (&patterns::OBJECT_ID_ANY_CASE, &["32b6e34b3d91647abb20e7b8", "32B6E34B3D91647ABB20E7B8"], &["32b6e34b3d91647abb20e7b", "GGGGGGGGGGGGGGGGGGGGGGGG", "32b6e34b3d91647abb20e7b8a"]),
    (&patterns::RESOURCE_NAME, &["Cluster0", "my-cluster-1", "0abc"], &["-cluster", "my_cluster", "clu ster", "", "cluster.1"]),
    (&patterns::REMOTE_ADDRESS, &["192.168.0.1", "10.0.0.255", "fe80:0:0:0:202:b3ff:fe1e:8329"], &["192.168.0.1.", "256.1.1.1", "192.168.0", "1.2.3.04", "FE80:0:0:0:202:B3FF:FE1E:8329x"]),
    (&patterns::SERVICE_ACCOUNT_CLIENT_ID, &["mdb_sa_id_32b6e34b3d91647abb20e7b8", "mdb_sa_id_32B6E34B3D91647ABB20E7B8"], &["mdb_sa_id_32b6e34b3d91647abb20e7b", "mdb_sa_32b6e34b3d91647abb20e7b8", "mdb_sa_id_gggggggggggggggggggggggg"]),
    (&patterns::IDENTITY_PROVIDER_ID, &["00a1b2c3d4e5f6a7b8c9"], &["aaaaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaaaaaa", "AAAAAAAAAAAAAAAAAAAA"]),
    (&patterns::UUID, &["123e4567-e89b-12d3-a456-426614174000"], &["123e4567e89b12d3a456426614174000", "123E4567-E89B-12D3-A456-426614174000", "123e4567-e89b-12d3-a456-42661417400"]),
    (&patterns::AWS_VPC_ENDPOINT_ID, &["vpce-0123456789abcdef0"], &["vpce-0123456789abcdef", "vpc-0123456789abcdef0", "vpce-0123456789ABCDEF0"]),
    (&patterns::AWS_VPC_ID, &["vpc-0123456789abcdef0"], &["vpc-0123456789abcdef", "vpce-0123456789abcdef0", "vpc-0123456789abcdeg0"]),
    (&patterns::QUERY_SHAPE_HASH, &["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789"], &["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]),
    (&patterns::COUNTRY_CODE, &["US", "GB"], &["us", "USA", "U", "U1"]),
    (&patterns::AZURE_PRIVATE_LINK_SERVICE_NAME, &["pls_32b6e34b3d91647abb20e7b8"], &["pls_32b6e34b3d91647abb20e7b", "pls-32b6e34b3d91647abb20e7b8", "pls_32B6E34B3D91647ABB20E7B8"]),
    (&patterns::GCP_PROJECT_ID, &["p-a1a1a1a1a1a1a1a1a1a1a1a1"], &["p-a1a1a1a1a1a1a1a1a1a1a1", "p_a1a1a1a1a1a1a1a1a1a1a1a1", "p-A1A1A1A1A1A1A1A1A1A1A1A1"]),
    (&patterns::HEX40, &["0123456789abcdef0123456789abcdef01234567"], &["0123456789abcdef0123456789abcdef0123456", "0123456789ABCDEF0123456789ABCDEF01234567"]),
    (&patterns::CIDR_BLOCK, &["10.8.0.0/18", "10.8.0.0%2F18", "2001:db8::/32"], &["10.8.0.0", "10.8.0.0/", "10.8.0.0/18x", "10.8.0/18"]),
    (&patterns::PROCESS_ID, &["cluster0-shard-00-00.abcde.mongodb.net:27017", "mongo.example.com:27017"], &["mongo.example.com:27", "mongo.example.com:123456", "mongo.example.com"]),
    (&patterns::MONGO_DB_VERSION, &["7.0.12", "version 8.0.1-rc0"], &["7.0", "7", "v.x.y"]),
    (&patterns::DESCRIPTION, &["My project's name, v1.2", "Ünïcödé 数据库", ""], &["tab\there", "semi;colon", "a/b", "<script>"]),
    (&patterns::NAME, &["Project-1", "Équipe(prod):A&B+C@x", "数据库", "Atlas CLI E2E"], &["", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "tab\there", "slash/"]),
    (&patterns::TARGET_DEPLOYMENT_ITEM_NAME, &["Cluster-1", "数据库"], &["", "has space", "slash/"]),
    (&patterns::IP_ADDRESS, &["192.168.0.1", "192.168.0.1%2F32", "2001:db8:0:0:0:0:0:1", "2001:db8::"], &["192.168.0", "2001:db8::1", "ab"]),
    (&patterns::ENTRY_VALUE, &["192.168.0.1", "sg-0123abcd", "anything at all"], &[]),
    (&patterns::HOSTNAME, &["mongo.example.com", "10.0.0.1", "anything at all"], &[]),
    (&patterns::BIND_USERNAME, &["CN=BindUser,CN=Users,DC=myldapserver,DC=mycompany,DC=com", "DC=example,DC=com", "cn=admin,dc=example,dc=org"], &["CN=BindUser", "CN=BindUser,OU=Users", "uid=admin,dc=example"]),
    (&patterns::OPLOG_TS, &["2024-02-29T12:34:56Z", "2023-01-31T23:59:59.123456789+05:30"], &["2023-02-29T12:34:56Z", "2023-04-31T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01 12:00:00Z", "2024-01-01T12:00:00"]),
    (&patterns::MOBILE_NUMBER, &["+1 212-456-0187", "2124560187", "212 456-0187", ""], &["123-456-7890", "+44 20 7946 0000", "212456018", " "]),
    (&patterns::VNET_NAME, &["my-vnet_1.(prod)"], &["my vnet", "vnet/1", ""]),
    (&patterns::AWS_SECURITY_GROUP, &["sg-0123456789abcdef0", "123456789012/sg-0123"], &["sgx-0123", "vpc-0123", "sg_0123"]),
    (&patterns::NON_RUNNING_HOST_IDS, &["a1b2c3d4", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"], &["a1b2c3d", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "A1B2C3D4"]),
    (&patterns::CLOUD_PROVIDER_ENDPOINT_ID, &["/subscriptions/12345678-1234-1234-1234-123456789abc/resourceGroups/privateLink/providers/Microsoft.Network/privateEndpoints/my-endpoint", "/subscriptions/12345678-1234-1234-1234-123456789abc/resourcegroups/my-rg/providers/Microsoft.Network/privateEndpoints/my-endpoint"], &["/subscriptions/12345678-1234-1234-1234-123456789abc/resourceGroups/privateLink/providers/Microsoft.Network/privateEndpoints/", "/subscriptions/not-a-uuid/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe"]),
    (&patterns::AWS_ACCOUNT_ID, &["123456789012"], &["12345678901", "1234567890123", "12345678901a"]),
    (&patterns::PRIVATE_ENDPOINT_CONNECTION_NAME, &["12345678-1234-1234-1234-123456789abc%2Fmy-rg%2Fmy-pe"], &["12345678-1234-1234-1234-123456789abc/my-rg/my-pe", "12345678-1234-1234-1234-123456789abc%2Fmy-rg"]),
    (&patterns::USER_NAME, &["jane.doe@example.com", "o'neil+tag@mail.example.org", "Jane.Doe@Example.com"], &["jane@", "jane.@example.com", "jane@example.com-"]),
    (&patterns::GCP_PROJECT_ID2, &["my-project-123"], &["1project", "my", "My-project-123"]),
    (&patterns::PRIVATE_ENDPOINTS, &["/subscriptions/12345678-1234-1234-1234-123456789abc/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe1"], &["/subscriptions/12345678/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe1", "subscriptions/12345678-1234-1234-1234-123456789abc/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe1"]),
    (&patterns::ARN, &["arn:aws:kafka:us-east-1:123456789012:cluster/x"], &["arn:aws:s3:::bucket", " arn:aws:kafka"]),
    (&patterns::ENDPOINT_SERVICE_NAME, &["com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"], &["com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef", "com.amazonaws.vpc.us-east-1.vpce-svc-0123456789abcdef0"]),
    (&patterns::ENDPOINT_SERVICE_NAME2, &["com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", "pls_32b6e34b3d91647abb20e7b8"], &["pls_32b6e34b3d91647abb20e7b", "com.amazonaws.vpce.us-east-1.vpce-svc-0123"]),
    (&patterns::GCP_SERVICE_ACCOUNT_FOR_ATLAS, &["mongodb-atlas-0123456789abcdef@p-a1a1a1a1a1a1a1a1a1a1a1a1.iam.gserviceaccount.com"], &["mongodb-atlas-0123456789abcde@p-a1a1a1a1a1a1a1a1a1a1a1a1.iam.gserviceaccount.com", "mongodb-atlas-0123456789abcdef@p-a1a1a1a1a1a1a1a1a1a1a1a1.iam.gserviceaccount.org"]),
    (&patterns::NETWORK_NAME2, &["nt-32b6e34b3d91647abb20e7b8-abcd1234"], &["nt-32b6e34b3d91647abb20e7b8-abcd123", "nt-32B6E34B3D91647ABB20E7B8-abcd1234"]),
    (&patterns::ENDPOINT_ID, &["vpce-0123456789abcdef0", "%2Fsubscriptions%2F12345678-1234-1234-1234-123456789abc%2FresourceGroups%2Frg%2Fproviders%2FMicrosoft.Network%2FprivateEndpoints%2Fpe1"], &["vpce-0123", "/subscriptions/12345678-1234-1234-1234-123456789abc/resourceGroups/rg"]),
    (&patterns::SERVICE_ATTACHMENT_NAMES, &["https://www.googleapis.com/compute/v1/projects/p-abc123/regions/us-east1/serviceAttachments/sa-1", "projects/p-abc/regions/us-east4/serviceAttachments/sa-xyz"], &["https://www.googleapis.com/compute/v1/projects/abc123/regions/us-east1/serviceAttachments/sa-1", "projects/p-abc/regions/us-east4/serviceAttachments/"]),
    (&patterns::INVOICE_ID, &["5e9f3d6c7a0b1c2d3e4f5a6b"], &["XYZ", "", "ghij"]),
    // On integer parameters (startDate/endDate), where JSON Schema does not apply patterns;
    // enforced as the string pattern it is for any text it is checked against.
    (&patterns::NETWORK_NAME, &["my-network"], &["123-456", "", "MY-NETWORK"]),
];

#[test]
fn every_pattern_accepts_its_values_and_rejects_its_near_misses() {
    let mut failures = Vec::new();
    for (pattern, accepted, rejected) in CASES {
        for value in *accepted {
            if !pattern.is_match(value) {
                failures.push(format!("{} should accept {value:?}", pattern.source()));
            }
        }
        for value in *rejected {
            if pattern.is_match(value) {
                failures.push(format!("{} should reject {value:?}", pattern.source()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_cases_cover_every_pattern_of_the_spec() {
    let covered: Vec<&str> = CASES.iter().map(|(p, _, _)| p.source()).collect();
    for pattern in ALL {
        assert_eq!(
            covered.iter().filter(|s| **s == pattern.source()).count(),
            1,
            "{} needs exactly one row in CASES",
            pattern.source()
        );
    }
    assert_eq!(CASES.len(), ALL.len());
    assert_eq!(ALL.len(), 44, "the spec, fixed, has 44 distinct string patterns");
}

#[test]
fn look_around_and_unicode_class_patterns_are_enforced_not_skipped() {
    // `(\.(?!$)|$)`: a trailing dot is refused by the look-ahead.
    assert!(patterns::REMOTE_ADDRESS.is_match("10.1.2.3"));
    assert!(!patterns::REMOTE_ADDRESS.is_match("10.1.2.3."));
    // `\p{L}\p{N}`: any script's letters and digits, but not punctuation outside the set.
    assert!(patterns::NAME.is_match("Ünïcödé-数据库"));
    assert!(!patterns::NAME.is_match("semi;colon"));
}

mod newtypes {
    use atlas_admin::models::{CountryCode, ObjectId};
    use atlas_admin::Validate;

    #[test]
    fn checked_construction() {
        let id: ObjectId = "32b6e34b3d91647abb20e7b8".parse().unwrap();
        assert_eq!(id.as_str(), "32b6e34b3d91647abb20e7b8");
        assert_eq!(id.to_string(), "32b6e34b3d91647abb20e7b8");
        assert_eq!(AsRef::<str>::as_ref(&id), "32b6e34b3d91647abb20e7b8");
        assert!(ObjectId::try_from("32b6e34b3d91647abb20e7b8".to_string()).is_ok());
        let err = ObjectId::try_from("32B6E34B3D91647ABB20E7B8").unwrap_err();
        assert_eq!(err.pattern, "^([a-f0-9]{24})$");
        assert_eq!(err.value, "32B6E34B3D91647ABB20E7B8");
        assert!(err.to_string().contains("ObjectId"), "{err}");
        assert!(err.to_string().contains("^([a-f0-9]{24})$"), "{err}");
    }

    #[test]
    fn decoding_never_fails_on_a_constraint_but_validate_reports_it() {
        let country: CountryCode = serde_json::from_str("\"usa\"").unwrap();
        assert_eq!(serde_json::to_string(&country).unwrap(), "\"usa\"");
        let violations = country.validate().unwrap_err();
        assert_eq!(violations.0.len(), 1);
        assert_eq!(violations.0[0].pointer, "");
        assert_eq!(violations.0[0].value, "\"usa\"");
    }
}

mod independent_matchers {
    //! Property tests: the newtypes accept exactly what simple hand-written matchers accept.
    use atlas_admin::models::{AwsVpcId, CountryCode, IdentityProviderId, ObjectId, ObjectIdAnyCase, Uuid};
    use proptest::prelude::*;

    fn hex(s: &str, lower_only: bool) -> bool {
        s.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c) || (!lower_only && ('A'..='F').contains(&c)))
    }

    fn uuid(s: &str) -> bool {
        let parts: Vec<&str> = s.split('-').collect();
        parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12]) && parts.iter().all(|p| hex(p, true))
    }

    /// Valid values of each shape (so acceptance is tested, not only refusal), strings near
    /// the shapes (hex digits of both cases, neighbours, dashes, prefixes) and arbitrary ones.
    fn candidates() -> impl Strategy<Value = String> {
        prop_oneof![
            "[0-9a-f]{24}",
            "[0-9a-fA-F]{24}",
            "[0-9a-f]{20}",
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "vpc-[0-9a-f]{17}",
            "[A-Z]{2}",
            "[0-9a-gA-G]{18,26}",
            "[0-9a-fA-F-]{34,38}",
            "vpc-[0-9a-gA-G]{15,19}",
            "[A-Za-z]{1,3}",
            any::<String>(),
        ]
    }

    /// Each newtype is given valid values often: one case in twenty at least for each,
    /// counted over a fixed run (a strategy that stopped producing them would make the
    /// properties above hold for a parser that refuses everything).
    #[test]
    fn the_candidates_include_valid_values_of_every_shape() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let values: Vec<String> = (0..2_000).map(|_| candidates().new_tree(&mut runner).unwrap().current()).collect();
        let share = |valid: &dyn Fn(&String) -> bool| values.iter().filter(|v| valid(v)).count() as f64 / values.len() as f64;
        let shares = [
            ("ObjectId", share(&|s| s.parse::<ObjectId>().is_ok())),
            ("IdentityProviderId", share(&|s| s.parse::<IdentityProviderId>().is_ok())),
            ("Uuid", share(&|s| s.parse::<Uuid>().is_ok())),
            ("AwsVpcId", share(&|s| s.parse::<AwsVpcId>().is_ok())),
            ("CountryCode", share(&|s| s.parse::<CountryCode>().is_ok())),
        ];
        for (name, share) in shares {
            assert!(share >= 0.05, "{name}: only {share:.3} of the candidates are valid");
        }
    }

    proptest! {
        #[test]
        fn object_id(s in candidates()) {
            prop_assert_eq!(s.parse::<ObjectId>().is_ok(), s.len() == 24 && hex(&s, true));
        }

        #[test]
        fn object_id_any_case(s in candidates()) {
            prop_assert_eq!(s.parse::<ObjectIdAnyCase>().is_ok(), s.len() == 24 && hex(&s, false));
        }

        #[test]
        fn identity_provider_id(s in candidates()) {
            prop_assert_eq!(s.parse::<IdentityProviderId>().is_ok(), s.len() == 20 && hex(&s, true));
        }

        #[test]
        fn uuid_newtype(s in candidates()) {
            prop_assert_eq!(s.parse::<Uuid>().is_ok(), uuid(&s));
        }

        #[test]
        fn aws_vpc_id(s in candidates()) {
            let expected = s.strip_prefix("vpc-").is_some_and(|rest| rest.len() == 17 && hex(rest, true));
            prop_assert_eq!(s.parse::<AwsVpcId>().is_ok(), expected);
        }

        #[test]
        fn country_code(s in candidates()) {
            prop_assert_eq!(s.parse::<CountryCode>().is_ok(), s.len() == 2 && s.chars().all(|c| c.is_ascii_uppercase()));
        }
    }
}

mod generated_values {
    //! Values generated from each pattern itself (with `proptest::string::string_regex`)
    //! must match it: a test that exercises acceptance, not only rejection, and checks that
    //! the ECMAScript engine the crate uses reads each pattern as a regex grammar does.
    use atlas_admin::patterns::ALL;
    use proptest::test_runner::{Config, TestRunner};

    /// The pattern as a generator can take it: without its outer `^`/`$` (a string generated
    /// from the inside matches the anchored whole) and with ECMAScript's ASCII `\d` spelled
    /// out (`regex-syntax` reads `\d` as any Unicode digit, and so on). `None` when it still holds what
    /// a generator cannot produce (look-around, inner anchors).
    fn generator_source(pattern: &str) -> Option<String> {
        let inner = pattern.strip_prefix('^').unwrap_or(pattern);
        let inner = inner.strip_suffix('$').filter(|i| !i.ends_with('\\')).unwrap_or(inner);
        if inner.contains("(?=") || inner.contains("(?!") || inner.contains("(?<") || inner.contains('^') {
            return None;
        }
        // ECMAScript's classes, spelled out (regex-syntax's `\s` also has U+0085, which
        // ECMAScript's does not: found by this test).
        let ecmascript_space = r"[\t\n\x0B\x0C\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}]";
        Some(inner.replace(r"\d", "[0-9]").replace(r"\w", "[A-Za-z0-9_]").replace(r"\s", ecmascript_space))
    }

    #[test]
    fn every_pattern_accepts_values_generated_from_it() {
        let mut runner = TestRunner::new(Config { cases: 48, failure_persistence: None, ..Config::default() });
        let mut generated = Vec::new();
        for pattern in ALL {
            let Some(source) = generator_source(pattern.source()) else { continue };
            let Ok(strategy) = proptest::string::string_regex(&source) else { continue };
            generated.push(pattern.source());
            runner
                .run(&strategy, |value| {
                    proptest::prop_assert!(pattern.is_match(&value), "{value:?} does not match {}", pattern.source());
                    Ok(())
                })
                .unwrap_or_else(|e| panic!("{}: {e}", pattern.source()));
        }
        // Most of the spec's patterns are plain enough to generate from; if this drops, the
        // test has stopped testing.
        assert!(generated.len() >= 38, "only {} of {} patterns generated values", generated.len(), ALL.len());
    }
}
