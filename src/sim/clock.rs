//! The simulated clock: real time multiplied by a time scale, so a drill can run at real pace
//! (`--time-scale 1`) or in seconds (`--time-scale 600`).

use std::time::{Duration, Instant};

use time::OffsetDateTime;

/// The fastest simulated clock: 100,000 simulated seconds per real second.
pub const MAX_TIME_SCALE: f64 = 100_000.0;
/// The slowest: one simulated second per 1,000 real seconds.
pub const MIN_TIME_SCALE: f64 = 0.001;
/// How far a simulation may run: 100 years (simulated), so that timestamps stay valid.
const MAX_ELAPSED: Duration = Duration::from_secs(100 * 365 * 86_400);

/// Simulated time = origin + elapsed, where elapsed = base + real time since `real_start` × scale.
#[derive(Debug, Clone)]
pub struct SimClock {
    /// Simulated time when the simulation started.
    origin: OffsetDateTime,
    /// Simulated time elapsed at `real_start`.
    base: Duration,
    real_start: Instant,
    scale: f64,
}

impl SimClock {
    /// Whether a time scale can be used: a positive number up to `MAX_TIME_SCALE` (a scale of
    /// 1e12 would put simulated time past the year 9999 within a minute).
    pub fn valid_scale(scale: f64) -> bool {
        scale.is_finite() && (MIN_TIME_SCALE..=MAX_TIME_SCALE).contains(&scale)
    }

    /// A clock that starts now (wall-clock UTC) and runs `scale` simulated seconds per real second.
    pub fn new(scale: f64) -> SimClock {
        SimClock::resumed(OffsetDateTime::now_utc(), Duration::ZERO, scale)
    }

    /// A clock that started at `origin` and has already run `elapsed` (simulated): a restored
    /// simulation goes on from there.
    pub fn resumed(origin: OffsetDateTime, elapsed: Duration, scale: f64) -> SimClock {
        SimClock {
            origin,
            base: elapsed,
            real_start: Instant::now(),
            scale: if SimClock::valid_scale(scale) {
                scale
            } else {
                1.0
            },
        }
    }

    /// Simulated seconds per real second.
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// Simulated time when the simulation started.
    pub fn origin(&self) -> OffsetDateTime {
        self.origin
    }

    /// The current simulated time.
    pub fn now(&self) -> OffsetDateTime {
        time::Duration::try_from(self.elapsed_sim())
            .ok()
            .and_then(|d| self.origin.checked_add(d))
            .unwrap_or(self.origin)
    }

    /// Simulated time since the simulation started (saturating: never an overflow).
    pub fn elapsed_sim(&self) -> Duration {
        let run = Duration::try_from_secs_f64(self.real_start.elapsed().as_secs_f64() * self.scale)
            .unwrap_or(MAX_ELAPSED);
        self.base.saturating_add(run).min(MAX_ELAPSED)
    }

    /// How much real time a simulated duration takes.
    pub fn real(&self, sim: Duration) -> Duration {
        Duration::try_from_secs_f64(sim.as_secs_f64() / self.scale).unwrap_or(MAX_ELAPSED)
    }

    /// Changes the scale without a jump in simulated time (an unusable scale is ignored).
    pub fn set_scale(&mut self, scale: f64) {
        if SimClock::valid_scale(scale) {
            self.base = self.elapsed_sim();
            self.real_start = Instant::now();
            self.scale = scale;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A drill at 1000× sees a minute pass in 60 ms of real time.
    #[test]
    fn scaled_time_runs_faster() {
        let c = SimClock::new(1000.0);
        let t0 = c.now();
        std::thread::sleep(Duration::from_millis(20));
        let advanced = (c.now() - t0).as_seconds_f64();
        assert!(advanced >= 19.0, "{advanced}");
        assert_eq!(c.real(Duration::from_secs(60)), Duration::from_millis(60));
    }

    /// A resumed drill does not start its clock from zero again.
    #[test]
    fn a_resumed_clock_goes_on_from_where_it_was() {
        let origin = OffsetDateTime::now_utc() - time::Duration::hours(1);
        let c = SimClock::resumed(origin, Duration::from_secs(600), 10.0);
        let now = c.now();
        assert!((now - origin).as_seconds_f64() >= 600.0);
        assert!((now - origin).as_seconds_f64() < 601.0);
        assert_eq!(c.origin(), origin);
    }

    /// Changing the pace mid-drill does not make simulated time jump.
    #[test]
    fn rescaling_keeps_time_continuous() {
        let mut c = SimClock::new(100.0);
        std::thread::sleep(Duration::from_millis(10));
        let before = c.now();
        c.set_scale(1.0);
        assert!(c.now() >= before);
        assert!((c.now() - before).as_seconds_f64() < 0.5);
    }
}
