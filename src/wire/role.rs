//! What an observation is evidence of, declared by the scenario that takes it: the typed role
//! rules pick their evidence by, instead of the names a YAML file happens to give.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The role of one observation in the comparison a rule makes. A rule compares two pairs: a
/// control pair, which must show the receiver acting (else nothing can be judged), and the
/// pair it judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The judged task before the deliveries that matter (its baseline).
    Before,
    /// The judged task after the delivery that must act (the first copy, `complete`).
    Acted,
    /// The judged task after the deliveries being judged (the copies, a late stage, a forged
    /// or failure callback).
    After,
    /// A control task before its one genuine delivery.
    ControlBefore,
    /// A control task after it: what acting looks like on this receiver.
    ControlAfter,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Before,
        Role::Acted,
        Role::After,
        Role::ControlBefore,
        Role::ControlAfter,
    ];

    /// The name scenario files use.
    pub fn name(self) -> &'static str {
        match self {
            Role::Before => "before",
            Role::Acted => "acted",
            Role::After => "after",
            Role::ControlBefore => "control-before",
            Role::ControlAfter => "control-after",
        }
    }

    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn every_role_reads_back_from_its_name_as_serde_spells_it() {
        for r in Role::ALL {
            assert_eq!(Role::from_name(r.name()), Some(r));
            assert_eq!(
                serde_json::to_value(r).unwrap(),
                serde_json::json!(r.name())
            );
        }
    }
}
