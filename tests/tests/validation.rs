//! `Validate` reports every violation in a model, however deep, each with the JSON pointer
//! of the value, the rule and the offending value; decoding never fails on a constraint.

use atlas_admin::models::{ClusterDescription20240805, GroupUserResponse};
use atlas_admin::validation::Rule;
use atlas_admin::Validate;
use serde_json::json;

fn cluster(name: &str, zone_id: &str, tag_key: &str, priority: i64) -> serde_json::Value {
    json!({
        "name": name,
        "clusterType": "REPLICASET",
        "mongoDBVersion": "8.0.1",
        "tags": [{"key": "env", "value": "prod"}, {"key": tag_key, "value": "x"}],
        "replicationSpecs": [{
            "zoneName": "Zone 1",
            "zoneId": zone_id,
            "regionConfigs": [
                {"providerName": "AWS", "regionName": "US_EAST_1", "priority": 7,
                 "electableSpecs": {"instanceSize": "M10", "nodeCount": 3}},
                {"providerName": "AWS", "regionName": "US_WEST_2", "priority": priority,
                 "electableSpecs": {"instanceSize": "M10", "nodeCount": 2}}
            ]
        }]
    })
}

#[test]
fn a_valid_cluster_has_no_violations() {
    let valid: ClusterDescription20240805 =
        serde_json::from_value(cluster("Cluster0", "32b6e34b3d91647abb20e7b8", "team", 6)).unwrap();
    assert_eq!(valid.validate(), Ok(()));
}

#[test]
fn faults_at_three_depths_are_all_reported_with_their_pointers() {
    // Decoding accepts all of it: the server is the authority on what it returns.
    let faulty: ClusterDescription20240805 =
        serde_json::from_value(cluster("bad_name!", "not-an-id", "", 9)).unwrap();
    let violations = faulty.validate().unwrap_err();
    let found: Vec<(&str, String, &str)> = violations
        .iter()
        .map(|v| (v.pointer.as_str(), v.rule.to_string(), v.value.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("/name", "pattern ^[a-zA-Z0-9][a-zA-Z0-9-]*$".to_string(), "\"bad_name!\""),
            ("/replicationSpecs/0/regionConfigs/1/priority", "maximum 7".to_string(), "9"),
            ("/replicationSpecs/0/zoneId", "pattern ^([a-f0-9]{24})$".to_string(), "\"not-an-id\""),
            ("/tags/1/key", "minLength 1".to_string(), "\"\""),
        ],
        "{violations}"
    );
    assert!(matches!(violations.0[1].rule, Rule::Maximum(max) if max == 7.0));
    assert!(violations.to_string().starts_with("4 constraint violation(s)"));
}

#[test]
fn items_of_arrays_are_checked_with_their_index() {
    let user: GroupUserResponse = serde_json::from_value(json!({
        "id": "32b6e34b3d91647abb20e7b8",
        "orgMembershipStatus": "ACTIVE",
        "roles": ["GROUP_OWNER"],
        "username": "a@example.com",
        "country": "US",
        "createdAt": "2024-01-02T03:04:05Z",
        "firstName": "A",
        "lastName": "B",
        "lastAuth": "2024-01-02T03:04:05Z",
        "mobileNumber": "2124560187",
    }))
    .unwrap();
    assert_eq!(user.validate(), Ok(()));
    let mut bad = serde_json::to_value(&user).unwrap();
    bad["country"] = json!("usa");
    bad["mobileNumber"] = json!("12");
    let user: GroupUserResponse = serde_json::from_value(bad).unwrap();
    let pointers: Vec<String> = user.validate().unwrap_err().iter().map(|v| v.pointer.clone()).collect();
    assert_eq!(pointers, ["/country", "/mobileNumber"]);
}

#[test]
fn operation_parameters_are_validated_before_anything_is_sent() {
    use atlas_admin::models::ObjectId;
    use atlas_admin::params::ListGroupClustersParams;

    let ok = ListGroupClustersParams {
        items_per_page: Some(500),
        page_num: Some(1),
        ..ListGroupClustersParams::new("32b6e34b3d91647abb20e7b8".parse().unwrap())
    };
    assert_eq!(ok.validate(), Ok(()));
    let bad = ListGroupClustersParams {
        group_id: ObjectId::new_unchecked("my-project"),
        items_per_page: Some(501),
        page_num: Some(0),
        ..ok
    };
    let found: Vec<(String, String)> =
        bad.validate().unwrap_err().iter().map(|v| (v.pointer.clone(), v.rule.to_string())).collect();
    assert_eq!(
        found,
        [
            ("/groupId".to_string(), "pattern ^([a-f0-9]{24})$".to_string()),
            ("/itemsPerPage".to_string(), "maximum 500".to_string()),
            ("/pageNum".to_string(), "minimum 1".to_string()),
        ]
    );
}
