//! Azure region names: normalisation ("West US" = "westus") and the table of known regions.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A known Azure region: canonical name, display name and approximate coordinates (for the map).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegionInfo {
    /// Canonical ARM name, e.g. `eastus`.
    pub name: &'static str,
    /// Display name as ARM writes it in some APIs, e.g. `East US`.
    pub display: &'static str,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
}

macro_rules! regions {
    ($(($name:literal, $display:literal, $lat:literal, $lon:literal)),* $(,)?) => {
        /// Every Azure public-cloud region azfailover knows by name.
        pub const KNOWN_REGIONS: &[RegionInfo] = &[
            $(RegionInfo { name: $name, display: $display, lat: $lat, lon: $lon }),*
        ];
    };
}

regions![
    ("eastus", "East US", 37.37, -79.82),
    ("eastus2", "East US 2", 36.67, -78.39),
    ("centralus", "Central US", 41.59, -93.60),
    ("northcentralus", "North Central US", 41.88, -87.63),
    ("southcentralus", "South Central US", 29.42, -98.49),
    ("westcentralus", "West Central US", 40.89, -110.23),
    ("westus", "West US", 37.78, -122.42),
    ("westus2", "West US 2", 47.23, -119.85),
    ("westus3", "West US 3", 33.45, -112.07),
    ("canadacentral", "Canada Central", 43.65, -79.38),
    ("canadaeast", "Canada East", 46.82, -71.22),
    ("brazilsouth", "Brazil South", -23.55, -46.63),
    ("brazilsoutheast", "Brazil Southeast", -22.91, -43.21),
    ("mexicocentral", "Mexico Central", 20.59, -100.39),
    ("northeurope", "North Europe", 53.35, -6.26),
    ("westeurope", "West Europe", 52.37, 4.90),
    ("uksouth", "UK South", 51.51, -0.13),
    ("ukwest", "UK West", 53.43, -3.08),
    ("francecentral", "France Central", 46.38, 2.37),
    ("francesouth", "France South", 43.83, 2.21),
    ("germanywestcentral", "Germany West Central", 50.11, 8.68),
    ("germanynorth", "Germany North", 53.07, 8.81),
    ("switzerlandnorth", "Switzerland North", 47.45, 8.56),
    ("switzerlandwest", "Switzerland West", 46.20, 6.14),
    ("norwayeast", "Norway East", 59.91, 10.75),
    ("norwaywest", "Norway West", 58.97, 5.73),
    ("swedencentral", "Sweden Central", 60.67, 17.14),
    ("polandcentral", "Poland Central", 52.23, 21.01),
    ("italynorth", "Italy North", 45.46, 9.19),
    ("spaincentral", "Spain Central", 40.42, -3.70),
    ("eastasia", "East Asia", 22.27, 114.19),
    ("southeastasia", "Southeast Asia", 1.28, 103.83),
    ("japaneast", "Japan East", 35.68, 139.77),
    ("japanwest", "Japan West", 34.69, 135.50),
    ("koreacentral", "Korea Central", 37.57, 126.98),
    ("koreasouth", "Korea South", 35.18, 129.08),
    ("centralindia", "Central India", 18.59, 73.92),
    ("southindia", "South India", 12.98, 80.16),
    ("westindia", "West India", 19.09, 72.87),
    ("australiaeast", "Australia East", -33.86, 151.21),
    ("australiasoutheast", "Australia Southeast", -37.81, 144.96),
    ("australiacentral", "Australia Central", -35.31, 149.12),
    ("uaenorth", "UAE North", 25.27, 55.30),
    ("qatarcentral", "Qatar Central", 25.29, 51.53),
    ("israelcentral", "Israel Central", 31.77, 35.21),
    ("southafricanorth", "South Africa North", -25.73, 28.22),
    ("southafricawest", "South Africa West", -34.08, 18.86),
];

/// A region name in canonical form (lowercase, no spaces). Equality is ARM's equality.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region(String);

impl Region {
    /// Normalises any spelling ARM uses (`West US`, `westus`, `WESTUS`) to the canonical form.
    pub fn new(raw: &str) -> Self {
        Region(
            raw.chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_lowercase)
                .collect(),
        )
    }

    /// The canonical name, e.g. `westus`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The table entry for this region, if it is a known public-cloud region.
    pub fn info(&self) -> Option<&'static RegionInfo> {
        KNOWN_REGIONS.iter().find(|r| r.name == self.0)
    }

    /// The display name ARM uses in some APIs (`West US`); the canonical name when unknown.
    pub fn display_name(&self) -> String {
        self.info()
            .map(|i| i.display.to_string())
            .unwrap_or_else(|| self.0.clone())
    }

    /// The closest known region name, to suggest when a name is misspelt.
    pub fn suggestion(&self) -> Option<&'static str> {
        crate::suggest::closest(&self.0, KNOWN_REGIONS.iter().map(|r| r.name), 3)
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Region {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Ok(Region::new(&raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_normalise_to_canonical() {
        assert_eq!(Region::new("West US"), Region::new("westus"));
        assert_eq!(Region::new("Japan  West").as_str(), "japanwest");
        assert_eq!(Region::new("eastus").display_name(), "East US");
    }

    #[test]
    fn unknown_region_has_a_suggestion() {
        assert_eq!(Region::new("estus").suggestion(), Some("eastus"));
        assert!(Region::new("mars").info().is_none());
    }

    #[test]
    fn every_known_region_is_canonical() {
        for r in KNOWN_REGIONS {
            assert_eq!(Region::new(r.display).as_str(), r.name, "{}", r.display);
        }
    }
}
