/// One operation of the spec, as listed in [`crate::OPERATIONS`] (generated from the spec).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The spec's `operationId`, e.g. `getBulkCall`.
    pub id: &'static str,
    /// The name of the client method, e.g. `get_bulk_call`.
    pub rust_name: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template relative to the base URL, e.g. `/calls/bulk_call/{bulk_call_id}`.
    pub path: &'static str,
    /// The spec's tags (the API group), e.g. `Bulk calls`.
    pub tags: &'static [&'static str],
    /// Whether the operation takes an `Idempotency-Key` header, which makes a retry of a
    /// non-GET request safe when the caller sets one.
    pub accepts_idempotency_key: bool,
    /// The builder call, for surface listings: required setters plain, optional ones in
    /// brackets, e.g. `get_bulk_call().bulk_call_id(i64).send() -> types::GetBulkCallResponse`.
    pub signature: &'static str,
}

impl Operation {
    /// Look an operation up by its `operationId`.
    pub fn by_id(id: &str) -> Option<&'static Operation> {
        crate::OPERATIONS.iter().find(|o| o.id == id)
    }

    /// Whether repeating the request cannot change anything on the server (GET, HEAD).
    pub fn is_read_only(&self) -> bool {
        matches!(self.method, "GET" | "HEAD")
    }
}
