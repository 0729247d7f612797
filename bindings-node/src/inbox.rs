//! How a finished call reaches JavaScript: every call of one Node environment (the main thread
//! or a worker) settles its promise through one threadsafe function, made once.
//!
//! napi's `async fn` makes a threadsafe function for every promise (a libuv handle opened and
//! closed, a cleanup hook added and removed) and spawns two tasks, one to run the call and one
//! to watch it for a panic. Here a call is one task (a panic is caught inside it, see
//! [`crate::guarded`]), and finished calls queue on the environment's one threadsafe function,
//! which Node drains in batches on the JavaScript thread.
//!
//! The threadsafe function keeps the event loop alive only while calls are in flight, like the
//! per-promise ones did, so a process with nothing left to wait for exits.

use std::cell::RefCell;
use std::ffi::c_void;
use std::ptr;
use std::sync::{Arc, Mutex, PoisonError};

use napi::bindgen_prelude::*;
use napi::sys;

/// The threadsafe function of one environment; `None` once the environment is torn down, so a
/// call finishing later (on a runtime thread) drops its outcome instead of using a freed handle.
struct Shared {
    tsfn: Mutex<Option<Tsfn>>,
}

#[derive(Clone, Copy)]
struct Tsfn(sys::napi_threadsafe_function);
// The handle is only used under `Shared::tsfn`'s lock, which the teardown hook takes too.
unsafe impl Send for Tsfn {}

/// What the JavaScript thread needs to settle one promise.
struct Delivery {
    deferred: sys::napi_deferred,
    outcome: Result<String>,
}

/// The environment's side, only touched on its JavaScript thread.
struct Local {
    env: sys::napi_env,
    tsfn: sys::napi_threadsafe_function,
    shared: Arc<Shared>,
    /// Calls started and not yet settled: the threadsafe function is referenced (keeps the
    /// event loop alive) exactly while this is above zero.
    in_flight: usize,
}

thread_local! {
    static LOCALS: RefCell<Vec<Local>> = const { RefCell::new(Vec::new()) };
}

/// A promise for `call`'s answer, run on the runtime and settled on this environment's thread.
pub(crate) fn promise<'env, F>(env: &'env Env, call: F) -> Result<PromiseRaw<'env, String>>
where
    F: Future<Output = Result<String>> + Send + 'static,
{
    crate::contained(|| start(env, call))
}

fn start<'env, F>(env: &'env Env, call: F) -> Result<PromiseRaw<'env, String>>
where
    F: Future<Output = Result<String>> + Send + 'static,
{
    let raw_env = env.raw();
    let shared = LOCALS.with_borrow_mut(|locals| -> Result<Arc<Shared>> {
        let local = match locals.iter_mut().position(|l| l.env == raw_env) {
            Some(i) => &mut locals[i],
            None => {
                locals.push(open(raw_env)?);
                locals.last_mut().expect("just pushed")
            }
        };
        if local.in_flight == 0 {
            check(unsafe { sys::napi_ref_threadsafe_function(raw_env, local.tsfn) })?;
        }
        local.in_flight += 1;
        Ok(local.shared.clone())
    })?;
    let mut deferred = ptr::null_mut();
    let mut promise = ptr::null_mut();
    if let Err(e) = check(unsafe { sys::napi_create_promise(raw_env, &mut deferred, &mut promise) })
    {
        settled(raw_env);
        return Err(e);
    }
    let delivery = Sender {
        shared,
        deferred: Some(deferred),
    };
    napi::bindgen_prelude::spawn(async move { delivery.send(call.await) });
    Ok(PromiseRaw::new(raw_env, promise))
}

/// Sends one outcome to the JavaScript thread; dropped unsent (the runtime shutting down
/// with the call in it), it rejects the promise rather than leave it pending forever.
struct Sender {
    shared: Arc<Shared>,
    deferred: Option<sys::napi_deferred>,
}
// The deferred is only used on the JavaScript thread, which it is sent back to.
unsafe impl Send for Sender {}

impl Sender {
    fn send(mut self, outcome: Result<String>) {
        self.deliver(outcome);
    }

    fn deliver(&mut self, outcome: Result<String>) {
        let Some(deferred) = self.deferred.take() else {
            return;
        };
        let tsfn = self
            .shared
            .tsfn
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(Tsfn(tsfn)) = *tsfn {
            let data = Box::into_raw(Box::new(Delivery { deferred, outcome }));
            let status = unsafe {
                sys::napi_call_threadsafe_function(
                    tsfn,
                    data.cast(),
                    sys::ThreadsafeFunctionCallMode::nonblocking,
                )
            };
            if status != sys::Status::napi_ok {
                // Closing: the environment is going away and the promise with it.
                drop(unsafe { Box::from_raw(data) });
            }
        }
    }
}

impl Drop for Sender {
    fn drop(&mut self) {
        self.deliver(Err(Error::new(
            Status::Cancelled,
            "the call was dropped before it finished (the runtime is shutting down)",
        )));
    }
}

/// Makes the environment's threadsafe function, unreferenced until a call starts.
fn open(env: sys::napi_env) -> Result<Local> {
    let mut name = ptr::null_mut();
    let label = "mypos call";
    check(unsafe {
        sys::napi_create_string_utf8(env, label.as_ptr().cast(), label.len() as isize, &mut name)
    })?;
    let mut tsfn = ptr::null_mut();
    check(unsafe {
        sys::napi_create_threadsafe_function(
            env,
            ptr::null_mut(),
            ptr::null_mut(),
            name,
            0,
            1,
            ptr::null_mut(),
            None,
            ptr::null_mut(),
            Some(settle),
            &mut tsfn,
        )
    })?;
    check(unsafe { sys::napi_unref_threadsafe_function(env, tsfn) })?;
    let shared = Arc::new(Shared {
        tsfn: Mutex::new(Some(Tsfn(tsfn))),
    });
    let hook = Arc::into_raw(shared.clone()) as *mut c_void;
    check(unsafe { sys::napi_add_env_cleanup_hook(env, Some(teardown), hook) })?;
    Ok(Local {
        env,
        tsfn,
        shared,
        in_flight: 0,
    })
}

/// The environment is going away: no call may use its threadsafe function after this.
unsafe extern "C" fn teardown(hook: *mut c_void) {
    let shared = unsafe { Arc::from_raw(hook as *const Shared) };
    let mut tsfn = shared.tsfn.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(Tsfn(handle)) = tsfn.take() {
        unsafe {
            sys::napi_release_threadsafe_function(handle, sys::ThreadsafeFunctionReleaseMode::abort)
        };
    }
    drop(tsfn);
    let _ = LOCALS.try_with(|locals| {
        if let Ok(mut locals) = locals.try_borrow_mut() {
            locals.retain(|l| !Arc::ptr_eq(&l.shared, &shared));
        }
    });
}

/// One call fewer in flight on `env`; the last one lets the event loop end.
fn settled(env: sys::napi_env) {
    LOCALS.with_borrow_mut(|locals| {
        if let Some(local) = locals.iter_mut().find(|l| l.env == env) {
            local.in_flight = local.in_flight.saturating_sub(1);
            if local.in_flight == 0 {
                unsafe { sys::napi_unref_threadsafe_function(env, local.tsfn) };
            }
        }
    });
}

/// Settles one promise, on the JavaScript thread (`env` is null when Node drains the queue
/// of an environment being torn down: nothing is left to settle then).
unsafe extern "C" fn settle(
    env: sys::napi_env,
    _callback: sys::napi_value,
    _context: *mut c_void,
    data: *mut c_void,
) {
    let Delivery { deferred, outcome } = *unsafe { Box::from_raw(data.cast::<Delivery>()) };
    if env.is_null() {
        return;
    }
    settled(env);
    match outcome {
        Ok(text) => match string(env, &text) {
            Ok(value) => unsafe { sys::napi_resolve_deferred(env, deferred, value) },
            Err(error) => reject(env, deferred, &error),
        },
        Err(error) => reject(env, deferred, &error),
    };
}

fn reject(env: sys::napi_env, deferred: sys::napi_deferred, error: &Error) -> sys::napi_status {
    let mut value = ptr::null_mut();
    let made = string(env, error.status.as_ref()).and_then(|code| {
        let message = string(env, &error.reason)?;
        check(unsafe { sys::napi_create_error(env, code, message, &mut value) })
    });
    match made {
        Ok(()) => unsafe { sys::napi_reject_deferred(env, deferred, value) },
        Err(_) => {
            let mut undefined = ptr::null_mut();
            unsafe { sys::napi_get_undefined(env, &mut undefined) };
            unsafe { sys::napi_reject_deferred(env, deferred, undefined) }
        }
    }
}

fn string(env: sys::napi_env, text: &str) -> Result<sys::napi_value> {
    let mut value = ptr::null_mut();
    check(unsafe {
        sys::napi_create_string_utf8(env, text.as_ptr().cast(), text.len() as isize, &mut value)
    })?;
    Ok(value)
}

fn check(status: sys::napi_status) -> Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::new(
            Status::from(status),
            "a Node-API call failed while bridging a promise",
        ))
    }
}
