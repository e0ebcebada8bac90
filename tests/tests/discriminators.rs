//! Discriminated unions decode to the variant their tag selects and re-encode the tag they
//! were read with; enums keep values they do not know.

use atlas_admin::models::{
    GroupUserResponse, OrgUserResponse, OrgMembershipStatus,
};
use serde_json::{json, Value};

fn org_user(status: &str) -> Value {
    let mut user = json!({
        "id": "32b6e34b3d91647abb20e7b8",
        "orgMembershipStatus": status,
        "roles": {"orgRoles": ["ORG_MEMBER"]},
        "username": "someone@example.com",
    });
    if status == "ACTIVE" {
        user["firstName"] = json!("Ada");
        user["lastName"] = json!("Lovelace");
        user["country"] = json!("GB");
        user["createdAt"] = json!("2024-01-02T03:04:05Z");
        user["lastAuth"] = json!("2024-01-02T03:04:05Z");
        user["mobileNumber"] = json!("+44 20 7946 0000");
    } else {
        user["invitationCreatedAt"] = json!("2024-01-02T03:04:05Z");
        user["inviterUsername"] = json!("admin@example.com");
        user["invitationExpiresAt"] = if status == "INVITATION_REJECTED" { Value::Null } else { json!("2024-02-02T03:04:05Z") };
    }
    user
}

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(value: &Value) -> (T, Value) {
    let decoded: T = serde_json::from_value(value.clone()).expect("decodes");
    let encoded = serde_json::to_value(&decoded).expect("encodes");
    (decoded, encoded)
}

#[test]
fn org_user_active_decodes_to_the_active_variant() {
    let input = org_user("ACTIVE");
    let (user, encoded) = round_trip::<OrgUserResponse>(&input);
    let OrgUserResponse::Active(active) = user else { panic!("ACTIVE decoded to {user:?}") };
    assert_eq!(active.first_name.as_deref(), Some("Ada"));
    assert_eq!(encoded, input);
}

#[test]
fn org_user_pending_states_decode_to_the_pending_variant_and_keep_their_tag() {
    for status in ["PENDING", "INVITATION_EXPIRED", "INVITATION_REJECTED"] {
        let input = org_user(status);
        let (user, encoded) = round_trip::<OrgUserResponse>(&input);
        let OrgUserResponse::Pending(pending) = &user else { panic!("{status} decoded to {user:?}") };
        assert_eq!(pending.org_membership_status.as_ref().map(|s| s.as_str()), Some(status));
        assert_eq!(pending.inviter_username.as_deref(), Some("admin@example.com"));
        // null and absent stay apart: a rejected invitation's expiry is an explicit null.
        let expected_expiry = if status == "INVITATION_REJECTED" { Some(None) } else { Some(Some(())) };
        assert_eq!(pending.invitation_expires_at.map(|e| e.map(|_| ())), expected_expiry);
        assert_eq!(encoded, input, "{status} re-encodes as read");
    }
}

#[test]
fn org_user_with_an_unmapped_status_is_kept_whole() {
    let input = org_user("SUSPENDED_BY_A_FUTURE_ATLAS");
    let (user, encoded) = round_trip::<OrgUserResponse>(&input);
    assert!(matches!(user, OrgUserResponse::Unknown(_)), "{user:?}");
    assert_eq!(encoded, input);
}

#[test]
fn group_user_states_decode_to_their_variants() {
    for (status, active) in [("ACTIVE", true), ("PENDING", false), ("INVITATION_EXPIRED", false), ("INVITATION_REJECTED", false)] {
        let mut input = org_user(status);
        input.as_object_mut().unwrap().remove("roles");
        input["roles"] = json!(["GROUP_READ_ONLY"]);
        let (user, encoded) = round_trip::<GroupUserResponse>(&input);
        match (&user, active) {
            (GroupUserResponse::Active(_), true) | (GroupUserResponse::Pending(_), false) => {}
            _ => panic!("{status} decoded to {user:?}"),
        }
        assert_eq!(encoded, input, "{status} re-encodes as read");
    }
}

#[test]
fn unknown_enum_values_round_trip() {
    let status: OrgMembershipStatus = serde_json::from_value(json!("ON_HOLD")).unwrap();
    assert_eq!(status, OrgMembershipStatus::Unrecognized("ON_HOLD".into()));
    assert_eq!(serde_json::to_value(&status).unwrap(), json!("ON_HOLD"));
    let known: OrgMembershipStatus = "ACTIVE".parse().unwrap();
    assert_eq!(known, OrgMembershipStatus::Active);
    assert_eq!(known.to_string(), "ACTIVE");
}

#[test]
fn a_variant_with_missing_and_odd_fields_still_decodes_to_its_tag() {
    // The tag decides the variant; what the payload gets wrong is kept and reported.
    let input = json!({"orgMembershipStatus": "ACTIVE", "id": 5});
    let user: OrgUserResponse = serde_json::from_value(input.clone()).unwrap();
    let OrgUserResponse::Active(active) = &user else { panic!("not active: {user:?}") };
    assert_eq!(active.extra.odd_value("id"), Some(&json!(5)));
    assert!(active.extra.missing().contains(&"username"), "{:?}", active.extra);
    assert_eq!(serde_json::to_value(&user).unwrap(), input);
}

#[test]
fn untagged_unions_pick_the_most_specific_variant_and_lose_nothing() {
    use atlas_admin::models::HardwareSpec20240805 as Spec;
    let cases = [
        (json!({"diskIOPS": 3000, "ebsVolumeType": "PROVISIONED", "instanceSize": "M30", "nodeCount": 3}), "Aws"),
        (json!({"diskIOPS": 3000, "instanceSize": "M30", "nodeCount": 3}), "Azure"),
        (json!({"instanceSize": "M30", "nodeCount": 3}), "Gcp"),
        // Only AWS knows NVMe M40 and only Azure M600_NVME: the variant that knows the value wins.
        (json!({"instanceSize": "M40_NVME", "nodeCount": 3}), "Aws"),
        (json!({"instanceSize": "M600_NVME", "nodeCount": 3}), "Azure"),
        (json!({"effectiveInstanceSize": "M0", "instanceSize": "M0"}), "Tenant"),
    ];
    for (input, expected) in cases {
        let (spec, encoded) = round_trip::<Spec>(&input);
        let variant = match spec {
            Spec::Aws(_) => "Aws",
            Spec::Azure(_) => "Azure",
            Spec::Gcp(_) => "Gcp",
            Spec::Tenant(_) => "Tenant",
            // #[non_exhaustive]: a provider Atlas adds later is an additive change.
            _ => "another",
        };
        assert_eq!(variant, expected, "{input}");
        assert_eq!(encoded, input);
    }
}

#[test]
fn one_of_string_enums_merge_into_one_enum() {
    use atlas_admin::models::EventTypeForOrg;
    // Values from two different members of the spec's oneOf decode to known variants.
    for value in ["ALERT_ACKNOWLEDGED_AUDIT", "API_KEY_CREATED"] {
        let decoded: EventTypeForOrg = serde_json::from_value(json!(value)).unwrap();
        assert_eq!(decoded.as_str(), value);
        assert!(!matches!(decoded, EventTypeForOrg::Unrecognized(_)), "{value}");
    }
}
