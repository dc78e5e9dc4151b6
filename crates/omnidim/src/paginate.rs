//! Lazy streams over the API's paginated lists.
//!
//! The API pages in four styles (api-facts, "Pagination families"): `pageno`/`pagesize` (bulk
//! calls, call logs, agents, simulations, phone numbers), `page`/`page_size` (provider voices),
//! `limit`/`cursor` with `next_cursor` (cloned voices, workflows) and `pagesize`/`cursor` (bulk-call
//! lines). Two engines cover them: [`by_page_number`] and [`by_cursor`]. Both fetch a page only
//! when the consumer has used up the previous one, and stop at the end: a short or empty page, the
//! total the API reports, or a missing `next_cursor`.
//!
//! ```no_run
//! # async fn demo(client: omnidim::Client) -> Result<(), omnidim::Error> {
//! use futures_util::TryStreamExt;
//! let campaigns: Vec<_> = client.fetch_bulk_calls_stream(None, 50).try_collect().await?;
//! # Ok(()) }
//! ```

use std::future::Future;

use futures_core::Stream;
use futures_util::stream::{self, TryStreamExt};
use serde_json::Value;

use crate::{Error, types};

/// One page of a list.
#[derive(Clone, Debug, Default)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Total number of items, when the API reports it (`total_records`, `total`).
    pub total: Option<u64>,
    /// The cursor of the next page; `None` or empty at the end (cursor styles only).
    pub next_cursor: Option<String>,
}

/// Items of a page-numbered list (`pageno`/`pagesize` or `page`/`page_size`). `fetch(page,
/// page_size)` gets one page; pages count from `first_page`.
pub fn by_page_number<'a, T, F, Fut>(
    first_page: i64,
    page_size: i64,
    mut fetch: F,
) -> impl Stream<Item = Result<T, Error>> + 'a
where
    T: 'a,
    F: FnMut(i64, i64) -> Fut + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + 'a,
{
    struct State {
        page: i64,
        seen: u64,
        done: bool,
    }
    let start = State {
        page: first_page,
        seen: 0,
        done: false,
    };
    stream::try_unfold(start, move |state| {
        let next = (!state.done).then(|| fetch(state.page, page_size));
        async move {
            let Some(next) = next else {
                return Ok::<_, Error>(None);
            };
            let page = next.await?;
            let n = page.items.len() as u64;
            let seen = state.seen + n;
            let done = n == 0 || (n as i64) < page_size || page.total.is_some_and(|t| seen >= t);
            Ok(Some((
                page.items,
                State {
                    page: state.page + 1,
                    seen,
                    done,
                },
            )))
        }
    })
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
}

/// Items of a cursor-paginated list. `fetch(cursor)` gets one page (`None`: the first).
pub fn by_cursor<'a, T, F, Fut>(mut fetch: F) -> impl Stream<Item = Result<T, Error>> + 'a
where
    T: 'a,
    F: FnMut(Option<String>) -> Fut + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + 'a,
{
    // (cursor for the next request, finished)
    stream::try_unfold((None::<String>, false), move |(cursor, done)| {
        let next = (!done).then(|| fetch(cursor));
        async move {
            let Some(next) = next else {
                return Ok::<_, Error>(None);
            };
            let page = next.await?;
            let next_cursor = page.next_cursor.filter(|c| !c.is_empty());
            let done = next_cursor.is_none() || page.items.is_empty();
            Ok(Some((page.items, (next_cursor, done))))
        }
    })
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
}

fn total(v: Option<f64>) -> Option<u64> {
    v.filter(|t| t.is_finite() && *t >= 0.0).map(|t| t as u64)
}

/// `next_cursor` as the API sends it (string, number, or null).
fn cursor(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn check_size(operation: &'static str, size: i64, max: i64) -> Result<(), Error> {
    if (1..=max).contains(&size) {
        Ok(())
    } else {
        Err(Error::InvalidRequest {
            operation,
            message: format!("page size {size} is outside 1..={max}"),
        })
    }
}

/// A stream that yields one error (a bad argument) and ends.
fn failed<'a, T: 'a>(
    e: Error,
) -> std::pin::Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>> {
    Box::pin(stream::once(async move { Err(e) }))
}

type BoxStream<'a, T> = std::pin::Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>>;

impl crate::Client {
    /// Every bulk-call campaign (`fetchBulkCalls`, `pageno`/`pagesize`, `page_size` ≤ 150),
    /// optionally with one status.
    pub fn fetch_bulk_calls_stream(
        &self,
        status: Option<String>,
        page_size: i64,
    ) -> BoxStream<'_, types::BulkCallSummary> {
        if let Err(e) = check_size("fetchBulkCalls", page_size, 150) {
            return failed(e);
        }
        Box::pin(by_page_number(1, page_size, move |page, size| {
            let status = status.clone();
            async move {
                let r = self
                    .fetch_bulk_calls(Some(page), Some(size), status.as_deref())
                    .await?
                    .into_inner();
                Ok(Page {
                    items: r.records,
                    total: None,
                    next_cursor: None,
                })
            }
        }))
    }

    /// Every call log (`listCallLogs`, `pageno`/`pagesize`, `page_size` ≤ 150), optionally of
    /// one agent, status or bulk call.
    pub fn list_call_logs_stream(
        &self,
        agent_id: Option<i64>,
        call_status: Option<types::ListCallLogsCallStatus>,
        bulk_call_id: Option<i64>,
        page_size: i64,
    ) -> BoxStream<'_, types::Call> {
        if let Err(e) = check_size("listCallLogs", page_size, 150) {
            return failed(e);
        }
        Box::pin(by_page_number(1, page_size, move |page, size| async move {
            let r = self
                .list_call_logs(agent_id, bulk_call_id, call_status, Some(page), Some(size))
                .await?
                .into_inner();
            Ok(Page {
                items: r.call_log_data,
                total: total(r.total_records),
                next_cursor: None,
            })
        }))
    }

    /// Every agent (`listAgents`, `pageno`/`pagesize`, `page_size` ≤ 150).
    pub fn list_agents_stream(&self, page_size: i64) -> BoxStream<'_, types::Agent> {
        if let Err(e) = check_size("listAgents", page_size, 150) {
            return failed(e);
        }
        Box::pin(by_page_number(1, page_size, move |page, size| async move {
            let r = self
                .list_agents(None, Some(page), Some(size))
                .await?
                .into_inner();
            Ok(Page {
                items: r.bots,
                total: total(r.total_records),
                next_cursor: None,
            })
        }))
    }

    /// Every voice of the provider catalogue (`listVoices`, `page`/`page_size`, `page_size` ≤ 100).
    pub fn list_voices_stream(
        &self,
        provider: Option<types::ListVoicesProvider>,
        page_size: i64,
    ) -> BoxStream<'_, types::Voice> {
        if let Err(e) = check_size("listVoices", page_size, 100) {
            return failed(e);
        }
        Box::pin(by_page_number(1, page_size, move |page, size| async move {
            let to_nz = |n: i64| {
                std::num::NonZeroU64::new(u64::try_from(n).unwrap_or(1))
                    .unwrap_or(std::num::NonZeroU64::MIN)
            };
            let r = self
                .list_voices(
                    None,
                    None,
                    None,
                    Some(to_nz(page)),
                    Some(to_nz(size)),
                    provider,
                    None,
                )
                .await?
                .into_inner();
            Ok(Page {
                items: r.voices,
                total: total(r.total),
                next_cursor: None,
            })
        }))
    }

    /// Every page of a bulk call's lines (`listBulkCallLines`, `pagesize`/`cursor`, `page_size`
    /// ≤ 150). The item key of a page is undocumented, so whole pages are yielded.
    pub fn list_bulk_call_lines_pages(
        &self,
        bulk_call_id: i64,
        page_size: i64,
    ) -> BoxStream<'_, serde_json::Map<String, Value>> {
        if let Err(e) = check_size("listBulkCallLines", page_size, 150) {
            return failed(e);
        }
        Box::pin(by_cursor(move |cur| async move {
            let r = self
                .list_bulk_call_lines(
                    bulk_call_id,
                    None,
                    cur.as_deref(),
                    None,
                    None,
                    Some(page_size),
                    None,
                )
                .await?
                .into_inner();
            let next_cursor = cursor(r.get("next_cursor"));
            Ok(Page {
                items: vec![r],
                total: None,
                next_cursor,
            })
        }))
    }

    /// Every page of workflows (`listWorkflows`, `limit`/`cursor`). Workflow items are
    /// undocumented, so whole pages are yielded.
    pub fn list_workflows_pages(&self, limit: u64) -> BoxStream<'_, types::ListWorkflowsResponse> {
        let Some(limit) = std::num::NonZeroU64::new(limit) else {
            return failed(Error::InvalidRequest {
                operation: "listWorkflows",
                message: "limit must be at least 1".into(),
            });
        };
        Box::pin(by_cursor(move |cur| async move {
            let r = self
                .list_workflows(cur.as_deref(), Some(limit), None)
                .await?
                .into_inner();
            let next_cursor = cursor(r.next_cursor.as_ref());
            Ok(Page {
                items: vec![r],
                total: None,
                next_cursor,
            })
        }))
    }

    /// Every cloned voice of the account (`listClonedVoices`, `limit`/`cursor`), as the JSON the
    /// API sends (the item shape is undocumented).
    pub fn list_cloned_voices_stream(&self, limit: i64) -> BoxStream<'_, Value> {
        if limit < 1 {
            return failed(Error::InvalidRequest {
                operation: "listClonedVoices",
                message: "limit must be at least 1".into(),
            });
        }
        Box::pin(by_cursor(move |cur| async move {
            let r = self
                .list_cloned_voices(cur.as_deref(), Some(limit))
                .await?
                .into_inner();
            let items = match r.voices {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            };
            Ok(Page {
                items,
                total: None,
                next_cursor: cursor(r.next_cursor.as_ref()),
            })
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use std::cell::Cell;

    #[tokio::test]
    async fn page_numbers_stop_at_a_short_page_and_fetch_lazily() {
        let calls = Cell::new(0);
        let make = || {
            by_page_number(1, 2, |page, size| {
                calls.set(calls.get() + 1);
                async move {
                    let items: Vec<i64> = match page {
                        1 => vec![1, 2],
                        2 => vec![3, 4],
                        3 => vec![5],
                        _ => panic!("page {page} must not be fetched"),
                    };
                    assert_eq!(size, 2);
                    Ok(Page {
                        items,
                        total: None,
                        next_cursor: None,
                    })
                }
            })
        };
        let all: Vec<i64> = make().try_collect().await.unwrap();
        assert_eq!(all, [1, 2, 3, 4, 5]);
        assert_eq!(calls.get(), 3);
        calls.set(0);
        let first: Vec<_> = make().take(2).collect().await;
        assert_eq!(first.len(), 2);
        assert_eq!(
            calls.get(),
            1,
            "only the first page is fetched for two items"
        );
    }

    #[tokio::test]
    async fn page_numbers_stop_at_the_reported_total() {
        let s = by_page_number(1, 2, |page, _| async move {
            assert!(page <= 2, "page {page} fetched past the total");
            Ok(Page {
                items: vec![page; 2],
                total: Some(4),
                next_cursor: None,
            })
        });
        let all: Vec<i64> = s.try_collect().await.unwrap();
        assert_eq!(all, [1, 1, 2, 2]);
    }

    #[tokio::test]
    async fn cursors_are_followed_until_none_and_errors_end_the_stream() {
        let s = by_cursor(|cur: Option<String>| async move {
            Ok(match cur.as_deref() {
                None => Page {
                    items: vec!["a"],
                    total: None,
                    next_cursor: Some("c1".into()),
                },
                Some("c1") => Page {
                    items: vec!["b"],
                    total: None,
                    next_cursor: Some(String::new()),
                },
                Some(other) => panic!("cursor {other}"),
            })
        });
        let all: Vec<&str> = s.try_collect().await.unwrap();
        assert_eq!(all, ["a", "b"]);

        let s = by_cursor(|_: Option<String>| async {
            Err::<Page<i32>, _>(Error::InvalidRequest {
                operation: "t",
                message: "boom".into(),
            })
        });
        let r: Result<Vec<i32>, _> = s.try_collect().await;
        assert!(r.is_err());
    }
}
