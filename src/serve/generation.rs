//! serve::generation: the corpus and its opened index as one immutable generation, swapped in
//! atomically after a background rebuild (a watched file changed, a file was uploaded) while
//! requests keep answering from the previous one.

use crate::dedup::DedupReport;
use crate::index::{DutyIndex, IndexOptions, IndexReport, NoProgress};
use crate::model::Corpus;
use crate::search::SearchResults;
use arc_swap::ArcSwap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

/// Everything one answer reads: the parsed corpus (positions, compare, dedup, check) and the
/// index built from the same files (search). Never changed once built.
pub struct Generation {
    /// 1 for the index the server started with, then one more per rebuild.
    pub number: u64,
    pub corpus: Corpus,
    pub index: DutyIndex,
    pub report: IndexReport,
    pub built_at: SystemTime,
    /// How long building (or opening) it took.
    pub took: Duration,
    /// The dedup report of this corpus, computed once, the first time it is asked for.
    dedup: OnceLock<Arc<DedupReport>>,
    dedup_started: AtomicBool,
    /// Search answers already given from this generation, by request. Per generation, so a
    /// rebuild can never serve a stale answer; bounded, least recently used out first. The
    /// as-you-type box and several people asking the same things repeat requests.
    searches: Option<Mutex<lru::LruCache<String, Arc<SearchResults>>>>,
}

impl Generation {
    /// The answer to the search `key` names: from the cache when given before, else computed
    /// by `search` (and kept when it succeeded).
    pub fn search_cached<E>(
        &self,
        key: String,
        search: impl FnOnce() -> Result<SearchResults, E>,
    ) -> Result<Arc<SearchResults>, E> {
        let Some(cache) = &self.searches else {
            return search().map(Arc::new);
        };
        if let Some(hit) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(Arc::clone(hit));
        }
        // Computed outside the lock: two requests for one new key may both compute it.
        let results = Arc::new(search()?);
        cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .put(key, Arc::clone(&results));
        Ok(results)
    }

    /// The dedup report when it has been computed.
    pub fn dedup(&self) -> Option<Arc<DedupReport>> {
        self.dedup.get().cloned()
    }

    /// Starts computing the dedup report in the background (once per generation).
    pub fn start_dedup(self: &Arc<Self>) {
        if self.dedup.get().is_some() || self.dedup_started.swap(true, Ordering::SeqCst) {
            return;
        }
        let generation = Arc::clone(self);
        std::thread::spawn(move || {
            let report =
                crate::dedup::dedup(&generation.corpus, &crate::dedup::DedupOptions::default());
            let _ = generation.dedup.set(Arc::new(report));
        });
    }
}

/// What a rebuild needs: the inputs and the index folder, as `zhize search` takes them.
#[derive(Debug, Clone)]
pub struct Source {
    pub index: IndexOptions,
    /// How many search answers each generation keeps (0: none).
    pub search_cache: usize,
}

/// How often the index and the corpus are read again when they disagree (files changing while
/// read, another zhize holding the index lock), 200 ms apart.
const MAX_ATTEMPTS: usize = 50;

/// Builds (or opens, when up to date) the index of the inputs, as `zhize search` does, and
/// parses the same inputs for the pages. Blocking; run it off the async workers.
pub fn build(source: &Source, number: u64) -> crate::Result<Generation> {
    let started = Instant::now();
    // The files can change between the two reads; then the counts differ and we read again.
    let mut attempt = 0;
    loop {
        attempt += 1;
        let (index, report) = crate::index::ensure(&source.index, &NoProgress)?;
        let corpus = crate::load(&source.index.inputs, &source.index.load)?;
        let duties: usize = corpus
            .documents
            .iter()
            .flat_map(|d| &d.positions)
            .map(|p| p.duties.len())
            .sum();
        let agrees = corpus.documents.len() == index.meta.documents && duties == index.meta.duties;
        if !agrees && attempt >= MAX_ATTEMPTS {
            return Err(crate::Error::Other(format!(
                "the index ({} documents, {} duties) does not match the corpus ({} documents, {duties} duties): another zhize may be rebuilding it; will try again on the next change",
                index.meta.documents,
                index.meta.duties,
                corpus.documents.len()
            )));
        }
        if agrees {
            // The skeleton is read now: a later build may delete this generation's folder
            // (tantivy's open files stay readable, a file not yet opened would not).
            index.skeleton()?;
            return Ok(Generation {
                number,
                corpus,
                index,
                report,
                built_at: SystemTime::now(),
                took: started.elapsed(),
                dedup: OnceLock::new(),
                dedup_started: AtomicBool::new(false),
                searches: std::num::NonZeroUsize::new(source.search_cache)
                    .map(|n| Mutex::new(lru::LruCache::new(n))),
            });
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The live generation and the state of the rebuilds.
pub struct Live {
    current: ArcSwap<Generation>,
    source: Source,
    rebuild: Mutex<Rebuild>,
    refreshing: AtomicBool,
    last_error: Mutex<Option<String>>,
}

#[derive(Default)]
struct Rebuild {
    running: bool,
    /// Another change arrived while a rebuild ran: build once more when it ends.
    again: bool,
}

impl Live {
    pub fn new(first: Generation, source: Source) -> Live {
        Live {
            current: ArcSwap::from_pointee(first),
            source,
            rebuild: Mutex::new(Rebuild::default()),
            refreshing: AtomicBool::new(false),
            last_error: Mutex::new(None),
        }
    }

    /// The generation to answer from.
    pub fn current(&self) -> Arc<Generation> {
        self.current.load_full()
    }

    /// True while a rebuild runs.
    pub fn refreshing(&self) -> bool {
        self.refreshing.load(Ordering::SeqCst)
    }

    /// Why the last rebuild failed, if it did (cleared by the next one that succeeds).
    pub fn last_error(&self) -> Option<String> {
        self.last_error.lock().ok().and_then(|e| e.clone())
    }

    /// The folders the inputs name (uploads go to the first, the watcher watches all).
    pub fn inputs(&self) -> &[PathBuf] {
        &self.source.index.inputs
    }

    pub fn index_dir(&self) -> &std::path::Path {
        &self.source.index.dir
    }

    /// Rebuilds in the background; a change during a rebuild queues one more. Requests keep
    /// answering from the current generation; a failed or panicking build leaves it in place.
    pub fn refresh(self: &Arc<Self>) {
        {
            let Ok(mut state) = self.rebuild.lock() else {
                return;
            };
            if state.running {
                state.again = true;
                return;
            }
            state.running = true;
        }
        self.refreshing.store(true, Ordering::SeqCst);
        let live = Arc::clone(self);
        std::thread::spawn(move || loop {
            let source = live.source.clone();
            let outcome = std::panic::catch_unwind(move || build(&source, 0));
            match outcome {
                Ok(Ok(mut generation)) => {
                    // Only a build that succeeded is a generation: failed ones take no number.
                    generation.number = live.current().number + 1;
                    live.current.store(Arc::new(generation));
                    if let Ok(mut error) = live.last_error.lock() {
                        *error = None;
                    }
                }
                Ok(Err(error)) => live.fail(error.to_string()),
                Err(_) => live.fail("the rebuild panicked".into()),
            }
            let Ok(mut state) = live.rebuild.lock() else {
                return;
            };
            if state.again {
                state.again = false;
                continue;
            }
            state.running = false;
            live.refreshing.store(false, Ordering::SeqCst);
            return;
        });
    }

    fn fail(&self, message: String) {
        if let Ok(mut error) = self.last_error.lock() {
            *error = Some(message);
        }
    }
}
