//! The load mode's bodies, rendered once from the family catalogue and cut where the task id
//! goes: a delivery is the parts with the task's id between them, written into a reused
//! buffer (no JSON work on the hot path). Item ids (`{id:N}`) are the same for every task.

use crate::family::{self, Family, Fill, MediaKind};

/// Stands in for the task id while rendering; no template or URL contains it.
const MARKER: &str = "@@suno-mock-task-id@@";

/// One body with the task id's places cut out.
#[derive(Debug, Clone)]
pub struct Cut {
    parts: Vec<Vec<u8>>,
}

impl Cut {
    fn new(rendered: &[u8]) -> Cut {
        let text = String::from_utf8_lossy(rendered);
        Cut {
            parts: text.split(MARKER).map(|p| p.as_bytes().to_vec()).collect(),
        }
    }

    /// The body for one task, into `out`.
    pub fn write(&self, out: &mut Vec<u8>, task_id: &[u8]) {
        out.clear();
        for (i, p) in self.parts.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(task_id);
            }
            out.extend_from_slice(p);
        }
    }
}

/// Every body a load run of one family sends: its stages in order, and its failure.
#[derive(Debug, Clone)]
pub struct Bodies {
    pub stages: Vec<Cut>,
    pub failure: Cut,
    /// Media downloads one task's stages ask of a receiver that fetches each callback's media
    /// once: the per-task count that means "processed once".
    pub media_per_task: u64,
}

impl Bodies {
    /// Renders `family`'s bodies with media at `media_url(task, kind, slot)`.
    pub fn render(
        family: &Family,
        media_url: &(dyn Fn(&str, MediaKind, &str) -> String + Sync),
    ) -> Result<Bodies, family::RenderError> {
        let fill_media = |kind: MediaKind, slot: &str| media_url(MARKER, kind, slot);
        let fill = Fill {
            task_id: MARKER,
            media_url: &fill_media,
            failure: None,
        };
        // A rendered body is plain JSON: it serialises.
        let cut = |v: serde_json::Value| -> Result<Cut, family::RenderError> {
            Ok(Cut::new(&serde_json::to_vec(&v).unwrap_or_default()))
        };
        let stages = family
            .stages
            .iter()
            .map(|s| family::body(family, Ok(s), None, &fill).and_then(cut))
            .collect::<Result<Vec<_>, _>>()?;
        let code = family.default_failure_code();
        let failure = cut(family::body(
            family,
            Err((code, family.failure_msg(code))),
            None,
            &fill,
        )?)?;
        let media_per_task = family
            .stages
            .iter()
            .map(|s| {
                let mut slots: Vec<String> = family::media_refs(s.body)
                    .into_iter()
                    .map(|m| m.slot)
                    .collect();
                slots.dedup();
                slots.len() as u64
            })
            .sum();
        Ok(Bodies {
            stages,
            failure,
            media_per_task,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(task: &str, kind: MediaKind, slot: &str) -> String {
        format!("http://h/media/{task}/{slot}.{}", kind.ext())
    }

    #[test]
    fn a_cut_body_is_the_rendered_body_of_that_task() {
        for f in crate::family::CATALOGUE {
            let b = Bodies::render(f, &url).unwrap();
            let mut out = Vec::new();
            b.stages.last().unwrap().write(&mut out, b"task_7");
            let fill_media = |kind: MediaKind, slot: &str| url("task_7", kind, slot);
            let fill = Fill {
                task_id: "task_7",
                media_url: &fill_media,
                failure: None,
            };
            let whole = family::body(f, Ok(f.final_stage()), None, &fill).unwrap();
            let mut cut: serde_json::Value = serde_json::from_slice(&out).unwrap();
            let mut expected = whole;
            // Item ids are derived from the marker in load; leave them out of the comparison.
            for v in [&mut cut, &mut expected] {
                strip_ids(v);
            }
            assert_eq!(cut, expected, "{}", f.id);
        }
    }

    fn strip_ids(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.remove("id");
                m.remove("voiceId");
                m.values_mut().for_each(strip_ids);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip_ids),
            _ => {}
        }
    }

    #[test]
    fn music_asks_for_the_media_of_first_and_complete() {
        let b = Bodies::render(crate::family::find("music").unwrap(), &url).unwrap();
        assert_eq!(b.stages.len(), 3);
        assert_eq!(b.media_per_task, 6 + 12);
        let video = Bodies::render(crate::family::video(), &url).unwrap();
        assert_eq!(video.media_per_task, 1);
    }
}
