//! roles: a position title as written in, its canonical role key out, by rules kept as data
//! (`data/roles.txt`, extended by the user's alias file in the same format).

use crate::error::{Error, Result};
use crate::normalize;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

const SHIPPED_RULES: &str = include_str!("../data/roles.txt");

/// Prefix, suffix and alias rules that turn titles into role keys.
#[derive(Debug, Clone, Default)]
pub struct RoleRules {
    prefixes: Vec<String>,
    suffixes: Vec<String>,
    departments: Vec<String>,
    /// Words that end a role title (经理, 主管 …).
    ranks: Vec<String>,
    /// Words that are a role on their own (出纳, 会计, 司机 …).
    roles: Vec<String>,
    /// Stripped variant → canonical key.
    aliases: HashMap<String, String>,
}

impl RoleRules {
    /// The rules shipped with zhize.
    pub fn shipped() -> RoleRules {
        let mut rules = RoleRules::default();
        rules
            .add_text(SHIPPED_RULES, "data/roles.txt")
            .expect("the shipped role rules parse");
        rules
    }

    /// The shipped rules plus a user's alias file.
    pub fn with_user_file(path: &Path) -> Result<RoleRules> {
        let mut rules = RoleRules::shipped();
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        rules.add_text(&text, &path.display().to_string())?;
        Ok(rules)
    }

    /// Adds rules written in the `data/roles.txt` format; `origin` names the file in errors.
    pub fn add_text(&mut self, text: &str, origin: &str) -> Result<()> {
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (verb, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let rest = normalize::for_matching(rest.trim());
            let bad = |message: &str| Error::BadLine {
                file: origin.to_string(),
                line: index + 1,
                message: format!("{message}: {line}"),
            };
            match verb {
                "prefix" if !rest.is_empty() => self.prefixes.push(rest),
                "suffix" if !rest.is_empty() => self.suffixes.push(rest),
                "department" if !rest.is_empty() => self.departments.push(rest),
                "rank" if !rest.is_empty() => self.ranks.push(rest),
                "role" if !rest.is_empty() => self.roles.push(rest),
                "alias" => {
                    let (key, variants) = rest
                        .split_once('=')
                        .ok_or_else(|| bad("an alias needs `KEY = VARIANT, VARIANT`"))?;
                    let key = self.strip(key.trim());
                    if key.is_empty() {
                        return Err(bad("an alias needs a key"));
                    }
                    for variant in variants.split([',', ',']) {
                        let variant = self.strip(variant.trim());
                        if !variant.is_empty() {
                            self.aliases.insert(variant, key.clone());
                        }
                    }
                }
                _ => {
                    return Err(bad(
                        "expected `prefix`, `suffix`, `department`, `rank`, `role` or `alias`",
                    ))
                }
            }
        }
        // Longest first, so `岗位职责` is stripped before `职责`.
        self.prefixes
            .sort_by_key(|p| std::cmp::Reverse(p.chars().count()));
        self.suffixes
            .sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        Ok(())
    }

    /// The title without decoration: no prefixes, suffixes, parentheticals or spaces.
    pub fn strip(&self, title: &str) -> String {
        let mut text = normalize::for_matching(title);
        text.retain(|c| !c.is_whitespace());
        if text.contains('(') {
            text = remove_parentheticals(&text);
        }
        // `市场经理—企宣`: a qualifier after a dash does not change the role.
        if let Some((head, _)) = text.split_once(['—', '–']) {
            if head.chars().count() >= 2 {
                let head = head.len();
                text.truncate(head);
            }
        }
        // Narrowed in place; copied out once.
        let mut rest = text.as_str();
        loop {
            let before = rest.len();
            for prefix in &self.prefixes {
                if rest.len() > prefix.len() {
                    if let Some(after) = rest.strip_prefix(prefix.as_str()) {
                        rest = after;
                    }
                }
            }
            for suffix in &self.suffixes {
                if rest.len() > suffix.len() {
                    if let Some(before_suffix) = rest.strip_suffix(suffix.as_str()) {
                        rest = before_suffix;
                    }
                }
            }
            rest = rest.trim_matches(['-', '—', ':', '、', '.', ' ']);
            if rest.len() == before {
                return rest.to_string();
            }
        }
    }

    /// Whether a title (as written) names a position: short, and ending in a rank such as 经理.
    pub fn is_role_title(&self, title: &str) -> bool {
        let stripped = self.strip(title);
        let length = stripped.chars().count();
        if !(2..=14).contains(&length) || stripped.contains('各') {
            return false;
        }
        if stripped
            .chars()
            .any(|c| matches!(c, '。' | ';' | ',' | '!' | '?' | '"' | '“' | '”' | ':'))
        {
            return false;
        }
        if self.aliases.contains_key(&stripped) || self.roles.contains(&stripped) {
            return true;
        }
        // A one-character rank (员, 师) needs a name of some length before it: `人员` is no role.
        self.ranks.iter().any(|rank| {
            let rank_length = rank.chars().count();
            stripped.ends_with(rank.as_str())
                && length > rank_length
                && (rank_length > 1 || length >= 3)
                && !stripped.ends_with("人员")
                || stripped.ends_with("人员") && length >= 4
        })
    }

    /// The title as written without the store prefixes of the rules (`4S店服务顾问` →
    /// `服务顾问`, `汽车4S店保险专员` → `保险专员`), for display; the title itself when nothing is
    /// left.
    pub fn without_prefixes<'t>(&self, title: &'t str) -> &'t str {
        let mut rest = title.trim();
        loop {
            let folded = normalize::for_matching(rest);
            let Some(prefix) = self
                .prefixes
                .iter()
                .find(|p| folded.starts_with(p.as_str()) && folded.len() > p.len())
            else {
                return rest;
            };
            // Folding keeps the character count of these ASCII and Han prefixes.
            let count = prefix.chars().count();
            match rest.char_indices().nth(count) {
                Some((at, _)) => rest = rest[at..].trim_start(),
                None => return rest,
            }
        }
    }

    /// The canonical role key of a title.
    pub fn canonical(&self, title: &str) -> String {
        let stripped = self.strip(title);
        if let Some(key) = self.aliases.get(&stripped) {
            return key.clone();
        }
        let folded = self.fold_department(&stripped);
        self.aliases.get(&folded).cloned().unwrap_or(folded)
    }

    /// `销售部经理` → `销售经理`, `销售部销售经理` → `销售经理`: a department name before a role
    /// that repeats it, or before a bare rank, says nothing the role does not.
    fn fold_department(&self, title: &str) -> String {
        for marker in &self.departments {
            if let Some((department, rest)) = title.split_once(marker.as_str()) {
                if department.is_empty() || rest.is_empty() {
                    continue;
                }
                if rest.starts_with(department) {
                    return rest.to_string();
                }
                if matches!(rest, "经理" | "主管" | "总监" | "助理" | "专员") {
                    return format!("{department}{rest}");
                }
            }
        }
        title.to_string()
    }
}

/// Removes `(…)` asides such as `(计划1人)` or `(定稿)`.
fn remove_parentheticals(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    if out.is_empty() {
        text.to_string()
    } else {
        out
    }
}

fn shipped_rules() -> &'static RoleRules {
    static RULES: OnceLock<RoleRules> = OnceLock::new();
    RULES.get_or_init(RoleRules::shipped)
}

/// The canonical role key of a title under the shipped rules.
pub fn canonical_role(title: &str) -> String {
    shipped_rules().canonical(title)
}

/// The shipped rules, loaded once.
pub fn shipped() -> &'static RoleRules {
    shipped_rules()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sales_manager_variants_share_one_key() {
        for title in [
            "销售经理",
            "销售部经理",
            "4s店销售经理",
            "4S店销售经理",
            "销售部销售经理",
            "岗位名称:销售部经理",
            "销售经理岗位职责",
            "销售部经理岗位职责:",
            "4s 店销售经理职责:",
            "(二)、销售部经理",
        ] {
            // Numbering prefixes are removed by the parser; strip them here as it would.
            let title = title.trim_start_matches("(二)、");
            assert_eq!(canonical_role(title), "销售经理", "{title}");
        }
    }

    #[test]
    fn different_roles_stay_apart() {
        assert_eq!(canonical_role("销售顾问岗位职责"), "销售顾问");
        assert_eq!(canonical_role("销售主管"), "销售主管");
        assert_ne!(canonical_role("销售经理"), canonical_role("销售主管"));
        assert_eq!(canonical_role("总经理岗位职责"), "总经理");
        assert_eq!(canonical_role("子、分公司总经理"), "总经理");
        assert_eq!(canonical_role("风控经理(计划1人)"), "风控经理");
        assert_eq!(canonical_role("市场部经理"), "市场经理");
        assert_eq!(canonical_role("市场经理—企宣"), "市场经理");
    }

    #[test]
    fn user_aliases_extend_the_shipped_rules() {
        let mut rules = RoleRules::shipped();
        rules.add_text("alias 展厅经理 = 销售主管", "test").unwrap();
        assert_eq!(rules.canonical("销售主管"), "展厅经理");
        let error = rules.add_text("nonsense here", "aliases.txt").unwrap_err();
        assert!(error.to_string().starts_with("aliases.txt:1:"), "{error}");
    }
}
