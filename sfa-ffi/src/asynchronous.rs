//! The workflow calls off the caller's thread: [`AsyncSession`] has every method of
//! [`Session`] as a Kotlin `suspend` function and a Swift `async` one, and
//! [`AsyncSfa`] the long calls of [`Sfa`].
//!
//! Each method is written once, inside `session_calls!` or `sfa_calls!`, which export
//! it on the blocking object and on its async twin (the same name and arguments, run
//! on the library's call threads). No Rust async runtime is involved: the host's coroutine
//! or task suspends until a call thread has finished the call and woken it. A call
//! whose coroutine is cancelled still runs to its end on the call thread (a write is
//! committed whole or not at all, as always); only its answer is dropped.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::Pin;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::task::{Context, Poll, Waker};
use std::thread;

use crate::{Session, Sfa};

/// How many calls run at once off the callers' threads: reads proceed side by side,
/// writes take turns in the database anyway.
const CALL_THREADS: usize = 4;

/// Every method of a `Session`, as `suspend` (Kotlin) and `async` (Swift) functions
/// that run on the library's call threads, so the caller's thread (a UI thread) never
/// waits on the database. Get one with `Session.asynchronous()`.
#[derive(uniffi::Object)]
pub struct AsyncSession {
    pub(crate) blocking: Arc<Session>,
}

/// The long calls of an `Sfa` (index rebuild and catch-up, key change, the stored
/// records check, sync) as `suspend` / `async` functions on the library's call
/// threads. Get one with `Sfa.asynchronous()`.
#[derive(uniffi::Object)]
pub struct AsyncSfa {
    pub(crate) blocking: Arc<Sfa>,
}

#[uniffi::export]
impl Session {
    /// The same session with every call as a `suspend` / `async` function.
    pub fn asynchronous(self: Arc<Self>) -> Arc<AsyncSession> {
        Arc::new(AsyncSession { blocking: self })
    }
}

#[uniffi::export]
impl AsyncSession {
    /// The blocking face of this session.
    pub fn blocking(&self) -> Arc<Session> {
        Arc::clone(&self.blocking)
    }
}

#[uniffi::export]
impl Sfa {
    /// The same database with its long calls as `suspend` / `async` functions.
    pub fn asynchronous(self: Arc<Self>) -> Arc<AsyncSfa> {
        Arc::new(AsyncSfa { blocking: self })
    }
}

#[uniffi::export]
impl AsyncSfa {
    /// The blocking face of this database.
    pub fn blocking(&self) -> Arc<Sfa> {
        Arc::clone(&self.blocking)
    }
}

/// Exports each method on `$blocking` as written and on `$asynchronous` (which holds
/// the blocking object as `blocking`) as an `async` method of the same name that runs
/// it on a call thread. Methods take `&self` (taken from the caller's tokens, for
/// hygiene) and owned arguments.
macro_rules! exported_calls {
    ($blocking:ident => $asynchronous:ident; $(
        $(#[$meta:meta])*
        pub fn $name:ident(&$self:ident $(, $arg:ident : $ty:ty)* $(,)?) -> $ret:ty $body:block
    )*) => {
        // uniffi exports only plain type names; the names are brought in here.
        const _: () = {
            use $crate::{$asynchronous, $blocking};

            #[uniffi::export]
            impl $blocking {
                $(
                    $(#[$meta])*
                    pub fn $name(&$self $(, $arg: $ty)*) -> $ret $body
                )*
            }

            #[uniffi::export]
            impl $asynchronous {
                $(
                    $(#[$meta])*
                    pub async fn $name(&$self $(, $arg: $ty)*) -> $ret {
                        let this = ::std::sync::Arc::clone(&$self.blocking);
                        $crate::asynchronous::run(move || this.$name($($arg),*)).await
                    }
                )*
            }
        };
    };
}
pub(crate) use exported_calls;

/// Methods of `Session`, exported blocking and as `AsyncSession`'s.
macro_rules! session_calls {
    ($($methods:tt)*) => {
        $crate::asynchronous::exported_calls!(Session => AsyncSession; $($methods)*);
    };
}
pub(crate) use session_calls;

/// Methods of `Sfa`, exported blocking and as `AsyncSfa`'s.
macro_rules! sfa_calls {
    ($($methods:tt)*) => {
        $crate::asynchronous::exported_calls!(Sfa => AsyncSfa; $($methods)*);
    };
}
pub(crate) use sfa_calls;

type Job = Box<dyn FnOnce() + Send>;

/// The call threads, started on first use; `None` when none could be started (the
/// calls then run on the caller's thread).
fn call_threads() -> Option<&'static Sender<Job>> {
    static THREADS: OnceLock<Option<Sender<Job>>> = OnceLock::new();
    THREADS
        .get_or_init(|| {
            let (sender, receiver) = channel::<Job>();
            let receiver = Arc::new(Mutex::new(receiver));
            let mut started = 0;
            for n in 0..CALL_THREADS {
                let receiver = Arc::clone(&receiver);
                let spawned =
                    thread::Builder::new()
                        .name(format!("sfa-call-{n}"))
                        .spawn(move || {
                            loop {
                                let job = lock(&receiver).recv();
                                match job {
                                    Ok(job) => job(),
                                    Err(_) => return,
                                }
                            }
                        });
                started += usize::from(spawned.is_ok());
            }
            (started > 0).then_some(sender)
        })
        .as_ref()
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Where a call thread leaves the answer and finds whom to wake.
struct Slot<T> {
    answer: Option<thread::Result<T>>,
    waker: Option<Waker>,
}

/// A call running on a call thread; ready when it has finished. A panic in the call
/// is raised again where the future is polled (uniffi turns it into an error).
pub(crate) struct Running<T> {
    slot: Arc<Mutex<Slot<T>>>,
}

impl<T> Future for Running<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut slot = lock(&self.slot);
        match slot.answer.take() {
            Some(Ok(answer)) => Poll::Ready(answer),
            Some(Err(panic)) => {
                drop(slot);
                resume_unwind(panic)
            }
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// Runs `call` on a call thread.
pub(crate) fn run<T: Send + 'static>(call: impl FnOnce() -> T + Send + 'static) -> Running<T> {
    let slot = Arc::new(Mutex::new(Slot {
        answer: None,
        waker: None,
    }));
    let filled = Arc::clone(&slot);
    let job: Job = Box::new(move || {
        let answer = catch_unwind(AssertUnwindSafe(call));
        let waker = {
            let mut slot = lock(&filled);
            slot.answer = Some(answer);
            slot.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    });
    match call_threads() {
        Some(threads) => {
            if let Err(unsent) = threads.send(job) {
                (unsent.0)();
            }
        }
        None => job(),
    }
    Running { slot }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::task::Wake;

    struct Flag(AtomicBool, thread::Thread);

    impl Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.0.store(true, Ordering::SeqCst);
            self.1.unpark();
        }
    }

    /// Polls `future` on this thread until it is ready, parking between wakes.
    fn block_on<T>(future: Running<T>) -> T {
        let flag = Arc::new(Flag(AtomicBool::new(false), thread::current()));
        let waker = Waker::from(Arc::clone(&flag));
        let mut cx = Context::from_waker(&waker);
        let mut future = Box::pin(future);
        loop {
            if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
                return v;
            }
            while !flag.0.swap(false, Ordering::SeqCst) {
                thread::park();
            }
        }
    }

    #[test]
    fn a_call_runs_on_a_call_thread_and_wakes_its_caller() {
        let caller = thread::current().id();
        let (ran_on, name) = block_on(run(move || {
            let me = thread::current();
            (me.id(), me.name().map(str::to_string))
        }));
        assert_ne!(ran_on, caller, "the call ran off the caller's thread");
        assert!(name.is_some_and(|n| n.starts_with("sfa-call-")));
    }

    #[test]
    fn a_panicking_call_panics_where_it_is_awaited() {
        let answer = catch_unwind(|| block_on(run(|| -> u8 { panic!("in the call") })));
        assert!(answer.is_err(), "the panic reaches the poller");
        assert_eq!(block_on(run(|| 7)), 7, "the call threads go on after it");
    }
}
