//! `suno-mock rules [--family ID]` and `suno-mock explain RULE`.

use super::session::status;
use crate::family::Family;
use crate::job::suite::{applies_to, rule_named};

pub fn list(family: Option<&'static Family>) -> i32 {
    let applies = |id: &str| family.is_none_or(|f| applies_to(id, f));
    crate::console::out!("{}", crate::report::rules::list(family, &applies));
    crate::exit::SUCCESS
}

pub fn explain(id: &str, family: Option<&'static Family>) -> i32 {
    status(rule_named(id).map(|r| {
        let applies = family.is_none_or(|f| applies_to(r.id, f));
        crate::console::out!("{}", crate::report::rules::explain(r, family, applies));
        crate::exit::SUCCESS
    }))
}
