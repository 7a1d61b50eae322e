//! Requirement groups: the AND-of-groups logic used by course prerequisites and credential
//! requirements.
//!
//! A requirement is a list of groups that must all hold. A group is either "choose N of these
//! courses or credentials" (all-of is N = length) or "at least X credits from these courses".

use super::ids::ItemId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One group of a requirement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawGroup", into = "RawGroup")]
pub enum RequirementGroup {
    /// `choose` of the listed courses or credentials.
    Choose { choose: u32, from: Vec<ItemId> },
    /// The listed courses together worth at least `min_credits` credits.
    MinCredits { min_credits: f64, from: Vec<ItemId> },
}

impl RequirementGroup {
    /// The ids the group lists.
    pub fn from(&self) -> &[ItemId] {
        match self {
            RequirementGroup::Choose { from, .. } | RequirementGroup::MinCredits { from, .. } => from,
        }
    }

    /// Whether the group holds, given which listed items are satisfied and each item's credits.
    pub fn holds(&self, satisfied: impl Fn(&ItemId) -> bool, credits: impl Fn(&ItemId) -> f64) -> bool {
        match self {
            RequirementGroup::Choose { choose, from } => {
                from.iter().filter(|id| satisfied(id)).count() >= *choose as usize
            }
            RequirementGroup::MinCredits { min_credits, from } => {
                let total: f64 = from.iter().filter(|id| satisfied(id)).map(credits).sum();
                total + 1e-9 >= *min_credits
            }
        }
    }
}

/// The wire shape of a requirement group: exactly one of `choose` or `min_credits`, and `from`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(title = "RequirementGroup", example = json!({"choose": 1, "from": ["cc.nur-101", "cna"]}))]
pub struct RawGroup {
    /// Number of the listed courses or credentials required (1..=len).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choose: Option<u32>,
    /// Minimum credits the listed courses must add up to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_credits: Option<f64>,
    /// Course or credential ids.
    pub from: Vec<ItemId>,
}

impl TryFrom<RawGroup> for RequirementGroup {
    type Error = String;

    fn try_from(raw: RawGroup) -> Result<Self, Self::Error> {
        match (raw.choose, raw.min_credits) {
            (Some(choose), None) => Ok(RequirementGroup::Choose { choose, from: raw.from }),
            (None, Some(min_credits)) => Ok(RequirementGroup::MinCredits {
                min_credits,
                from: raw.from,
            }),
            (Some(_), Some(_)) => Err("a requirement group takes `choose` or `min_credits`, not both".into()),
            (None, None) => Err("a requirement group needs `choose` or `min_credits`".into()),
        }
    }
}

impl From<RequirementGroup> for RawGroup {
    fn from(g: RequirementGroup) -> Self {
        match g {
            RequirementGroup::Choose { choose, from } => RawGroup {
                choose: Some(choose),
                min_credits: None,
                from,
            },
            RequirementGroup::MinCredits { min_credits, from } => RawGroup {
                choose: None,
                min_credits: Some(min_credits),
                from,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[&str]) -> Vec<ItemId> {
        v.iter().map(|s| ItemId::from(*s)).collect()
    }

    #[test]
    fn choose_counts_satisfied_items() {
        let g = RequirementGroup::Choose {
            choose: 2,
            from: ids(&["a", "b", "c"]),
        };
        assert!(g.holds(|id| id.as_str() != "c", |_| 0.0));
        assert!(!g.holds(|id| id.as_str() == "a", |_| 0.0));
    }

    #[test]
    fn min_credits_adds_satisfied_credits() {
        let g = RequirementGroup::MinCredits {
            min_credits: 6.0,
            from: ids(&["a", "b", "c"]),
        };
        let credits = |id: &ItemId| if id.as_str() == "a" { 4.0 } else { 3.0 };
        assert!(g.holds(|id| id.as_str() != "c", credits));
        assert!(!g.holds(|id| id.as_str() == "a", credits));
    }

    #[test]
    fn wire_shape_round_trips_and_rejects_ambiguity() {
        let g: RequirementGroup = serde_json::from_str(r#"{"min_credits": 12, "from": ["x"]}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&g).unwrap(),
            r#"{"min_credits":12.0,"from":["x"]}"#
        );
        let both = serde_json::from_str::<RequirementGroup>(r#"{"choose": 1, "min_credits": 1, "from": []}"#);
        assert!(both.unwrap_err().to_string().contains("not both"));
    }
}
