//! `load --shard auto`: which part of a sharded run this process is, from the variables the
//! engine running it sets: a Kubernetes Indexed Job's `JOB_COMPLETION_INDEX` (from 0; the
//! count is the job's `completions`, given with `--shard-count`), or GitLab CI's `parallel:`
//! (`CI_NODE_INDEX` from 1, `CI_NODE_TOTAL`).

use super::JobError;
use crate::outcome::load::Shard;

/// The shard the environment names, and a sentence saying where it came from.
pub fn from_env(
    count: Option<u32>,
    var: impl Fn(&str) -> Option<String>,
) -> Result<(Shard, String), JobError> {
    let number = |name: &str| -> Result<Option<u32>, JobError> {
        var(name)
            .filter(|v| !v.trim().is_empty())
            .map(|v| {
                v.trim().parse::<u32>().map_err(|_| {
                    JobError::Usage(format!("--shard auto: {name}={v} is not a whole number"))
                })
            })
            .transpose()
    };
    let shard = |index: u32, count: u32, said: String| {
        if index == 0 || index > count {
            Err(JobError::Usage(format!(
                "--shard auto: {said} names shard {index} of {count}, which does not exist"
            )))
        } else {
            Ok((
                Shard { index, count },
                format!("shard {index}/{count} from {said}"),
            ))
        }
    };
    if let Some(i) = number("JOB_COMPLETION_INDEX")? {
        let Some(n) = count else {
            return Err(JobError::Usage(format!(
                "--shard auto: JOB_COMPLETION_INDEX={i} (a Kubernetes Indexed Job) says which shard, not how many; give the job's completions with --shard-count N"
            )));
        };
        return shard(
            i + 1,
            n,
            format!("JOB_COMPLETION_INDEX={i} (Kubernetes Indexed Job) and --shard-count {n}"),
        );
    }
    if let Some(i) = number("CI_NODE_INDEX")? {
        let n = match (number("CI_NODE_TOTAL")?, count) {
            (Some(n), _) | (None, Some(n)) => n,
            (None, None) => {
                return Err(JobError::Usage(format!(
                    "--shard auto: CI_NODE_INDEX={i} without CI_NODE_TOTAL; give --shard-count N"
                )));
            }
        };
        return shard(
            i,
            n,
            format!("CI_NODE_INDEX={i} and CI_NODE_TOTAL={n} (GitLab CI parallel)"),
        );
    }
    Err(JobError::Usage(
        "--shard auto: no shard in the environment: JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) and CI_NODE_INDEX (GitLab CI's parallel:) are unset; give --shard K/N".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn kubernetes_counts_from_zero_and_needs_the_count() {
        let (s, said) = from_env(Some(4), env(&[("JOB_COMPLETION_INDEX", "0")])).unwrap();
        assert_eq!((s.index, s.count), (1, 4));
        assert!(said.contains("Kubernetes"), "{said}");
        let (s, _) = from_env(Some(4), env(&[("JOB_COMPLETION_INDEX", "3")])).unwrap();
        assert_eq!((s.index, s.count), (4, 4));
        let e = from_env(None, env(&[("JOB_COMPLETION_INDEX", "0")])).unwrap_err();
        assert!(e.to_string().contains("--shard-count"), "{e}");
        let e = from_env(Some(4), env(&[("JOB_COMPLETION_INDEX", "4")])).unwrap_err();
        assert!(e.to_string().contains("shard 5 of 4"), "{e}");
    }

    #[test]
    fn gitlab_counts_from_one_with_its_total() {
        let vars = [("CI_NODE_INDEX", "2"), ("CI_NODE_TOTAL", "3")];
        let (s, said) = from_env(None, env(&vars)).unwrap();
        assert_eq!((s.index, s.count), (2, 3));
        assert!(said.contains("GitLab"), "{said}");
        let e = from_env(None, env(&[("CI_NODE_INDEX", "x")])).unwrap_err();
        assert!(e.to_string().contains("CI_NODE_INDEX=x"), "{e}");
    }

    #[test]
    fn nothing_set_is_refused_naming_both_sources() {
        let e = from_env(Some(4), env(&[])).unwrap_err();
        assert_eq!(e.exit_code(), crate::exit::USAGE);
        let e = e.to_string();
        assert!(
            e.contains("JOB_COMPLETION_INDEX") && e.contains("CI_NODE_INDEX"),
            "{e}"
        );
    }
}
