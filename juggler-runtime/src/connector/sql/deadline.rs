//! The client-side statement time-out, without a tokio timer per statement.
//!
//! A tokio timer costs about a thousand instructions per statement (made,
//! put in the timer wheel, taken out again), as much as a third of what juggler
//! adds to a point query. Here a statement that is still waiting after its
//! first poll puts its deadline and waker in a slot of one table, and one
//! watchdog thread per process (started on first use, parked in between)
//! wakes the statements whose deadline has passed, emptying their slots. The
//! statement's next poll finds its slot taken back and gives up. The thread
//! belongs to no runtime, so a connector keeps its time-out when it is used
//! from another runtime.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::task::{Context, Poll, Waker};
use std::thread::Thread;
use std::time::{Duration, Instant};

/// A statement's slot, and the slot's use count when it took it (a slot
/// emptied by the watchdog may serve another statement since).
type Key = (usize, u64);

struct Entry {
    turn: u64,
    at: Instant,
    waker: Waker,
}

#[derive(Default)]
struct Waiting {
    slots: Vec<Option<Entry>>,
    free: Vec<usize>,
    turns: u64,
    /// When the watchdog looks next (`None`: not before it is unparked). A
    /// statement wakes it only with an earlier deadline, so statements one
    /// after the other (each deadline later than the last) never do.
    looks_at: Option<Instant>,
}

impl Waiting {
    fn insert(&mut self, at: Instant, waker: Waker) -> Key {
        self.turns += 1;
        let entry = Some(Entry {
            turn: self.turns,
            at,
            waker,
        });
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot] = entry;
                slot
            }
            None => {
                self.slots.push(entry);
                self.slots.len() - 1
            }
        };
        (slot, self.turns)
    }

    /// The statement's entry, unless the watchdog took it.
    fn get_mut(&mut self, (slot, turn): Key) -> Option<&mut Entry> {
        self.slots.get_mut(slot)?.as_mut().filter(|e| e.turn == turn)
    }

    fn remove(&mut self, key: Key) {
        if self.get_mut(key).is_some() {
            self.slots[key.0] = None;
            self.free.push(key.0);
        }
    }

    #[cfg(test)]
    fn contains(&mut self, key: Key) -> bool {
        self.get_mut(key).is_some()
    }
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
/// deadline (or until a statement with an earlier one arrives). It looks at
/// every slot, but only when a deadline comes (or an earlier one arrives).
fn watch() {
    loop {
        let mut due = Vec::new();
        let next = {
            let mut waiting = lock();
            let now = Instant::now();
            let mut next: Option<Instant> = None;
            let Waiting { slots, free, .. } = &mut *waiting;
            for (slot, entry) in slots.iter_mut().enumerate() {
                match entry {
                    Some(e) if e.at <= now => {
                        due.extend(entry.take().map(|e| e.waker));
                        free.push(slot);
                    }
                    Some(e) => next = Some(next.map_or(e.at, |n| n.min(e.at))),
                    None => {}
                }
            }
            waiting.looks_at = next;
            next
        };
        for waker in due {
            waker.wake();
        }
        match next {
            Some(at) => std::thread::park_timeout(at.saturating_duration_since(Instant::now())),
            None => std::thread::park(),
        }
    }
}

/// `inner`, or `Err(TimedOut)` once `limit` (if any) has passed since its
/// first poll.
pub(crate) fn within<F: Future>(limit: impl Into<Option<Duration>>, inner: F) -> Within<F> {
    Within {
        inner,
        limit: limit.into(),
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
        limit: Option<Duration>,
        key: Option<Key>,
    }

    impl<F> PinnedDrop for Within<F> {
        fn drop(this: Pin<&mut Self>) {
            if let Some(key) = this.project().key.take() {
                lock().remove(key);
            }
        }
    }
}

impl<F: Future> Future for Within<F> {
    type Output = Result<F::Output, TimedOut>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Some(limit) = *this.limit else {
            return this.inner.poll(cx).map(Ok);
        };
        let started = this.key.is_none().then(Instant::now);
        if let Poll::Ready(out) = this.inner.poll(cx) {
            if let Some(key) = this.key.take() {
                lock().remove(key);
            }
            return Poll::Ready(Ok(out));
        }
        match started {
            // First wait: from now on the watchdog keeps the time.
            Some(now) => {
                let at = now + limit;
                let mut waiting = lock();
                let key = waiting.insert(at, cx.waker().clone());
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
                match key.and_then(|k| waiting.get_mut(k)) {
                    Some(entry) => {
                        if !entry.waker.will_wake(cx.waker()) {
                            entry.waker.clone_from(cx.waker());
                        }
                        Poll::Pending
                    }
                    // The watchdog emptied the slot: the deadline passed.
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
        key.is_some_and(|k| lock().contains(k))
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

    #[test]
    fn a_reused_slot_is_not_taken_for_the_statement_that_left_it() {
        let mut waiting = Waiting::default();
        let a = waiting.insert(Instant::now(), Waker::noop().clone());
        waiting.remove(a);
        let b = waiting.insert(Instant::now(), Waker::noop().clone());
        assert_eq!(a.0, b.0, "the slot is used again");
        assert!(!waiting.contains(a));
        assert!(waiting.contains(b));
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
