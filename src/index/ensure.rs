//! Build or reuse: `zhize index` builds a generation unless the live one is up to date;
//! `zhize search` opens the live one, building it first when it is missing or stale.

use super::build::{build_in_memory, rebuild};
use super::files::Lock;
use super::fingerprint::fingerprint;
use super::generation::{inspect, State};
use super::{index_error, io_error, DutyIndex, IndexOptions, IndexReport, Progress};
use crate::error::{Error, Result};
use crate::segment::Vocabulary;
use std::time::Instant;

/// `zhize search`: the index for `options`, built or rebuilt first when missing, stale or
/// unreadable. When another process is rebuilding a stale index, answers from the old one.
/// An index folder that cannot be written (read-only, no permission) does not stop a search:
/// the inputs are indexed in memory instead, with a note.
pub fn ensure(options: &IndexOptions, progress: &dyn Progress) -> Result<(DutyIndex, IndexReport)> {
    let started = Instant::now();
    let vocabulary = Vocabulary::load(&options.vocabulary)?;
    match ensure_on_disk(options, &vocabulary, progress, started) {
        Err(Error::Io { path, source })
            if path.starts_with(&options.dir)
                && matches!(
                    source.kind(),
                    std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
                ) =>
        {
            let corpus = crate::load(&options.inputs, &options.load)?;
            let index = build_in_memory(&corpus, &vocabulary)?;
            let mut report = report_for(options, &index, false, "held in memory", started);
            report.notes.push(format!(
                "cannot write the index ({}: {source}); searching an index held in memory",
                path.display()
            ));
            Ok((index, report))
        }
        other => other,
    }
}

pub(super) fn ensure_on_disk(
    options: &IndexOptions,
    vocabulary: &Vocabulary,
    progress: &dyn Progress,
    started: Instant,
) -> Result<(DutyIndex, IndexReport)> {
    let Some(fingerprint) = fingerprint(options, vocabulary)? else {
        let corpus = crate::load(&options.inputs, &options.load)?;
        let index = build_in_memory(&corpus, vocabulary)?;
        let report = report_for(
            options,
            &index,
            false,
            "standard input: held in memory",
            started,
        );
        return Ok((index, report));
    };
    let reason = match inspect(&options.dir, &fingerprint, vocabulary) {
        State::Fresh(index) => {
            let report = report_for(options, &index, false, "up to date", started);
            return Ok((*index, report));
        }
        State::Stale(old) => match Lock::try_acquire(&options.dir)? {
            Some(lock) => {
                let reason = "inputs changed";
                if let State::Fresh(index) = inspect(&options.dir, &fingerprint, vocabulary) {
                    let report = report_for(options, &index, false, "up to date", started);
                    return Ok((*index, report));
                }
                rebuild(
                    options,
                    vocabulary,
                    &fingerprint,
                    reason,
                    lock,
                    progress,
                    started,
                )?;
                return finish_ensure(options, vocabulary, &fingerprint, reason, started);
            }
            None => {
                let mut report = report_for(options, &old, false, "inputs changed", started);
                report.notes.push(format!(
                    "{} is being rebuilt by another zhize; answering from the previous index",
                    options.dir.display()
                ));
                return Ok((*old, report));
            }
        },
        State::Missing => "missing".to_string(),
        State::Broken(error) => format!("unreadable ({error})"),
    };
    let report = build_locked(
        options,
        vocabulary,
        &fingerprint,
        &reason,
        false,
        progress,
        started,
    )?;
    let (index, mut final_report) =
        finish_ensure(options, vocabulary, &fingerprint, &report.reason, started)?;
    final_report.built = report.built;
    final_report.notes = report.notes;
    Ok((index, final_report))
}

pub(super) fn finish_ensure(
    options: &IndexOptions,
    vocabulary: &Vocabulary,
    fingerprint: &str,
    reason: &str,
    started: Instant,
) -> Result<(DutyIndex, IndexReport)> {
    match inspect(&options.dir, fingerprint, vocabulary) {
        State::Fresh(index) | State::Stale(index) => {
            let report = report_for(options, &index, true, reason, started);
            Ok((*index, report))
        }
        State::Missing => Err(index_error(&options.dir, "no index after building it")),
        State::Broken(error) => Err(index_error(&options.dir, error)),
    }
}

pub(super) fn report_for(
    options: &IndexOptions,
    index: &DutyIndex,
    built: bool,
    reason: &str,
    started: Instant,
) -> IndexReport {
    IndexReport {
        index: options.dir.display().to_string(),
        generation: index
            .dir
            .as_ref()
            .and_then(|d| d.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        built,
        reason: reason.to_string(),
        documents: index.meta.documents,
        positions: index.meta.positions,
        duties: index.meta.duties,
        fingerprint: index.meta.fingerprint.clone(),
        elapsed_ms: started.elapsed().as_millis(),
        notes: Vec::new(),
    }
}

/// `zhize index`: builds a new generation unless the live one is up to date (or `force`).
/// A second concurrent run waits for the first and then finds nothing to do.
pub fn build(options: &IndexOptions, force: bool, progress: &dyn Progress) -> Result<IndexReport> {
    let started = Instant::now();
    let vocabulary = Vocabulary::load(&options.vocabulary)?;
    let fingerprint = fingerprint(options, &vocabulary)?.ok_or_else(|| {
        Error::Other("standard input cannot be indexed to disk; give files or folders".into())
    })?;
    let reason = match inspect(&options.dir, &fingerprint, &vocabulary) {
        State::Fresh(index) if !force => {
            return Ok(report_for(options, &index, false, "up to date", started))
        }
        State::Fresh(_) => "forced".to_string(),
        State::Stale(_) => "inputs changed".to_string(),
        State::Missing => "missing".to_string(),
        State::Broken(error) => format!("unreadable ({error})"),
    };
    build_locked(
        options,
        &vocabulary,
        &fingerprint,
        &reason,
        force,
        progress,
        started,
    )
}

pub(super) fn build_locked(
    options: &IndexOptions,
    vocabulary: &Vocabulary,
    fingerprint: &str,
    reason: &str,
    force: bool,
    progress: &dyn Progress,
    started: Instant,
) -> Result<IndexReport> {
    std::fs::create_dir_all(&options.dir).map_err(|e| io_error(&options.dir, e))?;
    let mut notes = Vec::new();
    let lock = match Lock::try_acquire(&options.dir)? {
        Some(lock) => lock,
        None => {
            notes.push(format!(
                "waited for another zhize building {}",
                options.dir.display()
            ));
            Lock::acquire(&options.dir)?
        }
    };
    // Another build may have finished since we looked, and produced exactly what we need.
    if !force {
        if let State::Fresh(index) = inspect(&options.dir, fingerprint, vocabulary) {
            let mut report = report_for(options, &index, false, "up to date", started);
            report.notes = notes;
            return Ok(report);
        }
    }
    let mut report = rebuild(
        options,
        vocabulary,
        fingerprint,
        reason,
        lock,
        progress,
        started,
    )?;
    report.notes.splice(0..0, notes);
    Ok(report)
}
