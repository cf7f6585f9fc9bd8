//! The reads of Azure ML readiness: a workspace's datastores, its deployments' assets and the
//! registries, the regional Azure ML quota, role assignments, private endpoints and DNS links,
//! and the managed network's outbound rules.

use super::versions as v;
use crate::azure::client::ArmClient;
use crate::azure::error::AzureError;
use crate::azure::models::*;

impl ArmClient {
    /// A storage account without its geo-replication statistics (a workspace's default
    /// storage: only its sku and location are needed).
    pub async fn storage_account_plain(&self, id: &str) -> Result<StorageAccount, AzureError> {
        self.get(id, v::STORAGE, &[]).await
    }

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

impl ArmClient {
    /// The online endpoints of a workspace (ids only are used).
    pub async fn workspace_endpoints(
        &self,
        workspace_id: &str,
    ) -> Result<Vec<Resource<serde_json::Value>>, AzureError> {
        self.list(&format!("{workspace_id}/onlineEndpoints"), v::AML, &[])
            .await
    }

    /// An endpoint's deployments, for the assets they use.
    pub async fn deployment_assets(
        &self,
        endpoint_id: &str,
    ) -> Result<Vec<DeploymentAssets>, AzureError> {
        self.list(&format!("{endpoint_id}/deployments"), v::AML, &[])
            .await
    }

    /// The subscription's Azure ML registries.
    pub async fn ml_registries(&self, subscription: &str) -> Result<Vec<MlRegistry>, AzureError> {
        self.list(
            &format!("/subscriptions/{subscription}/providers/Microsoft.MachineLearningServices/registries"),
            v::AML,
            &[],
        )
        .await
    }

    /// Whether a workspace has an asset version (`{ws}/{models|environments|codes}/{n}/versions/{v}`):
    /// false when ARM answers 404.
    pub async fn asset_version_exists(
        &self,
        workspace_id: &str,
        kind: AssetKind,
        name: &str,
        version: &str,
    ) -> Result<bool, AzureError> {
        let path = format!(
            "{workspace_id}/{}/{name}/versions/{version}",
            kind.collection()
        );
        match self.get::<serde_json::Value>(&path, v::AML, &[]).await {
            Ok(_) => Ok(true),
            Err(e) if e.status() == Some(404) => Ok(false),
            Err(e) => Err(e),
        }
    }
}

impl ArmClient {
    /// The role assignments that apply at `scope` (`$filter=atScope()`: at it and above).
    pub async fn role_assignments_at(
        &self,
        scope: &str,
    ) -> Result<Vec<RoleAssignment>, AzureError> {
        self.list(
            &format!("{scope}/providers/Microsoft.Authorization/roleAssignments"),
            v::AUTHORIZATION,
            &[("$filter", "atScope()")],
        )
        .await
    }

    /// Every role assignment of the subscription, unfiltered: at, above and below it
    /// (RoleAssignments_ListForSubscription without `$filter`).
    pub async fn role_assignments_all(
        &self,
        subscription: &str,
    ) -> Result<Vec<RoleAssignment>, AzureError> {
        self.list(
            &format!(
                "/subscriptions/{subscription}/providers/Microsoft.Authorization/roleAssignments"
            ),
            v::AUTHORIZATION,
            &[],
        )
        .await
    }

    /// Every role assignment of one principal in the subscription, at any scope.
    pub async fn role_assignments_of(
        &self,
        subscription: &str,
        principal: &str,
    ) -> Result<Vec<RoleAssignment>, AzureError> {
        let filter = format!("principalId eq '{principal}'");
        self.list(
            &format!(
                "/subscriptions/{subscription}/providers/Microsoft.Authorization/roleAssignments"
            ),
            v::AUTHORIZATION,
            &[("$filter", filter.as_str())],
        )
        .await
    }

    /// The private endpoint connections of a workspace or a storage account.
    pub async fn private_endpoint_connections(
        &self,
        resource_id: &str,
    ) -> Result<Vec<PrivateEndpointConnection>, AzureError> {
        let version = if resource_id
            .to_ascii_lowercase()
            .contains("/providers/microsoft.storage/")
        {
            v::STORAGE
        } else {
            v::AML
        };
        self.list(
            &format!("{resource_id}/privateEndpointConnections"),
            version,
            &[],
        )
        .await
    }

    /// A private endpoint (its region and subnet).
    pub async fn private_endpoint(&self, id: &str) -> Result<PrivateEndpoint, AzureError> {
        self.get(id, v::NETWORK, &[]).await
    }

    /// The subscription's private endpoints (`Microsoft.Network/privateEndpoints`, paged).
    pub async fn private_endpoints(
        &self,
        subscription: &str,
    ) -> Result<Vec<PrivateEndpoint>, AzureError> {
        self.list(
            &format!("/subscriptions/{subscription}/providers/Microsoft.Network/privateEndpoints"),
            v::NETWORK,
            &[],
        )
        .await
    }

    /// The subscription's private DNS zones.
    pub async fn private_dns_zones(
        &self,
        subscription: &str,
    ) -> Result<Vec<PrivateDnsZone>, AzureError> {
        self.list(
            &format!("/subscriptions/{subscription}/providers/Microsoft.Network/privateDnsZones"),
            v::PRIVATE_DNS,
            &[],
        )
        .await
    }

    /// The virtual network links of a private DNS zone.
    pub async fn virtual_network_links(
        &self,
        zone_id: &str,
    ) -> Result<Vec<VirtualNetworkLink>, AzureError> {
        self.list(
            &format!("{zone_id}/virtualNetworkLinks"),
            v::PRIVATE_DNS,
            &[],
        )
        .await
    }

    /// The outbound rules of a workspace's managed network.
    pub async fn outbound_rules(
        &self,
        workspace_id: &str,
    ) -> Result<Vec<OutboundRule>, AzureError> {
        self.list(&format!("{workspace_id}/outboundRules"), v::AML, &[])
            .await
    }
}
