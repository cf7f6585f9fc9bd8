//! The process's memory between refreshes.
//!
//! A collection parses hundreds of ARM answers at once: a large deployment's first refresh
//! peaks at tens of megabytes of JSON and readings that are dropped as soon as its snapshot is
//! derived. glibc's allocator keeps the freed pages of such a peak mapped for the next
//! allocation (it returns only the top of its main heap, and little of its other arenas), so a
//! console left open at 3 a.m. would keep the peak's size for good. After each collection the
//! engine hands those free pages back ([`release_free_heap_soon`]), and so does the console
//! once it has drawn a new snapshot (the old one and its rows are freed by then).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// A release is queued or running (one serves every engine of the process: a fleet's).
static PENDING: AtomicBool = AtomicBool::new(false);
/// Releases asked for so far: one asked while another runs makes it run again once done (what
/// was freed since it started is handed back too).
static ASKED: AtomicU64 = AtomicU64::new(0);

/// [`release_free_heap`] on a blocking thread of the current Tokio runtime (at once outside
/// one), unless one is already queued: it works on the whole process, so a fleet's engines
/// finishing together need one, not twenty. One asked while another runs is not lost: that one
/// runs again.
pub fn release_free_heap_soon() {
    ASKED.fetch_add(1, Ordering::AcqRel);
    if PENDING.swap(true, Ordering::AcqRel) {
        return;
    }
    let work = || {
        loop {
            let seen = ASKED.load(Ordering::Acquire);
            release_free_heap();
            if ASKED.load(Ordering::Acquire) != seen {
                continue;
            }
            PENDING.store(false, Ordering::Release);
            // One asked between the last look and the store found PENDING set and left: run
            // again for it, unless a new release has started since.
            if ASKED.load(Ordering::Acquire) == seen || PENDING.swap(true, Ordering::AcqRel) {
                break;
            }
        }
    };
    match tokio::runtime::Handle::try_current() {
        Ok(rt) => {
            rt.spawn_blocking(work);
        }
        Err(_) => work(),
    }
}

/// Returns the allocator's free pages to the system (glibc's `malloc_trim`): what the last
/// collection freed stops counting as the console's memory. Live data is not touched. It takes
/// a few milliseconds for a heap of ~100 MB, so the engine runs it on a blocking thread
/// ([`release_free_heap_soon`]).
/// Elsewhere than Linux with glibc it does nothing (other allocators return memory themselves).
pub fn release_free_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointer and only walks the allocator's own free lists,
    // under its own locks; it may be called from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
