//! What real Atlas traffic does that the spec does not say: properties the spec does not
#![allow(deprecated)] // `labels` is deprecated in the spec, and used here all the same.
//! list, required ones left out, values of another shape. Every model decodes such a
//! payload, keeps what it did not expect, re-encodes exactly what it received, and reports
//! the deviations through `validate()`. Also: tags written for variants built in code, and
//! secrets kept out of `Debug` and validation errors.

use atlas_admin::models::{
    AwsRegionConfig20240805, CloudAppUser, CloudDatabaseUser, CloudDatabaseUserDatabaseName,
    CloudRegionConfig20240805, CloudRegionProviderName, ClusterDescription20240805,
    DatabaseUserRole, GcpRegionConfig20240805, OrgUserResponse, PaginatedClusterDescription20240805,
};
use atlas_admin::validation::{Rule, Violation};
use atlas_admin::Validate;
use serde_json::{json, Value};

fn cluster() -> Value {
    let page: Value = serde_json::from_str(include_str!("../../atlas-admin/benches/clusters.json")).unwrap();
    page["results"][1].clone()
}

/// Asserts `a` and `b` are the same JSON, numbers in the same form (`40` is not `40.0`: a
/// `double` read as an integer is sent back as one), naming the first place they differ.
#[track_caller]
fn assert_same(a: &Value, b: &Value) {
    fn diff(a: &Value, b: &Value, at: String) -> Option<String> {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) if x.to_string() == y.to_string() => None,
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                x.iter().zip(y).enumerate().find_map(|(i, (x, y))| diff(x, y, format!("{at}/{i}")))
            }
            (Value::Object(x), Value::Object(y)) if x.len() == y.len() => x
                .iter()
                .find_map(|(k, v)| match y.get(k) {
                    Some(w) => diff(v, w, format!("{at}/{k}")),
                    None => Some(format!("{at}/{k}: only on the left")),
                }),
            _ if a == b => None,
            _ => Some(format!("{at}: {a} != {b}")),
        }
    }
    if let Some(d) = diff(a, b, String::new()) {
        panic!("JSON differs at {d}");
    }
}

fn violations<T: Validate>(value: &T) -> Vec<Violation> {
    value.validate().err().map(|v| v.0).unwrap_or_default()
}

#[test]
fn unknown_properties_are_kept_readable_and_written_back() {
    let input = cluster();
    assert_eq!(input["effectiveDatabaseEdition"], "ENTERPRISE");
    let decoded: ClusterDescription20240805 = serde_json::from_value(input.clone()).unwrap();
    assert_eq!(decoded.extra.get("effectiveDatabaseEdition"), Some(&json!("ENTERPRISE")));
    // Deep inside: auto-scaling `compute` of a region config carries `predictiveEnabled`.
    let spec = &decoded.replication_specs.as_ref().unwrap()[0];
    let CloudRegionConfig20240805::Aws(aws) = &spec.region_configs.as_ref().unwrap()[0] else { panic!("not AWS") };
    let compute = aws.auto_scaling.as_ref().unwrap().compute.as_ref().unwrap();
    assert_eq!(compute.extra.get("predictiveEnabled"), Some(&json!(false)));
    // A read-modify-write loses nothing.
    assert_same(&serde_json::to_value(&decoded).unwrap(), &input);
    assert!(decoded.validate().is_ok(), "{:?}", decoded.validate());
}

#[test]
fn an_unknown_property_set_in_code_is_sent() {
    let mut decoded: ClusterDescription20240805 = serde_json::from_value(cluster()).unwrap();
    decoded.extra.insert("newSetting", json!({"enabled": true}));
    decoded.extra.remove("effectiveDatabaseEdition");
    let encoded = serde_json::to_value(&decoded).unwrap();
    assert_eq!(encoded["newSetting"], json!({"enabled": true}));
    assert!(encoded.get("effectiveDatabaseEdition").is_none());
}

#[test]
fn a_whole_page_decodes_and_round_trips() {
    let page: Value = serde_json::from_str(include_str!("../../atlas-admin/benches/clusters.json")).unwrap();
    let decoded: PaginatedClusterDescription20240805 = serde_json::from_value(page.clone()).unwrap();
    assert_eq!(decoded.results.as_ref().map(Vec::len), Some(3));
    assert_same(&serde_json::to_value(&decoded).unwrap(), &page);
}

fn app_user() -> Value {
    json!({
        "country": "US", "emailAddress": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace",
        "id": "32b6e34b3d91647abb20e7b8", "roles": [{"groupId": "32b6e34b3d91647abb20e7b8", "roleName": "GROUP_OWNER"}],
        "username": "ada@example.com", "createdAt": "2024-01-02T03:04:05Z", "links": [], "teamIds": []
    })
}

#[test]
fn a_missing_required_property_decodes_is_not_invented_and_is_reported() {
    // Real Atlas often leaves out `mobileNumber`, which the spec marks required.
    let input = app_user();
    let user: CloudAppUser = serde_json::from_value(input.clone()).unwrap();
    assert_eq!(user.mobile_number, "");
    assert!(user.extra.missing().contains(&"mobileNumber"));
    let encoded = serde_json::to_value(&user).unwrap();
    assert!(encoded.get("mobileNumber").is_none(), "re-encoding invents nothing: {encoded}");
    assert_eq!(encoded, input);
    let found = violations(&user);
    assert!(found.iter().any(|v| v.pointer == "/mobileNumber" && v.rule == Rule::Required), "{found:?}");

    // Once set in code, it is sent.
    let mut user = user;
    user.mobile_number = "2025550123".into();
    assert_eq!(serde_json::to_value(&user).unwrap()["mobileNumber"], "2025550123");
}

#[test]
fn an_odd_value_does_not_sink_the_object_and_is_kept_as_received() {
    let mut input = cluster();
    // An object where the spec declares an array, a string where it declares a number.
    input["labels"] = json!({"key": "env", "value": "prod"});
    input["replicationSpecs"][0]["regionConfigs"][0]["priority"] = json!("7");
    let decoded: ClusterDescription20240805 = serde_json::from_value(input.clone()).unwrap();
    assert_eq!(decoded.labels, None);
    assert_eq!(decoded.extra.odd_value("labels"), Some(&json!({"key": "env", "value": "prod"})));
    // The rest is typed.
    assert_eq!(decoded.name.as_ref().map(|n| n.as_str()), Some("cluster-1"));
    assert_same(&serde_json::to_value(&decoded).unwrap(), &input);
    let found = violations(&decoded);
    let shapes: Vec<&str> = found.iter().filter(|v| v.rule == Rule::Shape).map(|v| v.pointer.as_str()).collect();
    assert_eq!(shapes, ["/replicationSpecs/0/regionConfigs/0/priority", "/labels"], "{found:?}");
}

#[test]
fn an_odd_item_keeps_the_whole_array_as_received() {
    let mut input = app_user();
    input["roles"] = json!([{"groupId": "32b6e34b3d91647abb20e7b8", "roleName": "GROUP_OWNER"}, "GROUP_READ_ONLY"]);
    let user: CloudAppUser = serde_json::from_value(input.clone()).unwrap();
    assert!(user.roles.is_empty());
    assert_eq!(serde_json::to_value(&user).unwrap(), input);
}

/// Atlas accepts a `number` in integer form, and a read-modify-write must send what it read:
/// `10` stays `10` (not `10.0`), a fraction stays the fraction, in `f64` and `f32` fields.
#[test]
fn numbers_keep_the_form_they_were_read_in() {
    for disk in [json!(10), json!(10.5), json!(0), json!(-3), json!(1e20)] {
        let mut input = cluster();
        input["replicationSpecs"][0]["regionConfigs"][0]["electableSpecs"]["diskSizeGB"] = disk;
        let decoded: ClusterDescription20240805 = serde_json::from_value(input.clone()).unwrap();
        assert_same(&serde_json::to_value(&decoded).unwrap(), &input);
    }
    for oplog in [json!(24), json!(1.25), json!(null)] {
        let input = json!({"oplogMinRetentionHours": oplog});
        let args: atlas_admin::models::ClusterDescriptionProcessArgs20240805 = serde_json::from_value(input.clone()).unwrap();
        assert_same(&serde_json::to_value(&args).unwrap(), &input);
    }
    let line: atlas_admin::models::InvoiceLineItem = serde_json::from_value(json!({"percentDiscount": 0.1, "quantity": 2})).unwrap();
    assert_eq!(serde_json::to_string(&line).unwrap(), r#"{"percentDiscount":0.1,"quantity":2}"#);
    // Set in code, an integral value goes out as an integer too.
    let args = atlas_admin::models::ClusterDescriptionProcessArgs20240805 {
        oplog_min_retention_hours: Some(Some(48.0)),
        ..Default::default()
    };
    assert_eq!(serde_json::to_string(&args).unwrap(), r#"{"oplogMinRetentionHours":48}"#);
}

#[test]
fn an_explicit_null_re_encodes_as_null() {
    let mut input = cluster();
    input["biConnector"] = Value::Null;
    let decoded: ClusterDescription20240805 = serde_json::from_value(input.clone()).unwrap();
    assert_eq!(decoded.bi_connector, None);
    assert_same(&serde_json::to_value(&decoded).unwrap(), &input);
}

#[test]
fn a_variant_built_in_code_writes_its_tag_and_decodes_back_to_itself() {
    let config = CloudRegionConfig20240805::from(AwsRegionConfig20240805 { priority: Some(7), ..Default::default() });
    let encoded = serde_json::to_value(&config).unwrap();
    assert_eq!(encoded, json!({"priority": 7, "providerName": "AWS"}));
    let decoded: CloudRegionConfig20240805 = serde_json::from_value(encoded).unwrap();
    assert_eq!(decoded, CloudRegionConfig20240805::Aws(AwsRegionConfig20240805 {
        priority: Some(7),
        provider_name: Some(CloudRegionProviderName::Aws),
        ..Default::default()
    }));

    // A contradicting tag is corrected: the variant decides.
    let contradicting = CloudRegionConfig20240805::Gcp(GcpRegionConfig20240805 {
        provider_name: Some(CloudRegionProviderName::Aws),
        ..Default::default()
    });
    assert_eq!(serde_json::to_value(&contradicting).unwrap()["providerName"], "GCP");
}

#[test]
fn a_tag_read_from_the_wire_is_written_back_unchanged() {
    let input = json!({"id": "32b6e34b3d91647abb20e7b8", "orgMembershipStatus": "INVITATION_REJECTED",
        "roles": {"orgRoles": ["ORG_MEMBER"]}, "username": "a@example.com",
        "invitationCreatedAt": "2024-01-02T03:04:05Z", "invitationExpiresAt": "2024-02-02T03:04:05Z",
        "inviterUsername": "admin@example.com"});
    let user: OrgUserResponse = serde_json::from_value(input.clone()).unwrap();
    assert!(matches!(user, OrgUserResponse::Pending(_)));
    assert_eq!(serde_json::to_value(&user).unwrap(), input);
}

fn database_user(password: &str) -> CloudDatabaseUser {
    let mut user = CloudDatabaseUser::new(
        CloudDatabaseUserDatabaseName::Admin,
        vec![DatabaseUserRole::new("admin".into(), "readWriteAnyDatabase".into())],
        "app".into(),
    );
    user.password = Some(password.into());
    user.group_id = Some("32b6e34b3d91647abb20e7b8".into());
    user
}

#[test]
fn secrets_stay_out_of_debug_output() {
    let user = database_user("correct horse battery staple");
    let shown = format!("{user:?}");
    assert!(!shown.contains("correct horse"), "{shown}");
    assert!(shown.contains("password: Some(<redacted>)"), "{shown}");
    assert!(shown.contains("username: \"app\""), "{shown}");
}

#[test]
fn secrets_stay_out_of_validation_errors() {
    let user = database_user("short");
    let err = user.validate().unwrap_err();
    let shown = err.to_string();
    assert!(err.iter().any(|v| v.pointer == "/password" && v.rule == Rule::MinLength(8)), "{shown}");
    assert!(!shown.contains("short"), "{shown}");
}

#[test]
fn a_request_missing_a_required_write_only_property_is_reported() {
    // `groupId` is required and writeOnly: a response never has it, a request must.
    let mut user = database_user("correct horse battery staple");
    user.group_id = None;
    assert!(user.validate().is_ok(), "{:?}", user.validate());
    let err = user.validate_request().unwrap_err();
    assert!(err.iter().any(|v| v.pointer == "/groupId" && v.rule == Rule::Required), "{err}");
}

#[test]
fn custom_role_resources_are_the_cluster_or_a_namespace() {
    use atlas_admin::models::DatabasePermittedNamespaceResource as Resource;
    let cluster: Resource = serde_json::from_value(json!({"cluster": true})).unwrap();
    assert!(matches!(&cluster, Resource::Cluster(c) if c.cluster), "{cluster:?}");
    let whole_db: Resource = serde_json::from_value(json!({"db": "sales"})).unwrap();
    assert!(matches!(&whole_db, Resource::Namespace(n) if n.db == "sales" && n.collection.is_none()), "{whole_db:?}");
    let collection: Resource = serde_json::from_value(json!({"db": "sales", "collection": "orders"})).unwrap();
    assert!(matches!(&collection, Resource::Namespace(n) if n.collection.as_deref() == Some("orders")));
    for resource in [&cluster, &whole_db, &collection] {
        assert!(resource.validate().is_ok(), "{resource:?}: {:?}", resource.validate());
    }
}

#[test]
fn values_atlas_produces_pass_validation() {
    // Project names with spaces, as real Atlas returns them.
    let project: atlas_admin::models::Group = serde_json::from_value(json!({
        "name": "Atlas CLI E2E", "orgId": "32b6e34b3d91647abb20e7b8", "clusterCount": 0,
        "created": "2024-01-02T03:04:05Z", "id": "32b6e34b3d91647abb20e7b9", "links": []
    }))
    .unwrap();
    assert!(project.validate().is_ok(), "{:?}", project.validate());
    // A lower-case LDAP bind DN.
    let ldap: atlas_admin::models::LdapSecuritySettings =
        serde_json::from_value(json!({"bindUsername": "cn=admin,dc=example,dc=org", "hostname": "ldap.example.org", "port": 636}))
            .unwrap();
    assert!(ldap.validate().is_ok(), "{:?}", ldap.validate());
    // A user who never set a mobile number: `""`.
    let user: atlas_admin::models::CloudAppUser = serde_json::from_value(json!({
        "username": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace", "emailAddress": "ada@example.com",
        "country": "GB", "mobileNumber": "", "roles": []
    }))
    .unwrap();
    assert!(user.validate().is_ok(), "{:?}", user.validate());
    // An API-key access-list entry no request has used yet: `count` 0.
    let entry: atlas_admin::models::UserAccessListResponse = serde_json::from_value(json!({"cidrBlock": "10.0.0.0/24", "count": 0})).unwrap();
    assert!(entry.validate().is_ok(), "{:?}", entry.validate());
}

#[test]
fn a_new_scram_user_needs_a_password_an_external_one_does_not() {
    use atlas_admin::models::CloudDatabaseUserX509Type;
    let mut user = database_user("correct horse battery staple");
    assert!(user.validate_create().is_ok(), "{:?}", user.validate_create());
    user.password = None;
    let err = user.validate_create().unwrap_err();
    assert!(err.iter().any(|v| v.pointer == "/password" && v.rule == Rule::Required), "{err}");
    // An update may leave it out.
    assert!(user.validate_request().is_ok());
    // An x.509 user has no password.
    user.x509_type = Some(CloudDatabaseUserX509Type::Managed);
    user.database_name = CloudDatabaseUserDatabaseName::External;
    assert!(user.validate_create().is_ok(), "{:?}", user.validate_create());
}

#[test]
fn a_read_modify_write_is_not_refused_for_what_the_server_set() {
    // `createDate` is readOnly: an odd value the server sent is reported by `validate()`,
    // but a request that sends the object back is not refused for it.
    let mut input = cluster();
    input["createDate"] = json!(1716907431);
    let decoded: ClusterDescription20240805 = serde_json::from_value(input).unwrap();
    assert!(violations(&decoded).iter().any(|v| v.pointer == "/createDate" && v.rule == Rule::Shape));
    assert!(decoded.validate_request().is_ok(), "{:?}", decoded.validate_request());
}
