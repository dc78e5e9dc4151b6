//! Serving connections within [`Limits`]: a slot per connection out of `max_connections`,
//! hyper's header-read timeout, and an idle timeout that closes a connection on which nothing
//! moves while the mock waits for the client.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::Instant;

use crate::State;

/// Timeouts are at most this long: a deadline is now plus the timeout, and `Instant` panics on
/// overflow (here and in hyper), so "no timeout" written as `Duration::MAX` means a year.
const LONGEST_TIMEOUT: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// Accept connections while a slot is free; each is served on its own task. Waiting for a slot
/// *before* accepting leaves connections over the cap in the kernel's listen backlog: they cost
/// the mock nothing, and are served in order as slots free.
pub(crate) async fn serve(listener: TcpListener, state: Arc<State>) {
    let slots = Arc::new(Semaphore::new(
        state
            .limits
            .max_connections
            .clamp(1, Semaphore::MAX_PERMITS),
    ));
    loop {
        // The semaphore is never closed, so this does not fail.
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors, or a connection reset before it was accepted.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let state = state.clone();
        tokio::spawn(async move {
            serve_connection(stream, state).await;
            drop(slot);
        });
    }
}

/// Serve one connection until it closes, the header-read timeout runs out (hyper closes it) or it
/// has been idle for `idle_timeout` (dropping it closes the socket and abandons the request).
async fn serve_connection(stream: TcpStream, state: Arc<State>) {
    let activity = Arc::new(Activity::new());
    let idle_timeout = state.limits.idle_timeout.min(LONGEST_TIMEOUT);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(state.limits.header_read_timeout.min(LONGEST_TIMEOUT));
    let io = TokioIo::new(Tracked {
        inner: stream,
        activity: activity.clone(),
    });
    let service = {
        let activity = activity.clone();
        service_fn(move |req| crate::handle(state.clone(), activity.clone(), req))
    };
    let connection = builder.serve_connection(io, service);
    let mut connection = std::pin::pin!(connection);
    loop {
        let deadline = if activity.is_busy() {
            // Check again later; a busy spell ends with a fresh `last` anyway.
            Instant::now() + idle_timeout
        } else {
            activity.last() + idle_timeout
        };
        tokio::select! {
            // An error is a dropped connection (the `drop` fault), a client going away or the
            // header-read timeout: nothing to answer to.
            _ = connection.as_mut() => return,
            () = tokio::time::sleep_until(deadline) => {
                if !activity.is_busy() && activity.last().elapsed() >= idle_timeout {
                    tracing::debug!(?idle_timeout, "mock: closing an idle connection");
                    return;
                }
            }
        }
    }
}

/// When a connection last moved a byte, and whether the mock is working on one of its requests.
pub(crate) struct Activity {
    last: Mutex<Instant>,
    busy: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Self {
            last: Mutex::new(Instant::now()),
            busy: AtomicUsize::new(0),
        }
    }

    fn touch(&self) {
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Instant::now();
    }

    fn last(&self) -> Instant {
        *self.last.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn is_busy(&self) -> bool {
        self.busy.load(Ordering::Acquire) > 0
    }

    /// The mock is working on a request (its body read) until the guard is dropped; the idle
    /// timeout starts again from then.
    pub(crate) fn busy(self: &Arc<Self>) -> Busy {
        self.busy.fetch_add(1, Ordering::AcqRel);
        Busy(self.clone())
    }
}

/// See [`Activity::busy`].
pub(crate) struct Busy(Arc<Activity>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.touch();
        self.0.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A stream that records in [`Activity`] every read or write that moves a byte.
struct Tracked<S> {
    inner: S,
    activity: Arc<Activity>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Tracked<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let poll = Pin::new(&mut this.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.activity.touch();
        }
        poll
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tracked<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write(cx, buf);
        if matches!(poll, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.touch();
        }
        poll
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        if matches!(poll, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.touch();
        }
        poll
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
