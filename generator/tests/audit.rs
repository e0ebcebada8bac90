//! The constraint audit on the real spec: as published, it finds the bounds the project's
//! fixes lifted (`diskSizeGB` of the legacy cluster schemas: 10 to 4096, where the prose says
//! a smaller size is raised to the minimum); with the fixes, they are gone from the report.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The locked spec, wherever this machine has it (found or downloaded as every command does).
fn spec() -> PathBuf {
    generator::Paths::new(&root()).resolve_spec(None).unwrap_or_else(|e| panic!("the locked spec is needed: {e}"))
}

const LEGACY: [&str; 2] = [
    "/components/schemas/LegacyAtlasCluster/properties/diskSizeGB",
    "/components/schemas/LegacyAtlasTenantClusterUpgradeRequest/properties/diskSizeGB",
];

fn disk_size(audit: &generator::audit::Audit) -> (Vec<String>, Vec<String>) {
    let differing = audit.differing.iter().find(|d| d.property == "diskSizeGB");
    let bounded = differing.into_iter().flat_map(|d| &d.variants).filter(|(bounds, _)| bounds != "no bounds").flat_map(|(_, p)| p.clone()).collect();
    let prose = audit.prose.iter().filter(|p| p.property == "diskSizeGB").flat_map(|p| p.pointers.clone()).collect();
    (bounded, prose)
}

#[test]
fn the_published_spec_shows_the_bounds_the_fixes_lift() {
    let published = generator::audit::audit_spec(&spec(), None, None).unwrap();
    let (bounded, prose) = disk_size(&published);
    assert_eq!(bounded, LEGACY, "bounded in two schemas, free in the others");
    assert_eq!(prose, LEGACY, "their description says a smaller size is raised to the minimum");
    let qualifiers = &published.prose.iter().find(|p| p.property == "diskSizeGB").unwrap().qualifiers;
    assert!(qualifiers.iter().any(|q| q == "below the minimum"), "{qualifiers:?}");
    assert!(published.markdown().contains("`diskSizeGB`"));

    let lock = generator::lock::SpecLock::read(&root().join("spec/lock.toml")).unwrap();
    let fixed = generator::audit::audit_spec(&spec(), Some(&root().join("spec/fixes.yaml")), Some(&lock.spec_date)).unwrap();
    assert_eq!(disk_size(&fixed), (vec![], vec![]));
    assert!(fixed.declarations > 5000 && fixed.bounded > 1000 && fixed.examples > 1000, "{} {} {}", fixed.declarations, fixed.bounded, fixed.examples);
}
