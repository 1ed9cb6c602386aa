//! The client-side statement time-out, without a tokio timer per statement.
//!
//! A tokio timer costs about a thousand instructions per statement (made,
//! put in the timer wheel, taken out again), as much as a third of what juggler
//! adds to a point query. Here a statement that is still waiting after its
//! first poll puts its deadline and waker in one ordered map, and one
//! watchdog thread per process (started on first use, parked in between)
//! wakes the statements whose deadline has passed. The statement's next poll
//! finds its entry gone and gives up. The thread belongs to no runtime, so a
//! connector keeps its time-out when it is used from another runtime.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::task::{Context, Poll, Waker};
use std::thread::Thread;
use std::time::{Duration, Instant};

/// When, and which (deadlines may tie).
type Key = (Instant, u64);

#[derive(Default)]
struct Waiting {
    next: u64,
    wakers: BTreeMap<Key, Waker>,
    /// When the watchdog looks next (`None`: not before it is unparked). A
    /// statement wakes it only with an earlier deadline, so statements one
    /// after the other (each deadline later than the last) never do.
    looks_at: Option<Instant>,
}

struct Watchdog {
    waiting: Mutex<Waiting>,
    thread: Thread,
}

fn watchdog() -> &'static Watchdog {
    static WATCHDOG: OnceLock<Watchdog> = OnceLock::new();
    WATCHDOG.get_or_init(|| {
        let thread = std::thread::Builder::new()
            .name("juggler-deadlines".to_owned())
            .spawn(watch)
            .map(|handle| handle.thread().clone())
            // Without a thread of its own (the system refuses one), the
            // statements are woken by nobody: their time-out then rests on
            // the server's own limit.
            .unwrap_or_else(|_| std::thread::current());
        Watchdog {
            waiting: Mutex::default(),
            thread,
        }
    })
}

fn lock() -> MutexGuard<'static, Waiting> {
    watchdog().waiting.lock().unwrap_or_else(|p| p.into_inner())
}

/// The watchdog thread: wakes what is due, then sleeps until the next
/// deadline (or until a statement with an earlier one arrives).
fn watch() {
    loop {
        let (due, next) = {
            let mut waiting = lock();
            let now = Instant::now();
            let later = waiting.wakers.split_off(&(now, u64::MAX));
            let due = std::mem::replace(&mut waiting.wakers, later);
            let next = waiting.wakers.keys().next().map(|(at, _)| *at);
            waiting.looks_at = next;
            (due, next)
        };
        for waker in due.into_values() {
            waker.wake();
        }
        match next {
            Some(at) => std::thread::park_timeout(at.saturating_duration_since(Instant::now())),
            None => std::thread::park(),
        }
    }
}

/// `inner`, or `Err(TimedOut)` once `limit` has passed since its first poll.
pub(crate) fn within<F: Future>(limit: Duration, inner: F) -> Within<F> {
    Within {
        inner,
        limit,
        key: None,
    }
}

/// The statement ran past its time-out.
#[derive(Debug)]
pub(crate) struct TimedOut;

pin_project_lite::pin_project! {
    /// See [`within`].
    pub(crate) struct Within<F> {
        #[pin]
        inner: F,
        limit: Duration,
        key: Option<Key>,
    }

    impl<F> PinnedDrop for Within<F> {
        fn drop(this: Pin<&mut Self>) {
            if let Some(key) = this.project().key.take() {
                lock().wakers.remove(&key);
            }
        }
    }
}

impl<F: Future> Future for Within<F> {
    type Output = Result<F::Output, TimedOut>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let started = this.key.is_none().then(Instant::now);
        if let Poll::Ready(out) = this.inner.poll(cx) {
            if let Some(key) = this.key.take() {
                lock().wakers.remove(&key);
            }
            return Poll::Ready(Ok(out));
        }
        match started {
            // First wait: from now on the watchdog keeps the time.
            Some(now) => {
                let at = now + *this.limit;
                let mut waiting = lock();
                let key = (at, waiting.next);
                waiting.next += 1;
                waiting.wakers.insert(key, cx.waker().clone());
                let sooner = waiting.looks_at.is_none_or(|next| at < next);
                if sooner {
                    waiting.looks_at = Some(at);
                }
                drop(waiting);
                *this.key = Some(key);
                if sooner {
                    watchdog().thread.unpark();
                }
                Poll::Pending
            }
            None => {
                let key = this.key.as_ref().copied();
                let mut waiting = lock();
                match key.and_then(|k| waiting.wakers.get_mut(&k)) {
                    Some(waker) => {
                        if !waker.will_wake(cx.waker()) {
                            waker.clone_from(cx.waker());
                        }
                        Poll::Pending
                    }
                    // The watchdog took the entry: the deadline passed.
                    None => {
                        drop(waiting);
                        *this.key = None;
                        Poll::Ready(Err(TimedOut))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `fut` to the end; the key it held while it waited (if it did).
    async fn run<F: Future>(fut: Within<F>) -> (Result<F::Output, TimedOut>, Option<Key>) {
        let mut fut = std::pin::pin!(fut);
        let mut key = None;
        let out = std::future::poll_fn(|cx| {
            let out = fut.as_mut().poll(cx);
            key = key.or(fut.key);
            out
        })
        .await;
        (out, key)
    }

    fn waiting(key: Option<Key>) -> bool {
        key.is_some_and(|k| lock().wakers.contains_key(&k))
    }

    #[tokio::test]
    async fn a_quick_future_passes_and_leaves_no_entry() {
        assert_eq!(within(Duration::from_secs(5), async { 7 }).await.ok(), Some(7));
        let (out, key) = run(within(
            Duration::from_secs(5),
            tokio::time::sleep(Duration::from_millis(5)),
        ))
        .await;
        assert!(out.is_ok());
        assert!(key.is_some(), "it waited, so it was registered");
        assert!(!waiting(key));
    }

    #[tokio::test]
    async fn a_slow_future_times_out_near_its_deadline() {
        let start = Instant::now();
        let (out, _) = run(within(
            Duration::from_millis(50),
            tokio::time::sleep(Duration::from_secs(30)),
        ))
        .await;
        assert!(out.is_err());
        let took = start.elapsed();
        assert!(
            took >= Duration::from_millis(50) && took < Duration::from_secs(5),
            "{took:?}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn each_statement_keeps_its_own_deadline() {
        let long = tokio::spawn(within(
            Duration::from_secs(20),
            tokio::time::sleep(Duration::from_millis(300)),
        ));
        let short = within(Duration::from_millis(30), std::future::pending::<()>());
        assert!(short.await.is_err());
        assert!(long.await.unwrap().is_ok(), "the later deadline is not cut short");
    }

    #[tokio::test]
    async fn a_dropped_statement_takes_its_entry_with_it() {
        let mut fut = Box::pin(within(Duration::from_secs(20), std::future::pending::<()>()));
        let polled = std::future::poll_fn(|cx| Poll::Ready(fut.as_mut().poll(cx).is_pending())).await;
        assert!(polled);
        let key = fut.key;
        assert!(waiting(key));
        drop(fut);
        assert!(!waiting(key));
    }
}
