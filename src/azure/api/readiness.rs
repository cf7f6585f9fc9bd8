//! The reads of Azure ML readiness: a workspace's datastores, the regional Azure ML quota.

use super::versions as v;
use crate::azure::client::ArmClient;
use crate::azure::error::AzureError;
use crate::azure::models::*;

impl ArmClient {
    /// The datastores of a workspace (`{ws}/datastores`, paged).
    pub async fn datastores(&self, workspace_id: &str) -> Result<Vec<Datastore>, AzureError> {
        self.list(&format!("{workspace_id}/datastores"), v::AML, &[])
            .await
    }

    /// The subscription's Azure ML usages and limits in a region (`.../locations/{r}/usages`).
    pub async fn aml_usages(
        &self,
        subscription: &str,
        region: &str,
    ) -> Result<Vec<Usage>, AzureError> {
        self.list(
            &format!("/subscriptions/{subscription}/providers/Microsoft.MachineLearningServices/locations/{region}/usages"),
            v::AML,
            &[],
        )
        .await
    }

    /// The VM sizes Azure ML offers in a region, with their family and vCPUs.
    pub async fn aml_vm_sizes(
        &self,
        subscription: &str,
        region: &str,
    ) -> Result<Vec<VmSize>, AzureError> {
        let l: VmSizeList = self
            .get(
                &format!("/subscriptions/{subscription}/providers/Microsoft.MachineLearningServices/locations/{region}/vmSizes"),
                v::AML,
                &[],
            )
            .await?;
        Ok(l.value)
    }
}
