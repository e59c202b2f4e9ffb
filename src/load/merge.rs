//! Adds the reports of `load --shard K/N` runs into the report of the whole run: counts
//! summed, latency histograms merged (so the percentiles are exactly the whole run's), the
//! elapsed time that of the slowest shard. Reports of different runs are refused.

use crate::outcome::load::{Latencies, add_series};
use crate::outcome::load::{LoadResult, Percentiles, shard_list};

/// What every shard of one run has in common, in words for the refusal.
fn identity(r: &LoadResult) -> String {
    format!(
        "seed {}, family {}, receiver {}, {}",
        r.seed,
        r.family,
        r.receiver,
        serde_json::to_string(&r.plan).unwrap_or_default()
    )
}

/// `(file, result)` of each report, merged. A set that lacks a shard is refused unless
/// `allow_partial`: a CI job that lost one artifact must not pass its thresholds on part of
/// the data. Allowed, the missing shards are kept in the result, and every report names them.
/// Why a set of reports does not make the report of one run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MergeError {
    #[error("no reports to merge")]
    Nothing,
    /// hdrhistogram's add error implements `Debug` only.
    #[error("{file}: cannot merge its latency histogram: {detail}")]
    Histogram { file: String, detail: String },
    #[error(
        "{file} is a report of another run than {first_file}: {theirs} against {first}; merge only the shards of one run (same --seed, --family, --receiver, --tasks/--duration, --rate)"
    )]
    OtherRun {
        file: String,
        first_file: String,
        theirs: String,
        first: String,
    },
    #[error("{file} is not a shard's report (it was not run with --shard K/N)")]
    NotAShard { file: String },
    #[error("{file} is shard {index}/{count} but the others are of {others} shards")]
    OtherCount {
        file: String,
        index: u32,
        count: u32,
        others: u32,
    },
    #[error("{file}: shard {index}/{count} is given twice")]
    Twice {
        file: String,
        index: u32,
        count: u32,
    },
    #[error(
        "{} of {count} given; {} missing: a report of part of the run says nothing of the whole (its thresholds would judge part of the data). Give every shard's --report-json, or pass --allow-partial to merge these and have every report say so",
        crate::wire::words::count(*given, "shard", "shards"),
        shard_list(missing)
    )]
    Partial {
        given: usize,
        count: u32,
        missing: Vec<u32>,
    },
}

pub fn merge(
    parts: &[(String, LoadResult)],
    allow_partial: bool,
) -> Result<LoadResult, MergeError> {
    let Some((first_file, first)) = parts.first() else {
        return Err(MergeError::Nothing);
    };
    let mut seen: Vec<u32> = Vec::new();
    let mut count = None;
    for (file, r) in parts {
        if identity(r) != identity(first) {
            return Err(MergeError::OtherRun {
                file: file.clone(),
                first_file: first_file.clone(),
                theirs: identity(r),
                first: identity(first),
            });
        }
        let Some(s) = r.shard else {
            return Err(MergeError::NotAShard { file: file.clone() });
        };
        if *count.get_or_insert(s.count) != s.count {
            return Err(MergeError::OtherCount {
                file: file.clone(),
                index: s.index,
                count: s.count,
                others: count.unwrap_or_default(),
            });
        }
        if seen.contains(&s.index) {
            return Err(MergeError::Twice {
                file: file.clone(),
                index: s.index,
                count: s.count,
            });
        }
        seen.push(s.index);
    }
    seen.sort_unstable();
    let count = count.unwrap_or_default();
    let missing: Vec<u32> = (1..=count).filter(|k| !seen.contains(k)).collect();
    if !missing.is_empty() && !allow_partial {
        return Err(MergeError::Partial {
            given: seen.len(),
            count,
            missing,
        });
    }
    let mut out = first.clone();
    out.shard = None;
    out.merged_shards = seen;
    out.missing_shards = missing;
    let mut latencies = Latencies::new();
    out.counts = Default::default();
    out.failed_by_class.clear();
    out.statuses.clear();
    out.video_requests = 0;
    out.video_downloads = 0;
    out.tasks_downloaded_never = 0;
    out.tasks_downloaded_once = 0;
    out.tasks_downloaded_more = 0;
    out.tasks_downloaded_partly = 0;
    out.duration_s = 0.0;
    out.interrupted = false;
    out.per_second.clear();
    for (file, r) in parts {
        // Shards start together (a CI matrix, an indexed Job): second k of each is second k
        // of the run.
        add_series(&mut out.per_second, &r.per_second);
        out.counts.add(&r.counts);
        for (k, v) in &r.failed_by_class {
            *out.failed_by_class.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &r.statuses {
            *out.statuses.entry(*k).or_default() += v;
        }
        out.video_requests += r.video_requests;
        out.video_downloads += r.video_downloads;
        out.tasks_downloaded_never += r.tasks_downloaded_never;
        out.tasks_downloaded_once += r.tasks_downloaded_once;
        out.tasks_downloaded_more += r.tasks_downloaded_more;
        out.tasks_downloaded_partly += r.tasks_downloaded_partly;
        // Shards run side by side: the run took as long as its slowest part.
        out.duration_s = out.duration_s.max(r.duration_s);
        out.interrupted |= r.interrupted;
        latencies
            .0
            .add(&r.latency_histogram.0)
            .map_err(|e| MergeError::Histogram {
                file: file.clone(),
                detail: format!("{e:?}"),
            })?;
    }
    out.latency = Percentiles::of(&latencies.0);
    out.latency_histogram = latencies;
    out.rate_per_s = if out.duration_s > 0.0 {
        out.counts.sent as f64 / out.duration_s
    } else {
        0.0
    };
    Ok(out)
}
