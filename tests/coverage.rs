//! Coverage of the spec, as the official TypeScript SDK checks its own: every operation is
//! callable through the typed client and has a success example, or is in the one list of
//! deliberate gaps below with its reason. A reason for an operation that is covered fails the test,
//! so the list cannot go stale.

use std::collections::BTreeMap;

/// Why an SDK-only operation has no example: the published documents have none.
const SDK_ONLY: &str = "only the Python SDK 0.6.0 calls it; no published response schema or example (x-omnidim-source: python-sdk-0.6.0)";

/// Operations without a success example, and why.
const DELIBERATE_GAPS: &[(&str, &str)] = &[
    ("addBulkCallContacts", SDK_ONLY),
    ("startBulkCall", SDK_ONLY),
    ("updateBulkCallConcurrency", SDK_ONLY),
    ("retryBulkCall", SDK_ONLY),
    ("listBulkCallLines", SDK_ONLY),
    ("listBulkCallNumbers", SDK_ONLY),
    ("addBulkCallNumber", SDK_ONLY),
    ("updateBulkCallNumber", SDK_ONLY),
    ("setBulkCallDailyTimeControl", SDK_ONLY),
    ("listAgentVersions", SDK_ONLY),
    ("createAgentVersion", SDK_ONLY),
    ("updateAgentVersion", SDK_ONLY),
    ("deleteAgentVersion", SDK_ONLY),
    ("getAgentVersionDiff", SDK_ONLY),
    ("restoreAgentVersion", SDK_ONLY),
    ("listAgentPostCallActions", SDK_ONLY),
    ("createAgentPostCallAction", SDK_ONLY),
    ("updateAgentPostCallAction", SDK_ONLY),
    ("deleteAgentPostCallAction", SDK_ONLY),
    ("getAccountBalance", SDK_ONLY),
    ("listIntegrations", SDK_ONLY),
    ("createCustomApiIntegration", SDK_ONLY),
    ("createCalIntegration", SDK_ONLY),
    ("listAgentIntegrations", SDK_ONLY),
    ("addAgentIntegration", SDK_ONLY),
    ("removeAgentIntegration", SDK_ONLY),
    ("searchPhoneNumbers", SDK_ONLY),
    ("purchasePhoneNumber", SDK_ONLY),
    ("releasePhoneNumber", SDK_ONLY),
    ("setClientAccess", SDK_ONLY),
    ("getResellerUsage", SDK_ONLY),
    ("getResellerClientUsage", SDK_ONLY),
    ("getResellerIdentity", SDK_ONLY),
    ("saveResellerIdentity", SDK_ONLY),
    ("saveResellerIdentitySmtp", SDK_ONLY),
    ("testResellerIdentitySmtp", SDK_ONLY),
    ("disableResellerIdentitySmtp", SDK_ONLY),
    ("getKycStatus", SDK_ONLY),
    ("getKycRequirements", SDK_ONLY),
    ("submitKycStep", SDK_ONLY),
    ("previewClientRelease", SDK_ONLY),
    ("releaseClient", SDK_ONLY),
    ("createChildApiKey", SDK_ONLY),
    ("revokeChildApiKey", SDK_ONLY),
    ("listClonedVoices", SDK_ONLY),
    ("createClonedVoice", SDK_ONLY),
    ("getClonedVoice", SDK_ONLY),
    ("updateClonedVoice", SDK_ONLY),
    ("deleteClonedVoice", SDK_ONLY),
    ("getClonedVoiceSample", SDK_ONLY),
    ("regenerateClonedVoiceSample", SDK_ONLY),
    ("listWorkflowNodeTypes", SDK_ONLY),
    ("getWorkflowNodeType", SDK_ONLY),
    ("listWorkflowNodeFieldOptions", SDK_ONLY),
    ("listWorkflows", SDK_ONLY),
    ("createWorkflow", SDK_ONLY),
    ("getWorkflow", SDK_ONLY),
    ("updateWorkflow", SDK_ONLY),
    ("deleteWorkflow", SDK_ONLY),
    ("validateWorkflow", SDK_ONLY),
    ("publishWorkflow", SDK_ONLY),
    ("activateWorkflow", SDK_ONLY),
    ("deactivateWorkflow", SDK_ONLY),
    ("testWorkflow", SDK_ONLY),
    ("getWorkflowExecution", SDK_ONLY),
];

#[test]
fn every_operation_is_callable_and_has_an_example_or_a_stated_gap() {
    let spec = omnidim_tests::spec();
    let examples = omnidim_tests::success_examples(&spec);
    let gaps: BTreeMap<&str, &str> = DELIBERATE_GAPS.iter().copied().collect();
    assert_eq!(
        gaps.len(),
        DELIBERATE_GAPS.len(),
        "an operation is listed twice"
    );
    let mut problems = Vec::new();
    let (mut typed, mut request_only) = (0, 0);
    for op in spec.operations() {
        let id = op.operation_id.clone().expect("lint: operationIds exist");
        if !omnidim::OPERATIONS.iter().any(|o| o.id == id) {
            problems.push(format!(
                "{id}: no generated method (run cargo xtask regenerate)"
            ));
        }
        let has_example = examples.iter().any(|(op_id, _, _)| *op_id == id);
        match (has_example, gaps.get(id.as_str())) {
            (true, None) => typed += 1,
            (false, Some(_)) => request_only += 1,
            (true, Some(reason)) => problems.push(format!(
                "{id}: has an example now; remove its gap ({reason})"
            )),
            (false, None) => {
                problems.push(format!("{id}: no success example and no stated reason"))
            }
        }
    }
    for id in gaps.keys() {
        if spec.operation(id).is_none() {
            problems.push(format!("{id}: listed as a gap but not in the spec"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    println!(
        "{} operations: {typed} with examples, {request_only} request-only (deliberate gaps)",
        typed + request_only
    );
    assert_eq!(omnidim::OPERATIONS.len(), typed + request_only);
}

#[test]
fn every_example_of_the_spec_validates_and_decodes() {
    // Lint validates every example against its schema (jsonschema, 2020-12) ...
    let spec = omnidim_tests::spec();
    let findings = omnidim_spec::lint::lint(&spec);
    assert!(findings.is_empty(), "{findings:#?}");
    // ... and every success example decodes into its generated type.
    for (id, pointer, value) in omnidim_tests::success_examples(&spec) {
        let decoded = omnidim::roundtrip_success_body(&id, value).expect("JSON success type");
        assert!(decoded.is_ok(), "{id} example at #{pointer}: {decoded:?}");
    }
}
