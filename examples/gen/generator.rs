//! generator: a deterministic corpus generator — N duties of invented dealerships, written in the
//! same messy text format as the shipped corpus, with a manifest of the ground truth.
//!
//! Shared by `examples/gen` (the command), `examples/bench` and `tests/bench_smoke.rs` through
//! `#[path]` includes, so it depends on nothing but std and serde_json.
//!
//! Duty texts recombine real phrases from the shipped corpus (`vocab.txt`): clauses of two duties
//! of the same role are crossed, clauses dropped or inserted, synonyms swapped. A share of the
//! duties are copied from other stores, exactly or with a small edit, and whole positions are
//! copied with their duties reordered, so dedup has real work to do.

#![allow(dead_code)]

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io;
use std::path::Path;

const VOCAB: &str = include_str!("vocab.txt");

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Exactly this many duties (items of duty lists; requirement items come on top).
    pub duties: usize,
    pub seed: u64,
    /// The average number of duties in one store's file.
    pub duties_per_store: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            duties: 10_000,
            seed: 42,
            duties_per_store: 300,
        }
    }
}

/// One generated duty, as the ground truth knows it.
#[derive(Debug, Clone)]
pub struct TruthDuty {
    pub store: usize,
    pub role: &'static str,
    /// The text without numbering, wrapping or noise; terminal punctuation kept.
    pub text: String,
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Recombined from the vocabulary.
    Fresh,
    /// Copied verbatim from another store's duty of the same role.
    ExactCopy,
    /// Copied from another store with a small edit.
    NearCopy,
    /// A boilerplate line (完成领导交办的其他任务).
    Boilerplate,
}

#[derive(Debug, Clone)]
pub struct TruthPosition {
    pub document: usize,
    pub title: String,
    /// The canonical role (the vocabulary's section name).
    pub role: &'static str,
    pub duties: usize,
    pub requirements: usize,
    /// True when the position was copied from another store (duties reordered and edited).
    pub copied: bool,
}

#[derive(Debug, Clone)]
pub struct TruthStore {
    pub name: String,
    pub brand: &'static str,
    pub file: String,
    pub documents: Vec<String>,
    pub positions: Vec<TruthPosition>,
}

/// A generated corpus: the files' text and the ground truth.
pub struct Generated {
    pub options: Options,
    /// (file name, text) in store order.
    pub files: Vec<(String, String)>,
    pub stores: Vec<TruthStore>,
    pub duties: Vec<TruthDuty>,
    pub requirements: usize,
}

impl Generated {
    /// Duties whose text (terminal punctuation aside) appeared earlier in the corpus.
    pub fn exact_duplicates(&self) -> usize {
        let mut seen = HashSet::new();
        self.duties
            .iter()
            .filter(|d| !seen.insert(dedup_key(&d.text)))
            .count()
    }

    /// Near copies whose text is new (an exact copy of an earlier near copy counts as exact).
    pub fn near_duplicates(&self) -> usize {
        let mut seen = HashSet::new();
        self.duties
            .iter()
            .filter(|d| seen.insert(dedup_key(&d.text)) && d.origin == Origin::NearCopy)
            .count()
    }

    pub fn duty_text_bytes(&self) -> usize {
        self.duties.iter().map(|d| d.text.len()).sum()
    }

    pub fn file_bytes(&self) -> usize {
        self.files.iter().map(|(_, t)| t.len()).sum()
    }

    /// The manifest: totals and, per store, its file, documents and positions.
    pub fn manifest(&self) -> serde_json::Value {
        let exact = self.exact_duplicates();
        let near = self.near_duplicates();
        let positions: usize = self.stores.iter().map(|s| s.positions.len()).sum();
        let documents: usize = self.stores.iter().map(|s| s.documents.len()).sum();
        serde_json::json!({
            "generator": "zhize examples/gen",
            "seed": self.options.seed,
            "duties": self.duties.len(),
            "requirements": self.requirements,
            "stores": self.stores.len(),
            "documents": documents,
            "positions": positions,
            "files": self.files.len(),
            "duty_text_bytes": self.duty_text_bytes(),
            "file_bytes": self.file_bytes(),
            "exact_duplicates": exact,
            "near_duplicates": near,
            "duplicate_share": (exact + near) as f64 / self.duties.len().max(1) as f64,
            "truth_file": "truth.tsv",
            "store_list": self.stores.iter().map(|s| serde_json::json!({
                "store": s.name,
                "brand": s.brand,
                "file": s.file,
                "documents": s.documents,
                "duties": s.positions.iter().map(|p| p.duties).sum::<usize>(),
                "positions": s.positions.iter().map(|p| serde_json::json!({
                    "document": p.document,
                    "title": p.title,
                    "role": p.role,
                    "duties": p.duties,
                    "requirements": p.requirements,
                    "copied": p.copied,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    }

    /// The whole corpus as one merged file, `corpus.txt`, the store files in order with a blank
    /// line between them: the form a user's merged corpus usually has (issue 15's single-file
    /// benchmark). The ground truth is unchanged but for each store's `file`.
    pub fn into_one_file(mut self) -> Generated {
        const NAME: &str = "corpus.txt";
        let mut text = String::with_capacity(self.file_bytes() + 2 * self.files.len());
        for (_, file_text) in &self.files {
            text.push_str(file_text);
            if !file_text.ends_with('\n') {
                text.push('\n');
            }
            text.push('\n');
        }
        self.files = vec![(NAME.to_string(), text)];
        for store in &mut self.stores {
            store.file = NAME.to_string();
        }
        self
    }

    /// Writes the files, `manifest.json` and `truth.tsv` (store index, role, duty text) into `dir`.
    pub fn write(&self, dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(dir.join("stores"))?;
        for (name, text) in &self.files {
            std::fs::write(dir.join("stores").join(name), text)?;
        }
        let manifest = serde_json::to_string_pretty(&self.manifest()).map_err(io::Error::other)?;
        std::fs::write(dir.join("manifest.json"), manifest)?;
        let mut truth = String::with_capacity(self.duty_text_bytes() + self.duties.len() * 24);
        for duty in &self.duties {
            let _ = writeln!(truth, "{}\t{}\t{}", duty.store, duty.role, duty.text);
        }
        std::fs::write(dir.join("truth.tsv"), truth)
    }
}

/// The key two duties share when they are exact duplicates: the text, trailing punctuation removed.
pub fn dedup_key(text: &str) -> &str {
    text.trim_end_matches([';', ';', '。', '.', ',', ','])
}

/// Reads `truth.tsv` back: the duty texts in corpus order.
pub fn read_truth_texts(dir: &Path) -> io::Result<Vec<String>> {
    let text = std::fs::read_to_string(dir.join("truth.tsv"))?;
    Ok(text
        .lines()
        .filter_map(|line| line.splitn(3, '\t').nth(2).map(str::to_string))
        .collect())
}

/// The store files of a generated folder, sorted.
pub fn store_files(dir: &Path) -> io::Result<Vec<std::path::PathBuf>> {
    let mut files: Vec<_> = std::fs::read_dir(dir.join("stores"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    Ok(files)
}

// ---------------------------------------------------------------------------------------------
// Randomness: splitmix64, seeded; every choice flows from it so a seed names one corpus.

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * n as f64) as usize
    }
    pub fn range(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The vocabulary.

pub struct Role {
    pub name: &'static str,
    pub titles: Vec<&'static str>,
    pub department: &'static str,
    pub reports: &'static str,
    pub duties: Vec<&'static str>,
}

pub struct Vocab {
    pub brands: Vec<&'static str>,
    pub cities: Vec<&'static str>,
    pub names: Vec<&'static str>,
    pub suffixes: Vec<&'static str>,
    pub synonyms: Vec<(&'static str, &'static str)>,
    pub slots: Vec<Vec<&'static str>>,
    pub boilerplate: Vec<&'static str>,
    pub purposes: Vec<&'static str>,
    pub openers: Vec<&'static str>,
    pub requirements: Vec<&'static str>,
    pub subitems: Vec<&'static str>,
    pub roles: Vec<Role>,
}

impl Vocab {
    pub fn load() -> Vocab {
        let mut vocab = Vocab {
            brands: vec![],
            cities: vec![],
            names: vec![],
            suffixes: vec![],
            synonyms: vec![],
            slots: vec![],
            boilerplate: vec![],
            purposes: vec![],
            openers: vec![],
            requirements: vec![],
            subitems: vec![],
            roles: vec![],
        };
        let mut section = "";
        for line in VOCAB.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = name;
                if let Some(role) = name.strip_prefix("role ") {
                    vocab.roles.push(Role {
                        name: role,
                        titles: vec![],
                        department: "",
                        reports: "",
                        duties: vec![],
                    });
                }
                continue;
            }
            match section {
                "brands" => vocab.brands.push(line),
                "cities" => vocab.cities.push(line),
                "names" => vocab.names.push(line),
                "suffixes" => vocab.suffixes.push(line),
                "synonyms" => {
                    let (a, b) = line.split_once('|').expect("synonym pair a|b");
                    vocab.synonyms.push((a, b));
                }
                "slots" => vocab.slots.push(line.split('|').collect()),
                "boilerplate" => vocab.boilerplate.push(line),
                "purposes" => vocab.purposes.push(line),
                "openers" => vocab.openers.push(line),
                "requirements" => vocab.requirements.push(line),
                "subitems" => vocab.subitems.push(line),
                _ => {
                    let role = vocab.roles.last_mut().expect("a [role …] section");
                    if let Some(titles) = line.strip_prefix("titles: ") {
                        role.titles = titles.split('|').collect();
                    } else if let Some(dept) = line.strip_prefix("department: ") {
                        role.department = dept;
                    } else if let Some(reports) = line.strip_prefix("reports: ") {
                        role.reports = reports;
                    } else {
                        role.duties.push(line);
                    }
                }
            }
        }
        vocab
    }
}

// ---------------------------------------------------------------------------------------------
// Generation.

const CHINESE_DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// 1 → 一, 12 → 十二, 23 → 二十三.
pub fn chinese_number(n: usize) -> String {
    match n {
        0..=9 => CHINESE_DIGITS[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { CHINESE_DIGITS[n - 10] }),
        _ => format!(
            "{}十{}",
            CHINESE_DIGITS[n / 10 % 10],
            if n.is_multiple_of(10) {
                ""
            } else {
                CHINESE_DIGITS[n % 10]
            }
        ),
    }
}

/// How one document numbers its duties.
#[derive(Clone, Copy, Debug)]
enum Numbering {
    Dot,          // 1.
    Comma,        // 1、
    CommaSpace,   // 1、 (a space follows)
    Paren,        // (1)
    ParenComma,   // (1)、
    HalfParen,    // 1)
    ChineseComma, // 一、
    Bullet,       // o
}

impl Numbering {
    fn label(self, n: usize) -> String {
        match self {
            Numbering::Dot => format!("{n}."),
            Numbering::Comma => format!("{n}、"),
            Numbering::CommaSpace => format!("{n}、 "),
            Numbering::Paren => format!("({n})"),
            Numbering::ParenComma => format!("({n})、"),
            Numbering::HalfParen => format!("{n})"),
            Numbering::ChineseComma => format!("{}、", chinese_number(n)),
            Numbering::Bullet => "o".to_string(),
        }
    }
}

/// How a document writes its position headings.
#[derive(Clone, Copy, Debug)]
enum Heading {
    /// 岗位名称:X / 直接上级:Y / 岗位职责:
    Labelled,
    /// X岗位职责
    Suffix,
    /// (二)、X
    ChineseParen,
    /// A、X
    Letter,
    /// 一、X岗位职责:
    ChineseOrdinal,
    /// 职责一:4s店X岗位职责
    Zhize,
    /// X / 任职条件 o… / 工作职责 o…
    WithRequirements,
}

/// How a document lays out its lines.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Layout {
    /// One duty per line, blank lines between (篇一).
    Spaced,
    /// One duty per line, long lines wrapped mid-sentence.
    Wrapped,
    /// A whole position on one line; long runs broken mid-sentence with a space (PDF text).
    RunTogether,
}

struct Builder<'v> {
    vocab: &'v Vocab,
    rng: Rng,
    /// Per role: recent duty texts of earlier stores (copy sources).
    reservoir: Vec<Vec<String>>,
    /// Per role: recent positions of earlier stores (their duty texts).
    position_pool: Vec<Vec<Vec<String>>>,
    store_names: HashSet<String>,
    /// Hashes of every duty key so far: fresh duties retry until they are new.
    seen: HashSet<u64>,
    duties: Vec<TruthDuty>,
    requirements: usize,
}

const RESERVOIR: usize = 4000;
const POSITION_POOL: usize = 64;
const P_EXACT_COPY: f64 = 0.04;
const P_NEAR_COPY: f64 = 0.05;
const P_COPY_POSITION: f64 = 0.05;
const P_BOILERPLATE_END: f64 = 0.4;

/// Generates the corpus in memory.
pub fn generate(options: &Options) -> Generated {
    let vocab = Vocab::load();
    let mut builder = Builder {
        vocab: &vocab,
        rng: Rng::new(options.seed),
        reservoir: vec![Vec::new(); vocab.roles.len()],
        position_pool: vec![Vec::new(); vocab.roles.len()],
        store_names: HashSet::new(),
        seen: HashSet::new(),
        duties: Vec::with_capacity(options.duties),
        requirements: 0,
    };
    let mut files = Vec::new();
    let mut stores = Vec::new();
    let per_store = options.duties_per_store.max(20);
    while builder.duties.len() < options.duties {
        let left = options.duties - builder.duties.len();
        let mut budget = builder.rng.range(per_store / 2, per_store * 3 / 2);
        if left < budget + per_store / 3 {
            budget = left;
        }
        let index = stores.len();
        let (store, text) = builder.store(index, budget);
        files.push((store.file.clone(), text));
        stores.push(store);
    }
    Generated {
        options: options.clone(),
        files,
        stores,
        duties: builder.duties,
        requirements: builder.requirements,
    }
}

impl<'v> Builder<'v> {
    fn store_name(&mut self, brand: &str) -> String {
        for attempt in 0.. {
            let city = *self.rng.pick(&self.vocab.cities);
            let name = *self.rng.pick(&self.vocab.names);
            let suffix = *self.rng.pick(&self.vocab.suffixes);
            let mut full = match self.rng.below(3) {
                0 => format!("{city}{name}{brand}{suffix}"),
                1 => format!("{city}{name}({brand}){suffix}"),
                _ => format!("{city}{brand}{name}{suffix}"),
            };
            if attempt > 20 {
                full = format!("{full}第{}分店", chinese_number(attempt % 90 + 1));
            }
            if self.store_names.insert(full.clone()) {
                return full;
            }
        }
        unreachable!()
    }

    /// One store: its file text, holding `budget` duties over one to three documents.
    fn store(&mut self, index: usize, budget: usize) -> (TruthStore, String) {
        let brand = *self.rng.pick(&self.vocab.brands);
        let name = self.store_name(brand);
        let mut store = TruthStore {
            name: name.clone(),
            brand,
            file: format!("{:05}-{}.txt", index + 1, name),
            documents: vec![],
            positions: vec![],
        };
        let mut out = String::new();
        let mut left = budget;
        let mut document = 0;
        while left > 0 {
            let doc_budget = if document < 2 && left > 120 && self.rng.chance(0.5) {
                self.rng.range(left / 3, left * 2 / 3)
            } else {
                left
            };
            self.document(index, &mut store, document, doc_budget, &mut out);
            left -= doc_budget;
            document += 1;
        }
        for _ in 0..self.rng.below(3) {
            const TRAILERS: [&str; 4] = ["相关文档\n", "最新文档\n", "\n1\n", "精品文档\n"];
            let noise = TRAILERS[self.rng.below(TRAILERS.len())];
            out.push_str(noise);
        }
        (store, out)
    }

    fn document(
        &mut self,
        store_index: usize,
        store: &mut TruthStore,
        document: usize,
        budget: usize,
        out: &mut String,
    ) {
        let name = store.name.clone();
        let brand = store.brand;
        let title = match self.rng.below(6) {
            0 => format!("{name}岗位职责"),
            1 => format!("{name}各岗位职责(修订)"),
            2 => format!("{name}各岗位人员岗位职责"),
            3 => format!("{name}重点岗位职责"),
            4 => format!("{name}岗位职责编制"),
            _ => format!("{name}各部门岗位职责汇总"),
        };
        // Title lines: sometimes repeated, truncated and paginated (the shipped corpus's first
        // document), sometimes a 【篇X:…】 heading, then a noise line.
        if document > 0 && self.rng.chance(0.5) {
            let _ = write!(out, "【篇{}:{title}】\n\n", chinese_number(document + 1));
        } else if self.rng.chance(0.2) {
            let truncated: String = title.chars().take(title.chars().count() - 1).collect();
            let _ = write!(
                out,
                "{title}\n\n{title}\n{title}\n\n{truncated}\n\n1\n\n{title}\n\n"
            );
        } else {
            let _ = write!(out, "{title}\n\n");
        }
        match self.rng.below(8) {
            0 => {
                let code: String = (0..6)
                    .map(|_| (b'A' + self.rng.below(26) as u8) as char)
                    .collect();
                let _ = write!(
                    out,
                    "文档编制序号:[{code}-LL{}IO69-TTO6M3-MTOL89-FTT688]\n\n",
                    self.rng.below(10)
                );
            }
            1 => out.push_str("精心整理\n"),
            2 => out.push_str("IMB standardization office【IMB 5AB- IMBK 08- IMB 2C】\n\n"),
            3 => out.push_str("精品文档\n"),
            _ => {}
        }
        store.documents.push(title);

        let layout = match self.rng.below(10) {
            0..=3 => Layout::Spaced,
            4..=6 => Layout::Wrapped,
            _ => Layout::RunTogether,
        };
        let heading = match self.rng.below(14) {
            0..=3 => Heading::Labelled,
            4..=6 => Heading::Suffix,
            7 | 8 => Heading::ChineseParen,
            9 => Heading::Letter,
            10 | 11 => Heading::ChineseOrdinal,
            12 => Heading::Zhize,
            _ => Heading::WithRequirements,
        };
        let numbering = match heading {
            Heading::WithRequirements => Numbering::Bullet,
            Heading::ChineseOrdinal | Heading::Zhize => {
                *self
                    .rng
                    .pick(&[Numbering::Comma, Numbering::Paren, Numbering::HalfParen])
            }
            _ => *self.rng.pick(&[
                Numbering::Dot,
                Numbering::Comma,
                Numbering::Comma,
                Numbering::CommaSpace,
                Numbering::Paren,
                Numbering::ParenComma,
                Numbering::HalfParen,
                Numbering::ChineseComma,
            ]),
        };
        let wrap_width = self.rng.range(26, 40);

        // Roles: 总经理 first, then the others in a random order weighted by how much the shipped
        // corpus says about them (the big roles come early; the small ones are often left out),
        // until the budget is spent.
        let role_count = self.vocab.roles.len();
        let mut keyed: Vec<(f64, usize)> = (1..role_count)
            .map(|r| {
                let u = (self.rng.below(1 << 30) as f64 + 0.5) / (1u64 << 30) as f64;
                let weight = self.vocab.roles[r].duties.len() as f64;
                (u.powf(1.0 / weight), r)
            })
            .collect();
        keyed.sort_by(|a, b| b.0.total_cmp(&a.0));
        let order: Vec<usize> = std::iter::once(0)
            .chain(keyed.into_iter().map(|(_, r)| r))
            .collect();
        let mut left = budget;
        let mut ordinal = 0;
        let mut last_department = "";
        let mut cycle = 0;
        while left > 0 {
            let role_index = order[cycle % role_count];
            cycle += 1;
            let role = &self.vocab.roles[role_index];
            let want = self
                .rng
                .range(4, 20)
                .min(role.duties.len() * 2 + 2)
                .min(left);
            let want = if left - want < 3 { left } else { want };
            left -= want;
            ordinal += 1;
            let title = role.titles[self.rng.below(role.titles.len())].to_string();

            // The duties: a copy of an earlier store's position (reordered, edited) or fresh.
            let mut texts: Vec<(String, Origin)> = Vec::with_capacity(want);
            let mut copied = false;
            if self.rng.chance(P_COPY_POSITION) && !self.position_pool[role_index].is_empty() {
                copied = true;
                let pool = &self.position_pool[role_index];
                let source = pool[self.rng.below(pool.len())].clone();
                for text in source.into_iter().take(want) {
                    if self.rng.chance(0.3) {
                        let edited = self.near_edit(&text, brand);
                        texts.push((edited, Origin::NearCopy));
                    } else {
                        texts.push((text, Origin::ExactCopy));
                    }
                }
                // Reorder: a few swaps of neighbours, as an edited copy does.
                for _ in 0..self.rng.range(1, 3) {
                    if texts.len() > 2 {
                        let i = self.rng.below(texts.len() - 1);
                        texts.swap(i, i + 1);
                    }
                }
            }
            while texts.len() < want {
                let last = texts.len() + 1 == want;
                texts.push(self.duty(role_index, brand, last && want > 3));
            }
            let requirements = if matches!(heading, Heading::WithRequirements) {
                self.rng.range(3, 6)
            } else {
                0
            };
            self.requirements += requirements;

            // Ground truth and copy pools.
            let plain: Vec<String> = texts.iter().map(|(t, _)| t.clone()).collect();
            for (text, origin) in texts.iter() {
                self.seen.insert(key_hash(text));
                self.duties.push(TruthDuty {
                    store: store_index,
                    role: role.name,
                    text: text.clone(),
                    origin: *origin,
                });
                let pool = &mut self.reservoir[role_index];
                if pool.len() < RESERVOIR {
                    pool.push(text.clone());
                } else {
                    let slot = self.rng.below(RESERVOIR);
                    pool[slot] = text.clone();
                }
            }
            let positions = &mut self.position_pool[role_index];
            if positions.len() < POSITION_POOL {
                positions.push(plain);
            } else {
                let slot = self.rng.below(POSITION_POOL);
                positions[slot] = plain;
            }
            store.positions.push(TruthPosition {
                document: store.documents.len() - 1,
                title: title.clone(),
                role: role.name,
                duties: want,
                requirements,
                copied,
            });

            // Text.
            let department = role.department;
            let reports = role.reports;
            let mut block = String::new();
            if matches!(heading, Heading::Labelled)
                && department != last_department
                && self.rng.chance(0.6)
            {
                let _ = write!(block, "{department}\n\n");
            }
            last_department = department;
            let sep = if layout == Layout::RunTogether {
                " "
            } else {
                "\n"
            };
            match heading {
                Heading::Labelled => {
                    let _ = write!(block, "岗位名称:{title}{sep}");
                    if layout == Layout::Spaced {
                        block.push_str(sep);
                    }
                    if self.rng.chance(0.7) {
                        let label = if self.rng.chance(0.7) {
                            "直接上级"
                        } else {
                            "上级领导"
                        };
                        let _ = write!(block, "{label}:{reports}{sep}");
                        if layout == Layout::Spaced {
                            block.push_str(sep);
                        }
                    }
                    let _ = write!(block, "岗位职责:{sep}");
                }
                Heading::Suffix => {
                    let _ = write!(block, "{title}岗位职责{sep}");
                }
                Heading::ChineseParen => {
                    let _ = write!(block, "({})、{title}{sep}", chinese_number(ordinal));
                }
                Heading::Letter => {
                    let letter = (b'A' + (ordinal as u8 - 1) % 26) as char;
                    let _ = write!(block, "{letter}、{title}{sep}");
                }
                Heading::ChineseOrdinal => {
                    let _ = write!(block, "{}、{title}岗位职责:{sep}", chinese_number(ordinal));
                }
                Heading::Zhize => {
                    let _ = write!(
                        block,
                        "职责{}:4s店{title}岗位职责{sep}",
                        chinese_number(ordinal)
                    );
                }
                Heading::WithRequirements => {
                    let _ = write!(block, "{title}{sep}任职条件{sep}");
                    let mut picked: Vec<&str> = self.vocab.requirements.clone();
                    self.rng.shuffle(&mut picked);
                    for requirement in picked.into_iter().take(requirements) {
                        let _ = write!(block, "o{}{sep}", requirement.replace("{品牌}", brand));
                    }
                    let _ = write!(block, "工作职责{sep}");
                }
            }
            if layout == Layout::Spaced {
                block.push_str(sep);
            }
            let mut items: Vec<String> = Vec::with_capacity(texts.len() + 4);
            for (i, (text, _)) in texts.iter().enumerate() {
                let mut item = format!("{}{}", numbering.label(i + 1), text);
                // Sub-items a) b) … belong to the duty above them.
                if self.rng.chance(0.01) {
                    item.push_str(if layout == Layout::RunTogether {
                        " "
                    } else {
                        "\n"
                    });
                    let mut sub = self.vocab.subitems.clone();
                    self.rng.shuffle(&mut sub);
                    for (k, s) in sub.iter().take(self.rng.range(2, 4)).enumerate() {
                        let _ = write!(item, "{}){}{sep}", (b'a' + k as u8) as char, s);
                    }
                    item.truncate(item.trim_end().len());
                }
                items.push(item);
            }
            // Empty numbers: items whose text was lost ("3、 4、 5、").
            if !matches!(numbering, Numbering::Bullet) && self.rng.chance(0.02) {
                for k in 0..self.rng.range(2, 6) {
                    items.push(numbering.label(texts.len() + k + 1).trim_end().to_string());
                }
            }
            match layout {
                Layout::Spaced => {
                    for item in items {
                        let _ = write!(block, "{item}\n\n");
                    }
                }
                Layout::Wrapped => {
                    for item in items {
                        wrap_into(&mut block, &item, wrap_width);
                    }
                    block.push('\n');
                }
                Layout::RunTogether => {
                    let line = items.join(" ");
                    pdf_wrap_into(&mut block, &line, wrap_width * 3, &mut self.rng);
                    block.push_str("\n\n");
                }
            }
            out.push_str(&block);
        }
    }

    /// One duty of a role: a copy from another store (exact or edited), boilerplate, or fresh.
    fn duty(
        &mut self,
        role_index: usize,
        brand: &str,
        may_be_boilerplate: bool,
    ) -> (String, Origin) {
        if may_be_boilerplate && self.rng.chance(P_BOILERPLATE_END) {
            let text = *self.rng.pick(&self.vocab.boilerplate);
            return (format!("{text}{}", self.end_mark()), Origin::Boilerplate);
        }
        let pool_len = self.reservoir[role_index].len();
        if pool_len > 50 {
            if self.rng.chance(P_EXACT_COPY) {
                let text = self.reservoir[role_index][self.rng.below(pool_len)].clone();
                return (text, Origin::ExactCopy);
            }
            if self.rng.chance(P_NEAR_COPY) {
                let text = self.reservoir[role_index][self.rng.below(pool_len)].clone();
                let mut edited = self.near_edit(&text, brand);
                for _ in 0..4 {
                    if !self.seen.contains(&key_hash(&edited)) {
                        break;
                    }
                    edited = self.near_edit(&text, brand);
                }
                return (edited, Origin::NearCopy);
            }
        }
        // Fresh duties retry until new: duplicates come from the copies above, not by chance.
        let mut text = self.fresh(role_index, brand);
        for _ in 0..8 {
            if !self.seen.contains(&key_hash(&text)) {
                break;
            }
            text = self.fresh(role_index, brand);
        }
        (text, Origin::Fresh)
    }

    fn end_mark(&mut self) -> &'static str {
        const END_MARKS: [&str; 6] = [";", ";", "。", "", "。", ";"];
        END_MARKS[self.rng.below(END_MARKS.len())]
    }

    /// A recombined duty: clauses of one or two real duties of the role, maybe one clause
    /// dropped and one inserted, synonyms swapped.
    fn fresh(&mut self, role_index: usize, brand: &str) -> String {
        let role = &self.vocab.roles[role_index];
        let base = *self.rng.pick(&role.duties);
        let mut clauses: Vec<String> = split_clauses(base);
        // Crossover: keep the head, take the tail of another duty (of this role, rarely of another).
        if self.rng.chance(0.55) {
            let other_role = if self.rng.chance(0.2) {
                self.rng.below(self.vocab.roles.len())
            } else {
                role_index
            };
            let other = *self.rng.pick(&self.vocab.roles[other_role].duties);
            let other_clauses = split_clauses(other);
            if other_clauses.len() > 1 {
                let keep = self.rng.range(1, clauses.len());
                clauses.truncate(keep);
                let from = self.rng.range(1, other_clauses.len() - 1);
                clauses.extend(other_clauses[from..].iter().cloned());
            } else if clauses.len() == 1 {
                clauses.push(other_clauses[0].clone());
            }
        }
        if clauses.len() > 2 && self.rng.chance(0.3) {
            let drop = self.rng.range(1, clauses.len() - 1);
            clauses.remove(drop);
        }
        if self.rng.chance(0.35) {
            let purpose = *self.rng.pick(&self.vocab.purposes);
            clauses.push(purpose.to_string());
        }
        clauses.dedup();
        let mut text = clauses.join(",");
        if self.rng.chance(0.25) {
            let opener = *self.rng.pick(&self.vocab.openers);
            text = format!("{opener}{text}");
        }
        for _ in 0..self.rng.range(0, 2) {
            text = self.swap_synonym(&text);
        }
        for _ in 0..self.rng.range(0, 2) {
            text = self.swap_slot(&text);
        }
        let text = text.replace("{品牌}", brand);
        format!("{text}{}", self.end_mark())
    }

    /// A small edit of a copied duty: a synonym, a dropped or inserted clause, or punctuation.
    fn near_edit(&mut self, text: &str, brand: &str) -> String {
        let body = dedup_key(text).to_string();
        for _ in 0..4 {
            let edited = match self.rng.below(4) {
                0 | 1 => self.swap_synonym(&body),
                2 => {
                    let mut clauses = split_clauses(&body);
                    if clauses.len() > 2 {
                        let drop = self.rng.range(1, clauses.len() - 1);
                        clauses.remove(drop);
                    } else {
                        let purpose = self.rng.pick(&self.vocab.purposes).replace("{品牌}", brand);
                        clauses.push(purpose);
                    }
                    clauses.join(",")
                }
                _ => {
                    let purpose = self.rng.pick(&self.vocab.purposes).replace("{品牌}", brand);
                    format!("{body},{purpose}")
                }
            };
            if edited != body {
                return format!("{edited}{}", self.end_mark());
            }
        }
        format!("负责{body}{}", self.end_mark())
    }

    /// Replaces one interchangeable word (销售部 → 售后部, 每月 → 每周) by another of its class.
    fn swap_slot(&mut self, text: &str) -> String {
        let present: Vec<(usize, &str)> = self
            .vocab
            .slots
            .iter()
            .enumerate()
            .flat_map(|(class, words)| words.iter().map(move |w| (class, *w)))
            .filter(|(_, w)| text.contains(w))
            .collect();
        if present.is_empty() {
            return text.to_string();
        }
        let (class, from) = present[self.rng.below(present.len())];
        let to = *self.rng.pick(&self.vocab.slots[class]);
        text.replacen(from, to, 1)
    }

    /// Swaps one synonym present in the text (either direction).
    fn swap_synonym(&mut self, text: &str) -> String {
        let candidates: Vec<(&str, &str)> = self
            .vocab
            .synonyms
            .iter()
            .flat_map(|&(a, b)| [(a, b), (b, a)])
            .filter(|(from, _)| text.contains(from))
            .collect();
        if candidates.is_empty() {
            return text.to_string();
        }
        let (from, to) = candidates[self.rng.below(candidates.len())];
        // Replace one occurrence only, so a text with many 负责 changes a little.
        text.replacen(from, to, 1)
    }
}

fn key_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    // SipHash with fixed keys: the same on every run, so generation stays deterministic.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    dedup_key(text).hash(&mut hasher);
    hasher.finish()
}

fn split_clauses(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// Writes an item as lines of at most `width` characters: the continuation of a long item
/// starts a new line mid-sentence, as text copied from a narrow page does.
fn wrap_into(out: &mut String, item: &str, width: usize) {
    let chars: Vec<char> = item.chars().collect();
    for chunk in chars.chunks(width) {
        out.extend(chunk.iter());
        out.push('\n');
    }
}

/// Writes a run-together line as PDF text extraction does: every `width` characters or so a
/// line break becomes a space (mid-sentence), and now and then a real line break.
fn pdf_wrap_into(out: &mut String, line: &str, width: usize, rng: &mut Rng) {
    let mut column = 0;
    for c in line.chars() {
        out.push(c);
        column += 1;
        if column >= width && c != ' ' && rng.chance(0.08) {
            if rng.chance(0.85) {
                out.push(' ');
            } else {
                out.push_str("\n\n");
            }
            column = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numbers() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(12), "十二");
        assert_eq!(chinese_number(20), "二十");
        assert_eq!(chinese_number(23), "二十三");
    }
}
