//! The ids of the rule catalogue, here so a scenario file's `rule:` can be checked without the
//! parser asking the rules layer above it (a test in `rules` holds the two lists together).

/// Every rule id, in catalogue order (`download-video`, the old name of `download-media`, is
/// accepted where ids are read).
pub const RULE_IDS: &[&str] = &[
    "ack-success",
    "ack-failure",
    "ack-deadline",
    "async-processing",
    "idempotent-duplicate",
    "idempotent-concurrent",
    "fast-ack",
    "tolerate-extra-fields",
    "accept-json-charset",
    "reject-malformed",
    "reject-invalid",
    "survive-bad-input",
    "verify-source",
    "download-media",
    "stages-not-duplicates",
    "stale-stage",
    "accept-documented-variants",
    "record-failure",
    "use-https",
];
