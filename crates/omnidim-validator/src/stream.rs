//! Checking a value against a compiled schema while it is parsed.
//!
//! The body is never turned into a DOM: `NodeSeed` is a serde `DeserializeSeed` that receives the
//! tokens from `serde_json`'s parser and checks each value against its node as it goes by. Object
//! keys are borrowed from the input, paths are a chain of stack frames, and a JSON pointer is only
//! built when there is a finding. Two cases buffer a subtree into a `serde_json::Value`: a
//! `oneOf`/`anyOf` whose branches cannot be told apart by the value's kind (each branch is then
//! checked on the buffer), and a [`NodeKind::Fallback`] schema (checked by `jsonschema`).

use std::borrow::Cow;
use std::fmt;
use std::sync::atomic::Ordering::Relaxed;

use rustc_hash::FxHashSet;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::compile::{Additional, Arena, Checks, NodeId, NodeKind, TypeSet};

mod scan;
use crate::mask::{Scalar, describe_scalar, describe_value, mask_pointer, show_key};
use crate::report::{Finding, FindingKind, Severity};
pub(crate) use scan::Scanner;

/// Findings of one run, with the switches that shape them.
///
/// Errors and warnings are kept apart, each up to `max_findings`, and counted past it: the report
/// takes errors first ([`Ctx::finish`]), so a flood of warnings can neither hide an error nor
/// change the verdict.
pub(crate) struct Ctx<'a> {
    pub arena: &'a Arena,
    kept_errors: Vec<Finding>,
    kept_warnings: Vec<Finding>,
    omitted_errors: usize,
    omitted_warnings: usize,
    pub max_findings: usize,
    pub show_values: bool,
    pub warnings: bool,
    /// Only the verdict is wanted (trying a `oneOf` branch): no strings, no warnings.
    verdict_only: bool,
    /// An error was seen in verdict-only mode.
    failed: bool,
}

/// Findings a report holds before its buffer grows by doubling (see [`Ctx::keep`]): 7 findings
/// of 128 bytes stay under glibc's 1,008-byte large-request size.
const SMALL_REPORT: usize = 7;

/// What a run found: kept findings (errors first, at most `max_findings`), how many were left
/// out, and how many of those are errors.
pub(crate) struct Found {
    pub findings: Vec<Finding>,
    pub omitted: usize,
    pub omitted_errors: usize,
}

impl<'a> Ctx<'a> {
    pub fn new(arena: &'a Arena, max_findings: usize, show_values: bool, warnings: bool) -> Self {
        Self {
            arena,
            kept_errors: Vec::new(),
            kept_warnings: Vec::new(),
            omitted_errors: 0,
            omitted_warnings: 0,
            max_findings,
            show_values,
            warnings,
            verdict_only: false,
            failed: false,
        }
    }

    /// A context for trying a `oneOf` branch: verdict only.
    fn scratch(&self) -> Ctx<'a> {
        Ctx {
            verdict_only: true,
            warnings: false,
            ..Ctx::new(self.arena, usize::MAX, self.show_values, false)
        }
    }

    /// A context that collects what a branch known to pass reports (its warnings).
    fn collector(&self) -> Ctx<'a> {
        Ctx::new(
            self.arena,
            self.max_findings,
            self.show_values,
            self.warnings,
        )
    }

    fn has_errors(&self) -> bool {
        self.failed || self.omitted_errors > 0 || !self.kept_errors.is_empty()
    }

    /// Whether a finding of this severity would be kept (else it is only counted).
    fn has_room(&self, severity: Severity) -> bool {
        self.room(severity) > 0
    }

    /// How many more findings of this severity would be kept.
    fn room(&self, severity: Severity) -> usize {
        let kept = match severity {
            Severity::Error => self.kept_errors.len(),
            Severity::Warning => self.kept_warnings.len(),
        };
        self.max_findings.saturating_sub(kept)
    }

    /// Count a finding that is not kept.
    fn omit(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.omitted_errors += 1,
            Severity::Warning => self.omitted_warnings += 1,
        }
    }

    /// Keep a finding, or count it when its severity is at the cap.
    fn keep(&mut self, finding: Finding) {
        if !self.has_room(finding.severity) {
            self.omit(finding.severity);
            return;
        }
        let kept = match finding.severity {
            Severity::Error => &mut self.kept_errors,
            Severity::Warning => &mut self.kept_warnings,
        };
        // A report usually has a few findings: room for SMALL_REPORT at first, a buffer below
        // glibc's large-request size (a large request makes malloc first consolidate every
        // small chunk the findings' strings freed: that was a third of the time of validating a
        // 2 KB body with five errors).
        if kept.capacity() == 0 {
            kept.reserve_exact(SMALL_REPORT);
        }
        kept.push(finding);
    }

    /// Take in what another context (a passing branch, checked apart) found.
    fn absorb(&mut self, other: Ctx<'_>) {
        self.omitted_errors += other.omitted_errors;
        self.omitted_warnings += other.omitted_warnings;
        for f in other.kept_errors.into_iter().chain(other.kept_warnings) {
            self.keep(f);
        }
    }

    /// The findings for the report: every kept error, then warnings up to the cap.
    pub fn finish(self) -> Found {
        let mut findings = self.kept_errors;
        let room = self.max_findings.saturating_sub(findings.len());
        let dropped = self.kept_warnings.len().saturating_sub(room);
        findings.extend(self.kept_warnings.into_iter().take(room));
        Found {
            findings,
            omitted: self.omitted_errors + self.omitted_warnings + dropped,
            omitted_errors: self.omitted_errors,
        }
    }

    /// Record a finding; `describe` gives (expected, actual, message) and runs only when the
    /// finding is kept (not in verdict-only mode, not past the cap).
    fn push(
        &mut self,
        kind: FindingKind,
        severity: Severity,
        path: &Path<'_>,
        node: NodeId,
        keyword: &str,
        describe: impl FnOnce() -> (String, String, String),
    ) {
        if self.verdict_only {
            if severity == Severity::Error {
                self.failed = true;
            }
            return;
        }
        if !self.has_room(severity) {
            self.omit(severity);
            return;
        }
        let base = &self.arena.node(node).pointer;
        let mut schema = String::with_capacity(base.len() + keyword.len() + 2);
        schema.push('#');
        schema.push_str(base);
        if !keyword.is_empty() {
            schema.push('/');
            schema.push_str(keyword);
        }
        let (expected, actual, message) = describe();
        self.keep(Finding {
            kind,
            severity,
            instance: path.masked_pointer(self.show_values),
            schema,
            expected,
            actual,
            message,
        });
    }
}

/// One step of the path from the body's root to the current value.
#[derive(Clone, Copy)]
pub(crate) enum Seg<'a> {
    Key(&'a [u8]),
    Index(usize),
}

/// The path to the current value, as a chain through the parser's stack frames (no allocation
/// until a finding needs the pointer).
pub(crate) struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    seg: Option<Seg<'a>>,
}

impl<'a> Path<'a> {
    pub const ROOT: Path<'static> = Path {
        parent: None,
        seg: None,
    };

    fn child(&'a self, seg: Seg<'a>) -> Path<'a> {
        Path {
            parent: Some(self),
            seg: Some(seg),
        }
    }

    /// RFC 6901 pointer of this path.
    pub fn pointer(&self) -> String {
        self.masked_pointer(true)
    }

    /// RFC 6901 pointer of this path, keys that look personal masked unless `show` (what
    /// `mask_pointer(&self.pointer(), show)` gives, built in one pass: this runs once per finding).
    pub fn masked_pointer(&self, show: bool) -> String {
        let mut out = String::with_capacity(64);
        self.write_pointer(&mut out, show);
        out
    }

    /// Root first: the parents' segments, then this one.
    fn write_pointer(&self, out: &mut String, show: bool) {
        if let Some(parent) = self.parent {
            parent.write_pointer(out, show);
        }
        let Some(seg) = self.seg else { return };
        out.push('/');
        match seg {
            Seg::Key(k) => {
                let key = match std::str::from_utf8(k) {
                    Ok(key) => Cow::Borrowed(key),
                    Err(_) => String::from_utf8_lossy(k),
                };
                if !show && crate::mask::key_looks_personal(&key) {
                    out.push_str(&show_key(&key, false));
                } else {
                    omnidim_spec::pointer::escape_into(out, &key);
                }
            }
            Seg::Index(i) => crate::mask::push_decimal(out, i as u64),
        }
    }
}

/// Checks the value the deserializer yields against `node`.
pub(crate) struct NodeSeed<'c, 'a, 'p> {
    pub ctx: &'c mut Ctx<'a>,
    pub node: NodeId,
    pub path: &'p Path<'p>,
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let id = self.ctx.arena.resolve(self.node);
        let arena = self.ctx.arena;
        match &arena.node(id).kind {
            NodeKind::Any | NodeKind::Alias(_) => {
                IgnoredAny::deserialize(d)?;
            }
            NodeKind::Never => {
                let value = Value::deserialize(d)?;
                let actual = describe_value(&value, self.ctx.show_values);
                self.ctx.push(
                    FindingKind::Never,
                    Severity::Error,
                    self.path,
                    id,
                    "",
                    || {
                        (
                            "no value (schema is false)".into(),
                            actual,
                            "the spec allows no value here".into(),
                        )
                    },
                );
            }
            NodeKind::Fallback(validator) => {
                let value = Value::deserialize(d)?;
                fallback(self.ctx, validator, id, &value, self.path);
            }
            NodeKind::Checks(checks) => {
                d.deserialize_any(CheckVisitor {
                    ctx: self.ctx,
                    id,
                    checks,
                    path: self.path,
                    skip_composition: false,
                })?;
            }
        }
        Ok(())
    }
}

use serde::Deserialize;

/// Above this many JSON values (nodes) a fallback value's violations are not enumerated.
///
/// `jsonschema` 0.61's `iter_errors` is not lazy: it collects every error into a `Vec` before
/// the first is returned (hundreds of bytes each; an 8 MB array of wrong items took ~900 MB).
/// Below the limit that memory is bounded by the value's size; above it only `is_valid` (which
/// stops at the first failure and allocates no errors) and `validate` (the first error) run.
pub(crate) const FALLBACK_ENUMERATION_LIMIT: usize = 10_000;

fn fallback(
    ctx: &mut Ctx<'_>,
    validator: &jsonschema::Validator,
    id: NodeId,
    value: &Value,
    path: &Path<'_>,
) {
    // The common case, a valid value, costs one verdict and allocates no error.
    if validator.is_valid(value) {
        return;
    }
    if ctx.verdict_only {
        ctx.failed = true;
        return;
    }
    let small = nodes_at_most(value, FALLBACK_ENUMERATION_LIMIT);
    if !small {
        // Only the first error: enumerating them all is what must not happen here.
        if let Err(error) = validator.validate(value) {
            let mut finding = fallback_finding(ctx, id, value, path, &error);
            finding.message = format!(
                "{} (first violation only: the value has more than {FALLBACK_ENUMERATION_LIMIT} \
                 JSON values, further violations of this schema are not listed)",
                finding.message
            );
            ctx.keep(finding);
        } else {
            // is_valid and validate disagree (they should not); the verdict is is_valid's.
            ctx.omit(Severity::Error);
        }
        return;
    }
    let mut room = ctx.room(Severity::Error);
    for error in validator.iter_errors(value) {
        if room == 0 {
            ctx.omit(Severity::Error);
            continue;
        }
        room -= 1;
        let finding = fallback_finding(ctx, id, value, path, &error);
        ctx.keep(finding);
    }
}

fn fallback_finding(
    ctx: &Ctx<'_>,
    id: NodeId,
    value: &Value,
    path: &Path<'_>,
    error: &jsonschema::ValidationError<'_>,
) -> Finding {
    let instance = mask_pointer(
        &format!("{}{}", path.pointer(), error.instance_path()),
        ctx.show_values,
    );
    let schema_path = error.schema_path().to_string();
    let keyword = schema_path
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let message = if ctx.show_values {
        error.to_string()
    } else {
        format!("does not satisfy `{keyword}`")
    };
    let actual = value
        .pointer(error.instance_path().as_str())
        .map(|v| describe_value(v, ctx.show_values))
        .unwrap_or_default();
    Finding {
        kind: FindingKind::Keyword,
        severity: Severity::Error,
        instance,
        schema: format!("#{}{}", ctx.arena.node(id).pointer, schema_path),
        expected: format!("`{keyword}` satisfied"),
        actual,
        message,
    }
}

/// Whether `value` has at most `limit` JSON values, counting itself (stops counting past it).
fn nodes_at_most(value: &Value, limit: usize) -> bool {
    let mut stack = vec![value];
    let mut seen = 0usize;
    while let Some(v) = stack.pop() {
        seen += 1;
        if seen > limit {
            return false;
        }
        match v {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    true
}

/// Whether a branch could accept a composite value of `kind` (object or array).
fn may_accept(arena: &Arena, branch: NodeId, kind: u8) -> bool {
    match &arena.node(arena.resolve(branch)).kind {
        NodeKind::Never => false,
        NodeKind::Checks(c) => c.types.is_none_or(|t| t.may_allow(kind)),
        _ => true,
    }
}

/// Whether `node` accepts a buffered value (verdict only, nothing formatted).
fn branch_passes(ctx: &Ctx<'_>, node: NodeId, value: &Value, path: &Path<'_>) -> bool {
    let mut scratch = ctx.scratch();
    let result = NodeSeed {
        ctx: &mut scratch,
        node,
        path,
    }
    .deserialize(value);
    result.is_ok() && !scratch.has_errors()
}

/// Add the warnings a passing branch reports on a buffered value to `ctx`.
fn branch_warnings(ctx: &mut Ctx<'_>, node: NodeId, value: &Value, path: &Path<'_>) {
    if !ctx.warnings || ctx.verdict_only {
        return;
    }
    let mut collector = ctx.collector();
    let _ = NodeSeed {
        ctx: &mut collector,
        node,
        path,
    }
    .deserialize(value);
    ctx.absorb(collector);
}

struct CheckVisitor<'c, 'a, 'p, 'n> {
    ctx: &'c mut Ctx<'a>,
    id: NodeId,
    checks: &'n Checks,
    path: &'p Path<'p>,
    /// Set when the composition of this node is evaluated separately (on a buffered value).
    skip_composition: bool,
}

impl CheckVisitor<'_, '_, '_, '_> {
    fn type_error(&mut self, actual: impl FnOnce() -> String) {
        if self.ctx.verdict_only {
            self.ctx.failed = true;
            return;
        }
        let actual = actual();
        let expected = self.checks.type_expected.to_string();
        let message = self.checks.type_message.to_string();
        self.ctx.push(
            FindingKind::Type,
            Severity::Error,
            self.path,
            self.id,
            "type",
            || (expected, actual, message),
        );
    }

    fn has_composition(&self) -> bool {
        !self.skip_composition && (!self.checks.one_of.is_empty() || !self.checks.any_of.is_empty())
    }

    fn scalar(&mut self, s: Scalar<'_>) {
        let (kind, integral) = match s {
            Scalar::Null => (TypeSet::NULL, false),
            Scalar::Bool(_) => (TypeSet::BOOLEAN, false),
            Scalar::I64(_) | Scalar::U64(_) => (TypeSet::NUMBER, true),
            Scalar::F64(f) => (TypeSet::NUMBER, f.fract() == 0.0),
            Scalar::Str(_) => (TypeSet::STRING, false),
        };
        let show = self.ctx.show_values;
        if let Some(t) = self.checks.types
            && !t.allows(kind, integral)
        {
            self.type_error(|| describe_scalar(s, show));
            return;
        }
        let c = self.checks;
        if !c.scalar_constraints {
            if self.has_composition() {
                self.scalar_composition(s);
            }
            return;
        }
        if let Some(values) = &c.enumeration
            && !values.iter().any(|v| s.equals(v))
        {
            let (keyword, expected) = if c.is_const {
                (
                    "const",
                    values.first().map(|v| v.to_string()).unwrap_or_default(),
                )
            } else {
                ("enum", format!("one of {}", Value::Array(values.clone())))
            };
            let actual = describe_scalar(s, show);
            let message = format!("{actual} is not {expected}");
            self.ctx.push(
                FindingKind::Enum,
                Severity::Error,
                self.path,
                self.id,
                keyword,
                || (expected, actual, message),
            );
        }
        if let Some(n) = s.as_f64() {
            let bounds = [
                (
                    "minimum",
                    c.minimum,
                    n >= c.minimum.unwrap_or(f64::NEG_INFINITY),
                    ">=",
                ),
                (
                    "maximum",
                    c.maximum,
                    n <= c.maximum.unwrap_or(f64::INFINITY),
                    "<=",
                ),
                (
                    "exclusiveMinimum",
                    c.exclusive_minimum,
                    n > c.exclusive_minimum.unwrap_or(f64::NEG_INFINITY),
                    ">",
                ),
                (
                    "exclusiveMaximum",
                    c.exclusive_maximum,
                    n < c.exclusive_maximum.unwrap_or(f64::INFINITY),
                    "<",
                ),
            ];
            for (keyword, bound, ok, op) in bounds {
                if let (Some(b), false) = (bound, ok) {
                    let actual = describe_scalar(s, show);
                    self.ctx.push(
                        FindingKind::Range,
                        Severity::Error,
                        self.path,
                        self.id,
                        keyword,
                        || {
                            (
                                format!("a number {op} {b}"),
                                actual.clone(),
                                format!("{actual} is not {op} {b}"),
                            )
                        },
                    );
                }
            }
        }
        if let Scalar::Str(text) = s
            && (c.min_length.is_some() || c.max_length.is_some())
        {
            let len = text.chars().count() as u64;
            for (keyword, bound, ok, what) in [
                (
                    "minLength",
                    c.min_length,
                    len >= c.min_length.unwrap_or(0),
                    "at least",
                ),
                (
                    "maxLength",
                    c.max_length,
                    len <= c.max_length.unwrap_or(u64::MAX),
                    "at most",
                ),
            ] {
                if let (Some(b), false) = (bound, ok) {
                    self.ctx.push(
                        FindingKind::Length,
                        Severity::Error,
                        self.path,
                        self.id,
                        keyword,
                        || {
                            (
                                format!("{what} {b} characters"),
                                describe_scalar(s, show),
                                format!(
                                    "string of {len} characters is not {what} {b} characters long"
                                ),
                            )
                        },
                    );
                }
            }
        }
        if self.has_composition() {
            self.scalar_composition(s);
        }
    }

    fn scalar_composition(&mut self, s: Scalar<'_>) {
        let (kind, integral) = match s {
            Scalar::Null => (TypeSet::NULL, false),
            Scalar::Bool(_) => (TypeSet::BOOLEAN, false),
            Scalar::I64(_) | Scalar::U64(_) => (TypeSet::NUMBER, true),
            Scalar::F64(f) => (TypeSet::NUMBER, f.fract() == 0.0),
            Scalar::Str(_) => (TypeSet::STRING, false),
        };
        let arena = self.ctx.arena;
        let mut buffered: Option<Value> = None;
        let path = self.path;
        let mut matches = |ctx: &mut Ctx<'_>, branch: NodeId| -> bool {
            let r = arena.resolve(branch);
            match &arena.node(r).kind {
                NodeKind::Any => true,
                NodeKind::Never => false,
                // A branch whose `type` rules the value out, or that is a bare `type` (the common
                // `oneOf: [{type: string}, {type: 'null'}]`): decided without buffering.
                NodeKind::Checks(c) if c.types.is_some_and(|t| !t.allows(kind, integral)) => false,
                NodeKind::Checks(c) if c.is_type_only() => true,
                _ => {
                    let value = buffered.get_or_insert_with(|| s.to_value());
                    branch_passes(ctx, r, value, path)
                }
            }
        };
        let c = self.checks;
        if !c.one_of.is_empty() {
            let passing = c.one_of.iter().filter(|&&b| matches(self.ctx, b)).count();
            if passing != 1 {
                let show = self.ctx.show_values;
                self.composition_error("oneOf", c.one_of.len(), passing, || {
                    describe_scalar(s, show)
                });
            }
        }
        if !c.any_of.is_empty() && !c.any_of.iter().any(|&b| matches(self.ctx, b)) {
            let show = self.ctx.show_values;
            self.composition_error("anyOf", c.any_of.len(), 0, || describe_scalar(s, show));
        }
    }

    fn composition_error(
        &mut self,
        keyword: &str,
        branches: usize,
        passing: usize,
        actual: impl FnOnce() -> String,
    ) {
        if self.ctx.verdict_only {
            self.ctx.failed = true;
            return;
        }
        let actual = actual();
        let one_of = keyword == "oneOf";
        let alternatives = if one_of {
            &self.checks.one_of_alternatives
        } else {
            &self.checks.any_of_alternatives
        };
        let mut expected = String::with_capacity(alternatives.len() + 16);
        expected.push_str(if one_of {
            "exactly one of "
        } else {
            "at least one of "
        });
        expected.push_str(alternatives);
        let mut message = String::with_capacity(actual.len() + 48);
        message.push_str(&actual);
        if one_of && passing > 0 {
            message.push_str(" matches ");
            crate::mask::push_decimal(&mut message, passing as u64);
            message.push_str(" of the oneOf alternatives, not exactly one");
        } else {
            message.push_str(" matches none of the ");
            crate::mask::push_decimal(&mut message, branches as u64);
            message.push_str(if one_of {
                " oneOf alternatives"
            } else {
                " anyOf alternatives"
            });
        }
        self.ctx.push(
            FindingKind::Composition,
            Severity::Error,
            self.path,
            self.id,
            keyword,
            || (expected, actual, message),
        );
    }

    /// Composition of a composite value: stream into the single branch that can take it, or
    /// buffer and try every branch.
    fn composite<'de, D: Deserializer<'de>>(mut self, kind: u8, d: D) -> Result<(), D::Error> {
        let arena = self.ctx.arena;
        let c = self.checks;
        let one: Vec<NodeId> = c
            .one_of
            .iter()
            .copied()
            .filter(|&b| may_accept(arena, b, kind))
            .collect();
        let any: Vec<NodeId> = c
            .any_of
            .iter()
            .copied()
            .filter(|&b| may_accept(arena, b, kind))
            .collect();
        let own_checks = if kind == TypeSet::OBJECT {
            c.has_object_checks()
        } else {
            c.has_array_checks()
        };
        let single = match (c.one_of.is_empty(), c.any_of.is_empty()) {
            (false, true) if one.len() <= 1 => Some(one.first().copied()),
            (true, false) if any.len() <= 1 => Some(any.first().copied()),
            _ => None,
        };
        match single {
            Some(Some(branch)) if !own_checks => {
                return NodeSeed {
                    ctx: self.ctx,
                    node: branch,
                    path: self.path,
                }
                .deserialize(d);
            }
            Some(None) => {
                let value = Value::deserialize(d)?;
                let actual = describe_value(&value, self.ctx.show_values);
                let (keyword, n) = if c.one_of.is_empty() {
                    ("anyOf", c.any_of.len())
                } else {
                    ("oneOf", c.one_of.len())
                };
                self.composition_error(keyword, n, 0, || actual);
                return Ok(());
            }
            _ => {}
        }
        // Buffer: own checks first (composition skipped), then every branch on the buffer.
        let value = Value::deserialize(d)?;
        let _ = (&value).deserialize_any(CheckVisitor {
            ctx: &mut *self.ctx,
            id: self.id,
            checks: c,
            path: self.path,
            skip_composition: true,
        });
        let show = self.ctx.show_values;
        if !c.one_of.is_empty() {
            let passing: Vec<NodeId> = c
                .one_of
                .iter()
                .copied()
                .filter(|&b| branch_passes(self.ctx, b, &value, self.path))
                .collect();
            if let [only] = passing[..] {
                branch_warnings(self.ctx, only, &value, self.path);
            } else {
                self.composition_error("oneOf", c.one_of.len(), passing.len(), || {
                    describe_value(&value, show)
                });
            }
        }
        if !c.any_of.is_empty() {
            match c
                .any_of
                .iter()
                .copied()
                .find(|&b| branch_passes(self.ctx, b, &value, self.path))
            {
                Some(b) => branch_warnings(self.ctx, b, &value, self.path),
                None => self
                    .composition_error("anyOf", c.any_of.len(), 0, || describe_value(&value, show)),
            }
        }
        Ok(())
    }

    fn object<'de, E: Entries<'de>>(mut self, mut map: E) -> Result<(), E::Error> {
        let c = self.checks;
        let mut seen = Seen::new(c.properties.len());
        // The likely next key, learnt from earlier objects of this schema (`Property::next`):
        // the scanner tries its name first (`Entries::next_key`).
        let mut guess = &c.first_key;
        let mut hint = guess.load(Relaxed) as usize;
        let mut seen_elsewhere = vec![false; c.required_elsewhere.len()];
        let mut count: u64 = 0;
        // Keys that are not documented properties, to notice a repeated one (allocated only
        // when an object has such a key; documented ones are tracked by `seen`).
        let mut others: Option<FxHashSet<Cow<'de, [u8]>>> = None;
        while let Some((key, documented)) = map.next_key(c, hint)? {
            count += 1;
            let child = self.path.child(Seg::Key(&key));
            if let Some((i, p)) = documented.and_then(|i| c.properties.get(i).map(|p| (i, p))) {
                if seen.get(i) {
                    self.duplicate_key(&child, &key, true);
                }
                seen.set(i);
                if hint != i {
                    guess.store(u32::try_from(i).unwrap_or(u32::MAX), Relaxed);
                }
                guess = &p.next;
                hint = guess.load(Relaxed) as usize;
                map.check_value(self.ctx, p.node, &child)?;
                continue;
            }
            if others.as_ref().is_some_and(|o| o.contains(&*key)) {
                self.duplicate_key(&child, &key, false);
            }
            if let Some(j) = c
                .required_elsewhere
                .iter()
                .position(|r| r.as_bytes() == &*key)
                && let Some(flag) = seen_elsewhere.get_mut(j)
            {
                *flag = true;
            }
            match c.additional {
                Some(Additional::Schema(n)) => map.check_value(self.ctx, n, &child)?,
                Some(Additional::Forbidden) => {
                    let value = map.buffer_value()?;
                    let actual = describe_value(&value, self.ctx.show_values);
                    let show = self.ctx.show_values;
                    self.ctx.push(
                        FindingKind::AdditionalProperty,
                        Severity::Error,
                        &child,
                        self.id,
                        "additionalProperties",
                        || {
                            (
                                "no property other than the documented ones".into(),
                                actual,
                                format!(
                                    "property {:?} is not allowed (additionalProperties: false)",
                                    show_key(&String::from_utf8_lossy(&key), show)
                                ),
                            )
                        },
                    );
                }
                Some(Additional::Allowed) => map.skip_value()?,
                None => {
                    if self.ctx.warnings
                        && !c.properties.is_empty()
                        && !c.unmodelled.iter().any(|k| k.as_bytes() == &*key)
                    {
                        let value = map.buffer_value()?;
                        let actual = describe_value(&value, self.ctx.show_values);
                        let show = self.ctx.show_values;
                        self.ctx.push(
                            FindingKind::UndocumentedField,
                            Severity::Warning,
                            &child,
                            self.id,
                            "properties",
                            || {
                                (
                                    "only documented properties".into(),
                                    actual,
                                    format!(
                                        "property {:?} is not documented in the spec",
                                        show_key(&String::from_utf8_lossy(&key), show)
                                    ),
                                )
                            },
                        );
                    } else {
                        map.skip_value()?;
                    }
                }
            }
            others.get_or_insert_with(FxHashSet::default).insert(key);
        }
        for (i, p) in c.properties.iter().enumerate() {
            if seen.get(i) {
                continue;
            }
            let child = self.path.child(Seg::Key(p.name.as_bytes()));
            if p.required {
                self.ctx.push(
                    FindingKind::Required,
                    Severity::Error,
                    &child,
                    self.id,
                    "required",
                    || {
                        (
                            format!("property {:?}", p.name),
                            "absent".into(),
                            format!("required property {:?} is missing", p.name),
                        )
                    },
                );
            } else if self.ctx.warnings && !p.may_be_absent {
                self.ctx.push(
                    FindingKind::MissingField,
                    Severity::Warning,
                    &child,
                    p.node,
                    "",
                    || {
                        (
                            format!("property {:?} (documented)", p.name),
                            "absent".into(),
                            format!("documented property {:?} is absent", p.name),
                        )
                    },
                );
            }
        }
        for (j, name) in c.required_elsewhere.iter().enumerate() {
            if !seen_elsewhere.get(j).copied().unwrap_or(false) {
                let child = self.path.child(Seg::Key(name.as_bytes()));
                self.ctx.push(
                    FindingKind::Required,
                    Severity::Error,
                    &child,
                    self.id,
                    "required",
                    || {
                        (
                            format!("property {name:?}"),
                            "absent".into(),
                            format!("required property {name:?} is missing"),
                        )
                    },
                );
            }
        }
        self.size(
            "minProperties",
            "maxProperties",
            c.min_properties,
            c.max_properties,
            count,
            "properties",
        );
        Ok(())
    }

    /// A key seen a second time in the same object.
    fn duplicate_key(&mut self, path: &Path<'_>, key: &[u8], documented: bool) {
        let name = show_key(&String::from_utf8_lossy(key), self.ctx.show_values);
        let (severity, why) = if documented {
            (
                Severity::Error,
                "a documented property repeated: the client's decoding fails (\"duplicate field\")",
            )
        } else {
            (
                Severity::Warning,
                "readers disagree on which value counts (serde_json keeps the last)",
            )
        };
        self.ctx.push(
            FindingKind::DuplicateKey,
            severity,
            path,
            self.id,
            "properties",
            || {
                (
                    "each key once".into(),
                    format!("key {name:?} again"),
                    format!("key {name:?} appears more than once in the object: {why}"),
                )
            },
        );
    }

    fn array<'de, E: Elements<'de>>(self, mut seq: E) -> Result<(), E::Error> {
        let c = self.checks;
        let mut i = 0usize;
        match c.items {
            Some(items) => loop {
                let child = self.path.child(Seg::Index(i));
                if !seq.next_checked(self.ctx, items, &child)? {
                    break;
                }
                i += 1;
            },
            None => {
                while seq.next_skipped()? {
                    i += 1;
                }
            }
        }
        self.size(
            "minItems",
            "maxItems",
            c.min_items,
            c.max_items,
            i as u64,
            "items",
        );
        Ok(())
    }

    fn size(
        self,
        min_kw: &str,
        max_kw: &str,
        min: Option<u64>,
        max: Option<u64>,
        n: u64,
        what: &str,
    ) {
        if min.is_none() && max.is_none() {
            return;
        }
        for (keyword, bound, ok, cmp) in [
            (min_kw, min, n >= min.unwrap_or(0), "at least"),
            (max_kw, max, n <= max.unwrap_or(u64::MAX), "at most"),
        ] {
            if let (Some(b), false) = (bound, ok) {
                self.ctx.push(
                    FindingKind::Size,
                    Severity::Error,
                    self.path,
                    self.id,
                    keyword,
                    || {
                        (
                            format!("{cmp} {b} {what}"),
                            format!("{n} {what}"),
                            format!("{n} {what}, expected {cmp} {b}"),
                        )
                    },
                );
            }
        }
    }

    fn wrong_composite<'de, D: Deserializer<'de>>(mut self, d: D) -> Result<(), D::Error> {
        let value = Value::deserialize(d)?;
        let show = self.ctx.show_values;
        self.type_error(|| describe_value(&value, show));
        Ok(())
    }
}

impl<'de> Visitor<'de> for CheckVisitor<'_, '_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(mut self) -> Result<(), E> {
        self.scalar(Scalar::Null);
        Ok(())
    }
    fn visit_none<E>(mut self) -> Result<(), E> {
        self.scalar(Scalar::Null);
        Ok(())
    }
    fn visit_bool<E>(mut self, v: bool) -> Result<(), E> {
        self.scalar(Scalar::Bool(v));
        Ok(())
    }
    fn visit_i64<E>(mut self, v: i64) -> Result<(), E> {
        self.scalar(Scalar::I64(v));
        Ok(())
    }
    fn visit_u64<E>(mut self, v: u64) -> Result<(), E> {
        self.scalar(Scalar::U64(v));
        Ok(())
    }
    fn visit_f64<E>(mut self, v: f64) -> Result<(), E> {
        self.scalar(Scalar::F64(v));
        Ok(())
    }
    fn visit_str<E>(mut self, v: &str) -> Result<(), E> {
        self.scalar(Scalar::Str(v));
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        if let Some(t) = self.checks.types
            && !t.may_allow(TypeSet::OBJECT)
        {
            return self.wrong_composite(MapAccessDeserializer::new(map));
        }
        if self.has_composition() {
            return self.composite(TypeSet::OBJECT, MapAccessDeserializer::new(map));
        }
        self.object(SerdeMap(map))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        if let Some(t) = self.checks.types
            && !t.may_allow(TypeSet::ARRAY)
        {
            return self.wrong_composite(SeqAccessDeserializer::new(seq));
        }
        if self.has_composition() {
            return self.composite(TypeSet::ARRAY, SeqAccessDeserializer::new(seq));
        }
        self.array(SerdeSeq(seq))
    }
}

/// The entries of an object being checked: from serde (`SerdeMap`, a `Value` or serde_json's
/// parser) or from the fast scanner (`scan::ScanMap`). One copy of the object rules serves both.
pub(crate) trait Entries<'de> {
    type Error;
    /// The next key and, when it is a documented property of `checks`, its index; `hint` is the
    /// property most likely next (a source may try it first).
    #[allow(clippy::type_complexity)]
    fn next_key(
        &mut self,
        checks: &Checks,
        hint: usize,
    ) -> Result<Option<(Cow<'de, [u8]>, Option<usize>)>, Self::Error>;
    /// Check the value of the current key against `node`.
    fn check_value(
        &mut self,
        ctx: &mut Ctx<'_>,
        node: NodeId,
        path: &Path<'_>,
    ) -> Result<(), Self::Error>;
    /// The value of the current key, parsed (for a finding that shows it).
    fn buffer_value(&mut self) -> Result<Value, Self::Error>;
    /// Pass over the value of the current key.
    fn skip_value(&mut self) -> Result<(), Self::Error>;
}

/// The elements of an array being checked (see [`Entries`]).
pub(crate) trait Elements<'de> {
    type Error;
    /// Check the next element against `node`; false at the end of the array.
    fn next_checked(
        &mut self,
        ctx: &mut Ctx<'_>,
        node: NodeId,
        path: &Path<'_>,
    ) -> Result<bool, Self::Error>;
    /// Pass over the next element; false at the end of the array.
    fn next_skipped(&mut self) -> Result<bool, Self::Error>;
}

struct SerdeMap<A>(A);

impl<'de, A: MapAccess<'de>> Entries<'de> for SerdeMap<A> {
    type Error = A::Error;
    fn next_key(
        &mut self,
        checks: &Checks,
        _hint: usize,
    ) -> Result<Option<(Cow<'de, [u8]>, Option<usize>)>, A::Error> {
        Ok(self.0.next_key_seed(KeySeed)?.map(|key| {
            let index = checks.property(&key).map(|(i, _)| i);
            (key, index)
        }))
    }
    fn check_value(
        &mut self,
        ctx: &mut Ctx<'_>,
        node: NodeId,
        path: &Path<'_>,
    ) -> Result<(), A::Error> {
        self.0.next_value_seed(NodeSeed { ctx, node, path })
    }
    fn buffer_value(&mut self) -> Result<Value, A::Error> {
        self.0.next_value()
    }
    fn skip_value(&mut self) -> Result<(), A::Error> {
        self.0.next_value::<IgnoredAny>().map(drop)
    }
}

struct SerdeSeq<A>(A);

impl<'de, A: SeqAccess<'de>> Elements<'de> for SerdeSeq<A> {
    type Error = A::Error;
    fn next_checked(
        &mut self,
        ctx: &mut Ctx<'_>,
        node: NodeId,
        path: &Path<'_>,
    ) -> Result<bool, A::Error> {
        Ok(self
            .0
            .next_element_seed(NodeSeed { ctx, node, path })?
            .is_some())
    }
    fn next_skipped(&mut self) -> Result<bool, A::Error> {
        Ok(self.0.next_element::<IgnoredAny>()?.is_some())
    }
}

/// Object keys as bytes, borrowed from the input when they have no escapes.
///
/// Asked for as bytes: serde_json then skips its per-string UTF-8 check (the bytes entry point
/// checks the whole body once, `lib.rs`), and keys are matched against property names as bytes.
/// A key becomes text only for a finding. Other deserializers (a `Value`) hand out `str`s.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, [u8]>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_bytes(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, [u8]>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v.as_bytes()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.as_bytes().to_vec()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.into_bytes()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string().into_bytes()))
    }
    fn visit_borrowed_bytes<E>(self, v: &'de [u8]) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_vec()))
    }
}

/// Which documented properties an object instance has (no allocation up to 128 properties).
enum Seen {
    Small(u128),
    Large(Vec<bool>),
}

impl Seen {
    fn new(n: usize) -> Self {
        if n <= 128 {
            Seen::Small(0)
        } else {
            Seen::Large(vec![false; n])
        }
    }
    fn set(&mut self, i: usize) {
        match self {
            Seen::Small(bits) => *bits |= 1u128 << i,
            Seen::Large(v) => {
                if let Some(b) = v.get_mut(i) {
                    *b = true;
                }
            }
        }
    }
    fn get(&self, i: usize) -> bool {
        match self {
            Seen::Small(bits) => bits & (1u128 << i) != 0,
            Seen::Large(v) => v.get(i).copied().unwrap_or(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_render_as_escaped_pointers() {
        let root = Path::ROOT;
        assert_eq!(root.pointer(), "");
        let a = root.child(Seg::Key(b"a/b"));
        let i = a.child(Seg::Index(3));
        let t = i.child(Seg::Key(b"x~y"));
        assert_eq!(t.pointer(), "/a~1b/3/x~0y");
        let empty = root.child(Seg::Key(b""));
        assert_eq!(empty.pointer(), "/");
        for i in [0, 9, 10, 1_234_567_890, usize::MAX] {
            assert_eq!(root.child(Seg::Index(i)).pointer(), format!("/{i}"));
        }
    }

    #[test]
    fn masked_pointers_equal_masking_the_pointer() {
        let root = Path::ROOT;
        let a = root.child(Seg::Key(b"custom_variables"));
        let b = a.child(Seg::Key(b"+15551234567"));
        let c = b.child(Seg::Index(2));
        let d = c.child(Seg::Key(b"ann@example.com/x~y"));
        for show in [false, true] {
            assert_eq!(d.masked_pointer(show), mask_pointer(&d.pointer(), show));
        }
        assert_eq!(
            d.masked_pointer(false),
            "/custom_variables/<masked key, 12 chars>/2/<masked key, 19 chars>"
        );
    }

    #[test]
    fn node_counting_stops_at_the_limit() {
        let v = json!({"a": [1, 2, {"b": null}], "c": "d"});
        // root, a, 1, 2, {b}, null, c: 7 values.
        assert!(nodes_at_most(&v, 7));
        assert!(!nodes_at_most(&v, 6));
        assert!(nodes_at_most(&json!(1), 1));
        assert!(!nodes_at_most(&json!([]), 0));
    }

    /// Findings deep inside arrays and objects carry the pointer of the value and of the
    /// schema keyword; a second error in the same body is reported too.
    #[test]
    fn nested_findings_point_at_the_value() {
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/p": {"get": {"operationId": "probe", "responses": {"200": {
                "description": "ok",
                "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"a/b": {"type": "array", "items": {
                        "type": "object",
                        "properties": {"n": {"type": "integer"}}
                    }}}
                }}}
            }}}}}
        });
        let spec = omnidim_spec::Spec::from_yaml_str(&doc.to_string(), "t").unwrap();
        let validator = crate::Validator::from_spec(&spec).unwrap();
        let body = br#"{"a/b": [{"n": 1}, {"n": "two"}, {"n": 3.5}]}"#;
        let report = validator
            .validate("probe", 200, Some("application/json"), body)
            .unwrap();
        let errors: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| f.severity == crate::Severity::Error)
            .map(|f| f.instance.as_str())
            .collect();
        assert_eq!(errors, ["/a~1b/1/n", "/a~1b/2/n"], "{report}");
        assert!(!report.is_valid());
    }
}
