//! Lazy streams over the API's paginated lists: `.stream()` on the builder of every list
//! operation whose pagination the spec describes (`x-omnidim-pagination`).
//!
//! The API pages in several styles (api-facts, "Pagination families"): a page number and size
//! (`pageno`/`pagesize` for bulk calls, call logs, agents, simulations, phone numbers;
//! `page`/`page_size` for provider voices) or a cursor (`limit`/`cursor` with `next_cursor` for
//! cloned voices and workflows, `pagesize`/`cursor` for bulk-call lines). Two engines cover them.
//! Both fetch a page only when the consumer has used up the previous one, and end at a short or
//! empty page, the total the API reports, or a missing `next_cursor`. Both fail with
//! [`Error::Pagination`] rather than loop: when a page repeats the previous one (a server that
//! ignores the page parameter would otherwise be paged forever) and when the client's page
//! budget ([`crate::ClientBuilder::max_pages`]) is spent.
//!
//! ```
//! # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let mock = omnidim_mock::MockServer::start().await?;
//! # let client = omnidim::Client::builder().api_key("sk-test-0123456789").base_url(mock.base_url()).build()?;
//! use futures_util::TryStreamExt;
//! let campaigns: Vec<_> = client.fetch_bulk_calls().pagesize(50).stream().try_collect().await?;
//! assert!(!campaigns.is_empty()); // the mock answers with the documented example page
//! # Ok(()) }
//! ```

use std::future::Future;
use std::hash::{Hash, Hasher};
use std::num::NonZeroU64;
use std::pin::Pin;

use futures_core::Stream;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde_json::Value;

use crate::{Error, Operation};

/// The items of a list, page after page, as `.stream()` returns them.
pub type ItemStream<'a, T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>>;

/// One page of a list (what the generated `.stream()` makes of each response).
#[derive(Clone, Debug)]
pub(crate) struct Page<T> {
    pub(crate) items: Vec<T>,
    /// Total number of items, when the API reports it.
    pub(crate) total: Option<u64>,
    /// The cursor of the next page; `None` or empty at the end (cursor styles only).
    pub(crate) next_cursor: Option<String>,
}

/// The integer types of page and page-size parameters (`i64`, `u64`, `NonZeroU64`).
pub trait PageNumber: Clone + Send + Sync {
    /// The value `n`, if this type can hold it.
    fn from_u64(n: u64) -> Option<Self>;
    /// The value as a count, if it is one.
    fn to_u64(&self) -> Option<u64>;
}

impl PageNumber for i64 {
    fn from_u64(n: u64) -> Option<Self> {
        i64::try_from(n).ok()
    }
    fn to_u64(&self) -> Option<u64> {
        u64::try_from(*self).ok()
    }
}

impl PageNumber for u64 {
    fn from_u64(n: u64) -> Option<Self> {
        Some(n)
    }
    fn to_u64(&self) -> Option<u64> {
        Some(*self)
    }
}

impl PageNumber for NonZeroU64 {
    fn from_u64(n: u64) -> Option<Self> {
        NonZeroU64::new(n)
    }
    fn to_u64(&self) -> Option<u64> {
        Some(self.get())
    }
}

/// A total count as the API sends it (a number, possibly absent, null or fractional).
pub(crate) trait Count {
    fn count(&self) -> Option<u64>;
}

impl Count for Option<f64> {
    fn count(&self) -> Option<u64> {
        self.filter(|t| t.is_finite() && *t >= 0.0 && *t <= u64::MAX as f64)
            .map(|t| t as u64)
    }
}

impl Count for Option<i64> {
    fn count(&self) -> Option<u64> {
        self.and_then(|t| u64::try_from(t).ok())
    }
}

impl Count for Option<u64> {
    fn count(&self) -> Option<u64> {
        *self
    }
}

impl Count for Option<Value> {
    fn count(&self) -> Option<u64> {
        self.as_ref().and_then(Value::as_u64)
    }
}

/// A `next_cursor` as the API sends it (string, number, or null).
pub(crate) trait Cursor {
    fn cursor(&self) -> Option<String>;
}

impl Cursor for Option<String> {
    fn cursor(&self) -> Option<String> {
        self.clone()
    }
}

impl Cursor for Option<Value> {
    fn cursor(&self) -> Option<String> {
        match self.as_ref()? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}

pub(crate) fn cursor_of(c: &impl Cursor) -> Option<String> {
    c.cursor()
}

/// The items of a list the spec types only as JSON (no items when it is not an array).
pub(crate) fn json_array(list: Option<Value>) -> Vec<Value> {
    match list {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    }
}

/// A page number or size the parameter's type cannot hold.
pub(crate) fn bad_page(operation: &'static Operation, n: u64) -> Error {
    Error::Pagination {
        operation: operation.id,
        reason: format!("page number or size {n} does not fit the parameter"),
    }
}

/// A stream that yields one error and ends.
pub(crate) fn failed<'a, T: Send + 'a>(e: Error) -> ItemStream<'a, T> {
    Box::pin(stream::once(async move { Err(e) }))
}

/// A fingerprint of a page's items, to notice a server that answers every page alike.
fn fingerprint<T: serde::Serialize>(items: &[T]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_vec(items).unwrap_or_default().hash(&mut h);
    h.finish()
}

/// Items of a page-numbered list. `fetch(page, size)` gets one page; pages count from 1.
pub(crate) fn by_page_number<'a, T, S, F, Fut>(
    operation: &'static Operation,
    budget: u64,
    size: S,
    mut fetch: F,
) -> ItemStream<'a, T>
where
    T: serde::Serialize + Send + 'a,
    S: PageNumber + 'a,
    F: FnMut(u64, S) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'a,
{
    struct State {
        page: u64,
        seen: u64,
        previous: Option<u64>,
        done: bool,
    }
    let page_size = size.to_u64().unwrap_or(0);
    let start = State {
        page: 1,
        seen: 0,
        previous: None,
        done: false,
    };
    let pages = stream::try_unfold(start, move |state| {
        let next = (!state.done && state.page <= budget).then(|| fetch(state.page, size.clone()));
        let over_budget = !state.done && state.page > budget;
        async move {
            if over_budget {
                return Err(Error::Pagination {
                    operation: operation.id,
                    reason: format!("the page budget of {budget} requests is spent"),
                });
            }
            let Some(next) = next else {
                return Ok(None);
            };
            let page = next.await?;
            let n = page.items.len() as u64;
            let print = fingerprint(&page.items);
            if n > 0 && state.previous == Some(print) {
                return Err(Error::Pagination {
                    operation: operation.id,
                    reason: format!(
                        "page {} repeats page {}: the server ignores the page parameter",
                        state.page,
                        state.page - 1
                    ),
                });
            }
            let seen = state.seen.saturating_add(n);
            let done = n == 0 || n < page_size || page.total.is_some_and(|t| seen >= t);
            Ok(Some((
                page.items,
                State {
                    page: state.page.saturating_add(1),
                    seen,
                    previous: Some(print),
                    done,
                },
            )))
        }
    });
    Box::pin(
        pages
            .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
            .try_flatten()
            .boxed(),
    )
}

/// Items of a cursor-paginated list. `fetch(cursor, size)` gets one page (`None`: the first).
pub(crate) fn by_cursor<'a, T, S, F, Fut>(
    operation: &'static Operation,
    budget: u64,
    size: S,
    mut fetch: F,
) -> ItemStream<'a, T>
where
    T: Send + 'a,
    S: PageNumber + 'a,
    F: FnMut(Option<String>, S) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'a,
{
    struct State {
        cursor: Option<String>,
        pages: u64,
        done: bool,
    }
    let start = State {
        cursor: None,
        pages: 0,
        done: false,
    };
    let pages = stream::try_unfold(start, move |state| {
        let over_budget = !state.done && state.pages >= budget;
        let next = (!state.done && !over_budget).then(|| fetch(state.cursor.clone(), size.clone()));
        async move {
            if over_budget {
                return Err(Error::Pagination {
                    operation: operation.id,
                    reason: format!("the page budget of {budget} requests is spent"),
                });
            }
            let Some(next) = next else {
                return Ok(None);
            };
            let page = next.await?;
            let next_cursor = page.next_cursor.filter(|c| !c.is_empty());
            if next_cursor.is_some() && next_cursor == state.cursor {
                return Err(Error::Pagination {
                    operation: operation.id,
                    reason: "the server returned the cursor it was sent: the next page would repeat this one".into(),
                });
            }
            let done = next_cursor.is_none() || page.items.is_empty();
            Ok(Some((
                page.items,
                State {
                    cursor: next_cursor,
                    pages: state.pages.saturating_add(1),
                    done,
                },
            )))
        }
    });
    Box::pin(
        pages
            .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
            .try_flatten()
            .boxed(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    static OP: Operation = Operation {
        id: "listThings",
        rust_name: "list_things",
        method: "GET",
        path: "/things",
        tags: &[],
        accepts_idempotency_key: false,
        signature: "",
    };

    fn page<T>(items: Vec<T>, total: Option<u64>, next_cursor: Option<&str>) -> Page<T> {
        Page {
            items,
            total,
            next_cursor: next_cursor.map(str::to_string),
        }
    }

    #[tokio::test]
    async fn page_numbers_stop_at_a_short_page_and_fetch_lazily() {
        let calls = Arc::new(AtomicU64::new(0));
        let make = |calls: Arc<AtomicU64>| {
            by_page_number(&OP, 100, 2i64, move |p, size| {
                calls.fetch_add(1, Ordering::SeqCst);
                async move {
                    assert_eq!(size, 2);
                    let items: Vec<u64> = match p {
                        1 => vec![1, 2],
                        2 => vec![3, 4],
                        3 => vec![5],
                        _ => panic!("page {p} must not be fetched"),
                    };
                    Ok(page(items, None, None))
                }
            })
        };
        let all: Vec<u64> = make(calls.clone()).try_collect().await.unwrap();
        assert_eq!(all, [1, 2, 3, 4, 5]);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        calls.store(0, Ordering::SeqCst);
        let first: Vec<_> = make(calls.clone()).take(2).collect().await;
        assert_eq!(first.len(), 2);
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "only the first page is fetched for two items"
        );
    }

    #[tokio::test]
    async fn page_numbers_stop_at_the_reported_total() {
        let s = by_page_number(&OP, 100, 2u64, |p, _| async move {
            assert!(p <= 2, "page {p} fetched past the total");
            Ok(page(vec![p; 2], Some(4), None))
        });
        let all: Vec<u64> = s.try_collect().await.unwrap();
        assert_eq!(all, [1, 1, 2, 2]);
    }

    /// A server that ignores `pageno` answers every page with the first: without the check the
    /// stream never ends (5,694 requests in 3 s against the mock before it existed).
    #[tokio::test]
    async fn a_repeated_page_fails_instead_of_paging_forever() {
        let calls = Arc::new(AtomicU64::new(0));
        let c = calls.clone();
        let s = by_page_number(&OP, 1_000_000, 2i64, move |_, _| {
            c.fetch_add(1, Ordering::SeqCst);
            async { Ok(page(vec!["same", "page"], None, None)) }
        });
        let r: Result<Vec<&str>, _> = s.try_collect().await;
        assert!(
            matches!(&r, Err(Error::Pagination { reason, .. }) if reason.contains("repeats")),
            "{r:?}"
        );
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn the_page_budget_ends_an_endless_list() {
        let s = by_page_number(
            &OP,
            3,
            1i64,
            |p, _| async move { Ok(page(vec![p], None, None)) },
        );
        let r: Vec<Result<u64, Error>> = s.collect().await;
        assert_eq!(r.len(), 4, "three pages, then the error");
        assert!(matches!(r.last(), Some(Err(Error::Pagination { .. }))));

        let s = by_cursor(&OP, 2, 1i64, |c: Option<String>, _| async move {
            let n = c.map_or(0, |c| c.parse::<u64>().unwrap());
            Ok(page(vec![n], None, Some(&(n + 1).to_string())))
        });
        let r: Vec<Result<u64, Error>> = s.collect().await;
        assert_eq!(r.len(), 3);
        assert!(matches!(r.last(), Some(Err(Error::Pagination { .. }))));
    }

    #[tokio::test]
    async fn cursors_are_followed_until_none_and_errors_end_the_stream() {
        let s = by_cursor(&OP, 100, 10i64, |cur: Option<String>, _| async move {
            Ok(match cur.as_deref() {
                None => page(vec!["a"], None, Some("c1")),
                Some("c1") => page(vec!["b"], None, Some("")),
                Some(other) => panic!("cursor {other}"),
            })
        });
        let all: Vec<&str> = s.try_collect().await.unwrap();
        assert_eq!(all, ["a", "b"]);

        let s = by_cursor(&OP, 100, 10i64, |c: Option<String>, _| async move {
            Ok(page(vec![1], None, Some(c.as_deref().unwrap_or("same"))))
        });
        let r: Result<Vec<i32>, _> = s.try_collect().await;
        assert!(matches!(r, Err(Error::Pagination { .. })), "{r:?}");

        let s = by_cursor(&OP, 100, 10i64, |_: Option<String>, _| async {
            Err::<Page<i32>, _>(Error::InvalidRequest {
                operation: "t",
                message: "boom".into(),
            })
        });
        let r: Result<Vec<i32>, _> = s.try_collect().await;
        assert!(r.is_err());
    }
}
