//! A response body that passes every frame on as it arrives and keeps a copy of the data for
//! validation, handed over once the body has ended (or was abandoned). The copy never delays a
//! frame: validation starts only after the last byte went to the client.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use tokio::sync::oneshot;

/// What the client received, for validation.
#[derive(Debug, Default)]
pub(crate) struct Captured {
    /// The data, up to the capture limit.
    pub bytes: Vec<u8>,
    /// Bytes received in all (also past the limit).
    pub len: usize,
    /// The body went past the capture limit (not validated).
    pub over_limit: bool,
    /// The body ended normally.
    pub complete: bool,
    /// The upstream error that ended it, if any.
    pub error: Option<String>,
}

pub(crate) struct Tee {
    inner: Incoming,
    captured: Captured,
    limit: usize,
    done: Option<oneshot::Sender<Captured>>,
}

impl Tee {
    pub fn new(inner: Incoming, limit: usize, done: oneshot::Sender<Captured>) -> Self {
        // One allocation for a body of announced length (no regrowth while copying).
        let announced = inner.size_hint().exact().unwrap_or(0);
        let capacity = usize::try_from(announced).unwrap_or(0);
        let captured = Captured {
            bytes: Vec::with_capacity(if capacity <= limit { capacity } else { 0 }),
            ..Captured::default()
        };
        Self {
            inner,
            captured,
            limit,
            done: Some(done),
        }
    }

    fn finish(&mut self, complete: bool, error: Option<String>) {
        if let Some(tx) = self.done.take() {
            let mut captured = std::mem::take(&mut self.captured);
            captured.complete = complete;
            captured.error = error;
            // The receiver is gone only when the proxy shuts down.
            let _ = tx.send(captured);
        }
    }
}

impl Body for Tee {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.captured.len += data.len();
                    if this.captured.bytes.len() + data.len() <= this.limit {
                        this.captured.bytes.extend_from_slice(data);
                    } else {
                        this.captured.over_limit = true;
                    }
                }
                if this.inner.is_end_stream() {
                    this.finish(true, None);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => {
                this.finish(false, Some(e.to_string()));
                Poll::Ready(Some(Err(e)))
            }
            Poll::Ready(None) => {
                this.finish(true, None);
                Poll::Ready(None)
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for Tee {
    fn drop(&mut self) {
        // An empty body is never polled; a body the client stopped reading is incomplete.
        let complete = self.inner.is_end_stream();
        self.finish(complete, None);
    }
}
