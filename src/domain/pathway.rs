//! Published pathways (Credential Engine CTDL `ceterms:Pathway`): components and the conditions
//! between them, kept as published so a pathway can be shown and exported again.
//!
//! A pathway is a small graph of its own: components (courses, credentials, assessments, jobs...)
//! linked by `has_child` / `precedes`, with conditions ("2 of these 3 components") attached to a
//! component. A component may point at a catalog course or credential (`target`), which is how
//! the career-map engine can relate a published pathway to the catalog.

use super::ids::ItemId;
use super::records::Provenance;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A published pathway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": "http://example.edu/a7f2", "name": "Nursing pathway",
    "destination": ["http://example.edu/b510"],
    "components": [{"id": "http://example.edu/b510", "kind": "CredentialComponent", "name": "RN license",
        "has_child": ["http://example.edu/ec05"],
        "conditions": [{"required_number": 1, "target_components": ["http://example.edu/ec05"]}]}]}))]
pub struct Pathway {
    /// The CTID where registered, else the document's `@id`.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ctid: Option<String>,
    /// The `@id` the pathway was published under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Components that are the goal of the pathway (`hasDestinationComponent`).
    #[serde(default)]
    pub destination: Vec<String>,
    /// Every component of the pathway (`hasPart`), with its links and conditions.
    #[serde(default)]
    pub components: Vec<PathwayComponent>,
    /// The progression model (concept scheme) the components' levels come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progression_model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

/// One component of a pathway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PathwayComponent {
    /// The component's `@id` (or CTID).
    pub id: String,
    /// The CTDL class without prefix: `CourseComponent`, `CredentialComponent`,
    /// `AssessmentComponent`, `BasicComponent`, `CocurricularComponent`,
    /// `ExtracurricularComponent`, `JobComponent`, `WorkExperienceComponent`, ...
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ctid: Option<String>,
    /// A code the publisher gives the component (course number...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The catalog course or credential this component stands for, when it is in the catalog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<ItemId>,
    /// The resource the component stands for as published (`sourceData` / `proxyFor`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub has_child: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub is_child_of: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub precedes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preceded_by: Vec<String>,
    /// Conditions on the component's children, all of which must hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<ComponentCondition>,
    /// Credits the component is worth, where published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_value: Option<f64>,
    /// The progression-model level (concept) the component sits at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progression_level: Option<String>,
}

/// A condition of a component: `required_number` of `target_components`, and/or nested
/// conditions combined with `logical_operator` (`AND` when absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComponentCondition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// How many of `target_components` must be completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_number: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_components: Vec<String>,
    /// `AND` or `OR`, combining `conditions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logical_operator: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(no_recursion)]
    pub conditions: Vec<ComponentCondition>,
}
