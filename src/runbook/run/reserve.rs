//! A run keeps a reserve of ARM's write budget: when what ARM last said is left of the write
//! bucket (refilled since at the documented rate) is below [`WRITE_RESERVE`], a mutation waits
//! for it to refill — briefly, saying why — instead of walking into a 429 in the middle of a
//! failover. The wait comes before the request's intent is journaled, so the write-ahead rule
//! (intent, then send, never twice) is untouched.

use std::time::Duration;

use crate::azure::Budget;
use crate::runbook::model::Step;

use super::runner::Runner;

/// Writes a run leaves in ARM's bucket before it sends a mutation.
pub const WRITE_RESERVE: u32 = 10;

/// How long a mutation waits for the write bucket to hold the reserve again: zero when it does
/// or ARM said nothing of it (at the documented refill of 10 a second, at most a second).
pub fn write_wait(budget: &Budget) -> Duration {
    match budget.writes_now() {
        Some(left) if left < WRITE_RESERVE => {
            Duration::from_secs_f64(f64::from(WRITE_RESERVE - left) / Budget::WRITE_REFILL_PER_S)
        }
        _ => Duration::ZERO,
    }
}

impl Runner<'_> {
    /// Waits, saying why, while ARM's write bucket is below the run's reserve (see
    /// [`write_wait`]); a cancelled run stops waiting.
    pub(super) async fn spare_writes(&self, step: &Step) {
        let Some(writer) = &self.ctx.writer else {
            return;
        };
        let budget = writer.reader().budget();
        let wait = write_wait(&budget);
        if wait.is_zero() {
            return;
        }
        let line = format!(
            "{}: ARM's write budget is low ({} left, the run keeps {WRITE_RESERVE}): waiting {:.1} s for it to refill before sending",
            step.id,
            budget.writes_now().unwrap_or_default(),
            wait.as_secs_f64()
        );
        tracing::info!("{line}");
        self.operator.notify(&line);
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = self.ctx.cancel.cancelled() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn writes(left: u32) -> Budget {
        Budget {
            writes: Some(left),
            writes_at: Some(Instant::now()),
            ..Default::default()
        }
    }

    #[test]
    fn a_mutation_waits_for_the_write_reserve_only_when_the_bucket_is_below_it() {
        // Nothing said yet, or enough left: it goes at once.
        assert_eq!(write_wait(&Budget::default()), Duration::ZERO);
        assert_eq!(write_wait(&writes(WRITE_RESERVE)), Duration::ZERO);
        assert_eq!(write_wait(&writes(150)), Duration::ZERO);
        // 4 left: 6 more at 10 a second.
        let w = write_wait(&writes(4)).as_secs_f64();
        assert!((0.5..=0.6).contains(&w), "{w}");
        // Empty: a whole second, never more.
        let w = write_wait(&writes(0)).as_secs_f64();
        assert!((0.9..=1.0).contains(&w), "{w}");
    }
}
