//! Entry points and the eligibility rules that go with them, decided once for every analysis
//! (the career-map engine, reachability, gaps and the alignment report).
//!
//! # Rules
//!
//! | entry | may take (by default) | credentials | notes |
//! |---|---|---|---|
//! | `secondary` | secondary, postsecondary, work-based | never `hse` | a `diploma` is earned at graduation; college credit in high school only through `dual_enrollment` |
//! | `adult` | adult, postsecondary, work-based | any | co-enrollment allowed |
//! | `postsecondary` | postsecondary, work-based | any | holds a diploma or equivalency (every `diploma` and `hse` credential counts as held) |
//!
//! A course's `eligible_entries`, when not empty, replaces the default by system (a
//! pre-apprenticeship open to seniors, a bridge course open to both adult and postsecondary
//! learners). Every refusal names its [`EligibilityRule`], so an unreachable answer can say
//! which rule closed the route.

use super::records::{ArticulationKind, Course, CredentialKind, System};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a learner enters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntryPoint {
    /// A high-school student on track to graduate.
    Secondary,
    /// Out of school, without a postsecondary credential: adult education, postsecondary and
    /// work-based units, co-enrollment allowed.
    Adult,
    /// Holds a diploma or equivalency: postsecondary and work-based units.
    Postsecondary,
}

/// A rule that keeps a unit out of an entry point's plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EligibilityRule {
    /// High-school students do not enrol in adult education.
    SecondaryNoAdultEducation,
    /// High-school students graduate with the diploma; they do not sit the equivalency.
    SecondaryNoEquivalency,
    /// Secondary courses are for high-school students only.
    SecondaryCoursesForStudentsOnly,
    /// Learners holding a diploma or equivalency take postsecondary and work-based units.
    PostsecondaryNoAdultEducation,
    /// The course lists the entry points it is open to (`eligible_entries`), and this is not one.
    NotInEligibleEntries,
    /// College credit in high school comes only through dual-enrollment articulations.
    DualEnrollmentOnly,
}

impl EligibilityRule {
    pub fn as_str(self) -> &'static str {
        match self {
            EligibilityRule::SecondaryNoAdultEducation => "secondary_no_adult_education",
            EligibilityRule::SecondaryNoEquivalency => "secondary_no_equivalency",
            EligibilityRule::SecondaryCoursesForStudentsOnly => "secondary_courses_for_students_only",
            EligibilityRule::PostsecondaryNoAdultEducation => "postsecondary_no_adult_education",
            EligibilityRule::NotInEligibleEntries => "not_in_eligible_entries",
            EligibilityRule::DualEnrollmentOnly => "dual_enrollment_only",
        }
    }

    /// The rule in plain words.
    pub fn explain(self) -> &'static str {
        match self {
            EligibilityRule::SecondaryNoAdultEducation => "a high-school student cannot enrol in adult education",
            EligibilityRule::SecondaryNoEquivalency => {
                "a high-school student graduates with the diploma and does not sit the high-school equivalency"
            }
            EligibilityRule::SecondaryCoursesForStudentsOnly => {
                "secondary courses are open only to high-school students"
            }
            EligibilityRule::PostsecondaryNoAdultEducation => {
                "a learner holding a diploma or equivalency takes postsecondary and work-based units, not adult education"
            }
            EligibilityRule::NotInEligibleEntries => "the course is open only to the entry points it lists",
            EligibilityRule::DualEnrollmentOnly => {
                "college credit in high school comes only through dual-enrollment articulations"
            }
        }
    }
}

/// Default hours a learner takes per term, and the length of a term, per entry point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TermDefaults {
    /// Hours of plan steps a term holds (at most, unless one step alone exceeds it).
    pub hours_per_term: f64,
    /// Weeks a term lasts.
    pub weeks_per_term: f64,
}

impl EntryPoint {
    pub const ALL: [EntryPoint; 3] = [EntryPoint::Secondary, EntryPoint::Adult, EntryPoint::Postsecondary];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryPoint::Secondary => "secondary",
            EntryPoint::Adult => "adult",
            EntryPoint::Postsecondary => "postsecondary",
        }
    }

    pub fn parse(s: &str) -> Option<EntryPoint> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// Whether, by default (no `eligible_entries` on the course), a learner entering here may
    /// take units of `system`; the error names the rule that forbids it.
    pub fn allows_system(self, system: System) -> Result<(), EligibilityRule> {
        use EntryPoint as E;
        use System as S;
        match (self, system) {
            (E::Secondary, S::Adult) => Err(EligibilityRule::SecondaryNoAdultEducation),
            (E::Adult | E::Postsecondary, S::Secondary) => Err(EligibilityRule::SecondaryCoursesForStudentsOnly),
            (E::Postsecondary, S::Adult) => Err(EligibilityRule::PostsecondaryNoAdultEducation),
            _ => Ok(()),
        }
    }

    /// Whether a learner entering here may take `course`: its `eligible_entries` when listed,
    /// else the default by system.
    pub fn may_take(self, course: &Course) -> Result<(), EligibilityRule> {
        self.may_take_parts(course.system, &course.eligible_entries)
    }

    /// [`EntryPoint::may_take`] from the two fields that decide it.
    pub fn may_take_parts(self, system: System, eligible_entries: &[EntryPoint]) -> Result<(), EligibilityRule> {
        if eligible_entries.is_empty() {
            self.allows_system(system)
        } else if eligible_entries.contains(&self) {
            Ok(())
        } else {
            Err(EligibilityRule::NotInEligibleEntries)
        }
    }

    /// Whether a plan may earn a credential of `kind` for a learner entering here.
    pub fn may_earn(self, kind: CredentialKind) -> Result<(), EligibilityRule> {
        match (self, kind) {
            (EntryPoint::Secondary, CredentialKind::Hse) => Err(EligibilityRule::SecondaryNoEquivalency),
            _ => Ok(()),
        }
    }

    /// Credentials of `kind` the learner is taken to hold already (`postsecondary`: diploma
    /// and equivalency).
    pub fn assumes_held(self, kind: CredentialKind) -> bool {
        self == EntryPoint::Postsecondary && matches!(kind, CredentialKind::Diploma | CredentialKind::Hse)
    }

    /// Credentials of `kind` earned at graduation, with no new hours (`secondary`: the diploma).
    pub fn earned_at_graduation(self, kind: CredentialKind) -> bool {
        self == EntryPoint::Secondary && kind == CredentialKind::Diploma
    }

    /// Whether an articulation of `kind` from a unit of `from` (a course's system; `None` for a
    /// credential or an assessment) grants credit toward a unit of `to` for a learner entering
    /// here. College credit while in high school comes only through dual enrollment; credit by
    /// exam from assessments applies to everyone.
    pub fn articulation_applies(
        self,
        kind: ArticulationKind,
        from: Option<System>,
        to: System,
    ) -> Result<(), EligibilityRule> {
        if self == EntryPoint::Secondary
            && from == Some(System::Secondary)
            && to == System::Postsecondary
            && kind != ArticulationKind::DualEnrollment
        {
            return Err(EligibilityRule::DualEnrollmentOnly);
        }
        Ok(())
    }

    /// The default hours per term and term length (overridable in settings and per learner).
    pub fn term_defaults(self) -> TermDefaults {
        match self {
            // Pathway courses alongside the rest of a high-school schedule: 18-week semesters.
            EntryPoint::Secondary => TermDefaults {
                hours_per_term: 270.0,
                weeks_per_term: 18.0,
            },
            // A working adult part time: 16-week terms.
            EntryPoint::Adult => TermDefaults {
                hours_per_term: 240.0,
                weeks_per_term: 16.0,
            },
            // Full time, 15 credit hours of 16 weeks (with labs and clinicals).
            EntryPoint::Postsecondary => TermDefaults {
                hours_per_term: 360.0,
                weeks_per_term: 16.0,
            },
        }
    }

    /// The stage a unit of `system` belongs to for this learner, for ordering steps and naming
    /// terms: for a secondary entry, secondary work comes before everything else.
    pub fn stage_rank(self, system: System) -> u8 {
        match system {
            System::Secondary => 0,
            System::Adult => 1,
            System::Postsecondary => 2,
            System::WorkBased => 3,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_by_system_follow_the_table() {
        use EntryPoint as E;
        use System as S;
        let allowed = |e: E, s: S| e.allows_system(s).is_ok();
        assert!(allowed(E::Secondary, S::Secondary) && allowed(E::Secondary, S::Postsecondary));
        assert_eq!(
            E::Secondary.allows_system(S::Adult),
            Err(EligibilityRule::SecondaryNoAdultEducation)
        );
        assert!(allowed(E::Adult, S::Adult) && allowed(E::Adult, S::WorkBased));
        assert!(!allowed(E::Adult, S::Secondary));
        assert!(!allowed(E::Postsecondary, S::Adult) && !allowed(E::Postsecondary, S::Secondary));
        assert!(allowed(E::Postsecondary, S::Postsecondary) && allowed(E::Postsecondary, S::WorkBased));
    }

    #[test]
    fn eligible_entries_override_the_system_default() {
        let pre_apprenticeship = [EntryPoint::Secondary, EntryPoint::Adult];
        assert!(
            EntryPoint::Secondary
                .may_take_parts(System::WorkBased, &pre_apprenticeship)
                .is_ok()
        );
        assert!(
            EntryPoint::Adult
                .may_take_parts(System::Secondary, &[EntryPoint::Adult])
                .is_ok()
        );
        assert_eq!(
            EntryPoint::Postsecondary.may_take_parts(System::WorkBased, &pre_apprenticeship),
            Err(EligibilityRule::NotInEligibleEntries)
        );
    }

    #[test]
    fn credentials_and_articulations() {
        assert!(EntryPoint::Secondary.may_earn(CredentialKind::Hse).is_err());
        assert!(EntryPoint::Adult.may_earn(CredentialKind::Hse).is_ok());
        assert!(EntryPoint::Secondary.earned_at_graduation(CredentialKind::Diploma));
        assert!(!EntryPoint::Adult.earned_at_graduation(CredentialKind::Diploma));
        assert!(EntryPoint::Postsecondary.assumes_held(CredentialKind::Hse));
        let k = ArticulationKind::StatewideAgreement;
        assert_eq!(
            EntryPoint::Secondary.articulation_applies(k, Some(System::Secondary), System::Postsecondary),
            Err(EligibilityRule::DualEnrollmentOnly)
        );
        assert!(
            EntryPoint::Secondary
                .articulation_applies(
                    ArticulationKind::DualEnrollment,
                    Some(System::Secondary),
                    System::Postsecondary
                )
                .is_ok()
        );
        assert!(
            EntryPoint::Adult
                .articulation_applies(k, Some(System::Secondary), System::Postsecondary)
                .is_ok()
        );
        assert!(
            EntryPoint::Secondary
                .articulation_applies(ArticulationKind::CreditByExam, None, System::Postsecondary)
                .is_ok()
        );
    }
}
