//! The simulated clock: real time multiplied by a time scale, so a drill can run at real pace
//! (`--time-scale 1`) or in seconds (`--time-scale 600`).

use std::time::{Duration, Instant};

use time::OffsetDateTime;

/// Simulated time = start + real elapsed × scale.
#[derive(Debug, Clone)]
pub struct SimClock {
    real_start: Instant,
    sim_start: OffsetDateTime,
    scale: f64,
}

impl SimClock {
    /// A clock that starts now (wall-clock UTC) and runs `scale` simulated seconds per real second.
    pub fn new(scale: f64) -> SimClock {
        SimClock {
            real_start: Instant::now(),
            sim_start: OffsetDateTime::now_utc(),
            scale: if scale.is_finite() && scale > 0.0 {
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

    /// The current simulated time.
    pub fn now(&self) -> OffsetDateTime {
        self.sim_start
            + time::Duration::seconds_f64(self.real_start.elapsed().as_secs_f64() * self.scale)
    }

    /// Simulated seconds since the simulation started.
    pub fn elapsed_sim(&self) -> Duration {
        self.real_start.elapsed().mul_f64(self.scale)
    }

    /// How much real time a simulated duration takes.
    pub fn real(&self, sim: Duration) -> Duration {
        sim.div_f64(self.scale)
    }

    /// Changes the scale without a jump in simulated time.
    pub fn set_scale(&mut self, scale: f64) {
        if scale.is_finite() && scale > 0.0 {
            self.sim_start = self.now();
            self.real_start = Instant::now();
            self.scale = scale;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_time_runs_faster() {
        let c = SimClock::new(1000.0);
        let t0 = c.now();
        std::thread::sleep(Duration::from_millis(20));
        let advanced = (c.now() - t0).as_seconds_f64();
        assert!(advanced >= 19.0, "{advanced}");
        assert_eq!(c.real(Duration::from_secs(60)), Duration::from_millis(60));
    }

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
