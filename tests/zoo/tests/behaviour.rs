//! Hand-written checks of the fixture crate's behaviour, beyond the generated tests: every
//! constraint kind, a polymorphic parent without `oneOf`, a property named like the `extra`
//! field, request bodies with constraints of their own, header parameters and secrets.

use atlas_admin::models::{Alert, ClusterAlert, Gauges, HostAlert, Keeper};
use atlas_admin::params::{AddKeeperAccessListParams, CreateKeeperParams};
use atlas_admin::validation::Rule;
use atlas_admin::Validate;
use serde_json::json;

fn rules(value: &impl Validate) -> Vec<(String, Rule)> {
    value.validate().err().map(|v| v.0.into_iter().map(|v| (v.pointer, v.rule)).collect()).unwrap_or_default()
}

#[test]
fn every_constraint_kind_is_checked() {
    let ok: Gauges = serde_json::from_value(json!({
        "code": "ABC", "note": "abc", "ratio": 0.5, "floor": 2, "days": 30,
        "tags": ["a", "b"], "settings": {"k": "v"}, "apiKey": "0123456789"
    }))
    .unwrap();
    assert_eq!(rules(&ok), []);
    let bad: Gauges = serde_json::from_value(json!({
        "code": "abc", "note": "abcde", "ratio": 1.0, "floor": 1, "days": 31,
        "tags": ["a", "a", "B", "c"], "settings": {"a": "long", "b": "v", "c": "v"}, "apiKey": "short"
    }))
    .unwrap();
    let found = rules(&bad);
    for expected in [
        ("/code", Rule::Pattern("^[A-Z]{3}$")),
        ("/note", Rule::MaxLength(4)),
        ("/ratio", Rule::ExclusiveMaximum(1.0)),
        ("/floor", Rule::ExclusiveMinimum(1.0)),
        ("/days", Rule::OneOf(&[7, 30])),
        ("/tags", Rule::MaxItems(3)),
        ("/tags/1", Rule::UniqueItems),
        ("/tags/2", Rule::Pattern("^[a-z]+$")),
        ("/settings", Rule::MaxProperties(2)),
        ("/settings/a", Rule::MaxLength(3)),
        ("/apiKey", Rule::MinLength(8)),
    ] {
        assert!(found.contains(&(expected.0.to_string(), expected.1.clone())), "{expected:?} not in {found:?}");
    }
    // The secret is not quoted.
    let shown = bad.validate().unwrap_err().to_string();
    assert!(!shown.contains("short"), "{shown}");
    assert!(!format!("{bad:?}").contains("short"));
}

#[test]
fn a_polymorphic_parent_without_one_of_is_a_tagged_union() {
    let host: Alert = serde_json::from_value(json!({"source": "HOST", "hostname": "h1"})).unwrap();
    assert!(matches!(&host, Alert::Host(h) if h.hostname.as_deref() == Some("h1")));
    // Missing required `clusterName` is reported, not fatal.
    let cluster: Alert = serde_json::from_value(json!({"source": "CLUSTER"})).unwrap();
    let Alert::Cluster(inner) = &cluster else { panic!("{cluster:?}") };
    assert_eq!(inner.extra.missing(), ["clusterName"]);
    // Built in code: the tag is written.
    let built = Alert::from(ClusterAlert::new(String::new(), "c0".into()));
    assert_eq!(serde_json::to_value(&built).unwrap(), json!({"source": "CLUSTER", "clusterName": "c0"}));
    // And a default variant writes its tag and nothing else.
    assert_eq!(serde_json::to_value(Alert::from(HostAlert::default())).unwrap(), json!({"source": "HOST"}));
}

#[test]
fn a_property_named_extra_keeps_its_name_and_unknowns_go_beside_it() {
    let keeper: Keeper = serde_json::from_value(json!({
        "id": "k", "type": "senior", "badge": null, "extra": {"free": "form"}, "shoeSize": 44
    }))
    .unwrap();
    assert_eq!(keeper.extra, Some(json!({"free": "form"})));
    assert_eq!(keeper.extra2.get("shoeSize"), Some(&json!(44)));
    assert_eq!(serde_json::to_value(&keeper).unwrap()["shoeSize"], 44);
}

#[test]
fn request_bodies_and_header_parameters_are_checked() {
    let entry: Gauges = serde_json::from_value(json!({"code": "ABC"})).unwrap();
    assert!(AddKeeperAccessListParams::validate_body(&[entry.clone(), entry.clone()]).is_ok());
    let err = AddKeeperAccessListParams::validate_body(&[entry.clone(), entry.clone(), entry]).unwrap_err();
    assert_eq!(err.0[0].rule, Rule::MaxItems(2));
    assert_eq!(err.0[0].pointer, "");
    let params = CreateKeeperParams { x_request_id: Some("short".into()), ..Default::default() };
    assert_eq!(rules(&params), [("/X-Request-Id".to_string(), Rule::MinLength(8))]);
}
