//! What Microsoft fails over: a Key Vault and a geo-replicated container registry get a step to
//! watch, outside the RTO, with nothing to run.

use super::{Gen, step};
use crate::config::{Component, ComponentKind, Phase};
use crate::runbook::model::*;

/// The finish step that watches a Key Vault or a container registry fail over by itself.
pub(super) fn finish(g: &mut Gen<'_>, c: &Component) {
    if !matches!(
        c.kind,
        ComponentKind::KeyVault | ComponentKind::ContainerRegistry
    ) {
        return;
    }
    let to = g.to.clone();
    let mut s = step(
        format!("finish.{}.observe", c.name),
        format!(
            "Watch {} ({}): failover is Microsoft's",
            c.name,
            c.kind.label()
        ),
        Phase::Finish,
        StepKind::Verify,
    );
    s.component = Some(c.name.clone());
    s.why = if c.kind == ComponentKind::KeyVault {
        "Key Vault fails over to the paired region automatically, best effort, possibly hours later; meanwhile it is read-only. Nothing to run: keep it outside the RTO.".into()
    } else {
        format!(
            "Geo-replicated registries keep serving from {to}; pushes and Tasks stay in the home region. Nothing to run."
        )
    };
    s.outside_rto = true;
    s.confirm = Confirm::None;
    g.push(s, None);
}
