//! render::dedup: the dedup report as terminal text (each member's difference from the canonical
//! text highlighted) or JSON, and the clean corpus as JSON lines.

use super::term::{paint, sanitize, Style};
use crate::dedup::explain::Explanation;
use crate::dedup::learn::LearnedEquivalence;
use crate::dedup::{CleanEntry, DedupReport, DutyMember};
use similar::{ChangeTag, TextDiff};
use std::fmt::Write as _;
use std::io::Write;

/// The report as pretty JSON with exactly the fields of [`DedupReport`].
pub fn json(report: &DedupReport) -> String {
    serde_json::to_string_pretty(report).expect("the report serialises")
}

/// Writes the clean corpus, one entry per line.
pub fn write_jsonl<W: Write>(entries: &[CleanEntry], mut out: W) -> std::io::Result<()> {
    for entry in entries {
        serde_json::to_writer(&mut out, entry)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// `text` as a change of `canonical`: characters only in `text` marked as added, characters of
/// `canonical` missing from `text` as removed. In colour, added is green and removed red; without
/// colour, `{+added+}` and `[-removed-]`.
pub fn inline_diff(canonical: &str, text: &str, color: bool) -> String {
    let canonical = sanitize(canonical);
    let text = sanitize(text);
    let diff = TextDiff::from_chars(canonical.as_str(), text.as_str());
    let mut out = String::new();
    let mut run = String::new();
    let mut run_tag = ChangeTag::Equal;
    let flush = |out: &mut String, run: &mut String, tag: ChangeTag| {
        if run.is_empty() {
            return;
        }
        match (tag, color) {
            (ChangeTag::Equal, _) => out.push_str(run),
            (ChangeTag::Insert, true) => out.push_str(&paint(run, Style::Green, true)),
            (ChangeTag::Delete, true) => out.push_str(&paint(run, Style::Red, true)),
            (ChangeTag::Insert, false) => {
                let _ = write!(out, "{{+{run}+}}");
            }
            (ChangeTag::Delete, false) => {
                let _ = write!(out, "[-{run}-]");
            }
        }
        run.clear();
    };
    for change in diff.iter_all_changes() {
        if change.tag() != run_tag {
            flush(&mut out, &mut run, run_tag);
            run_tag = change.tag();
        }
        run.push_str(change.value());
    }
    flush(&mut out, &mut run, run_tag);
    out
}

fn place(member: &DutyMember, color: bool) -> String {
    let location = format!(
        "{} {} · {} · line {}",
        member.doc_id,
        sanitize(&member.store),
        sanitize(&member.position),
        member.line
    );
    paint(&location, Style::Dim, color)
}

/// The report for a terminal.
/// A bold section heading, set off from the section before it by a blank line.
fn section_heading(out: &mut String, title: &str, color: bool) {
    if !out.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}", paint(title, Style::Bold, color));
}

pub fn terminal(report: &DedupReport, color: bool) -> String {
    let mut out = String::new();
    if !report.duty_groups.is_empty() {
        let members: usize = report.duty_groups.iter().map(|g| g.members.len()).sum();
        let _ = writeln!(
            out,
            "{}",
            paint(
                &format!(
                    "Duplicate duties: {} groups, {} duties",
                    report.duty_groups.len(),
                    members
                ),
                Style::Bold,
                color
            )
        );
        for (index, group) in report.duty_groups.iter().enumerate() {
            let _ = writeln!(
                out,
                "\n{:>3}. {}  {}",
                index + 1,
                paint(&sanitize(&group.canonical), Style::Bold, color),
                paint(
                    &format!(
                        "({} duties, similarity {:.2})",
                        group.members.len(),
                        group.similarity
                    ),
                    Style::Dim,
                    color
                )
            );
            for member in &group.members {
                let why = member
                    .reason
                    .as_deref()
                    .map(|reason| format!("  {}", paint(reason, Style::Dim, color)))
                    .unwrap_or_default();
                let _ = writeln!(out, "     {}{why}", place(member, color));
                if crate::dedup::text::plain_form(&member.text)
                    != crate::dedup::text::plain_form(&group.canonical)
                {
                    let _ = writeln!(
                        out,
                        "       {}",
                        inline_diff(&group.canonical, &member.text, color)
                    );
                }
            }
        }
    }
    if !report.position_groups.is_empty() {
        section_heading(
            &mut out,
            &format!(
                "Duplicate positions: {} groups",
                report.position_groups.len()
            ),
            color,
        );
        for (index, group) in report.position_groups.iter().enumerate() {
            let _ = writeln!(
                out,
                "\n{:>3}. {}  {}",
                index + 1,
                paint(&sanitize(&group.role), Style::Bold, color),
                paint(
                    &format!(
                        "({} positions, {} duties shared, {} differ)",
                        group.members.len(),
                        group.shared_duties,
                        group.differing_duties.len()
                    ),
                    Style::Dim,
                    color
                )
            );
            for member in &group.members {
                let _ = writeln!(
                    out,
                    "     {} {} · {}",
                    member.doc_id,
                    sanitize(&member.store),
                    sanitize(&member.position)
                );
            }
            if !group.differing_duties.is_empty() {
                let _ = writeln!(
                    out,
                    "     {}",
                    paint("differing duties:", Style::Yellow, color)
                );
                for duty in &group.differing_duties {
                    let _ = writeln!(
                        out,
                        "       {} {}",
                        paint(
                            &format!("{} line {}", duty.doc_id, duty.line),
                            Style::Dim,
                            color
                        ),
                        paint(&sanitize(&duty.text), Style::Yellow, color)
                    );
                }
            }
        }
    }
    if !report.document_groups.is_empty() {
        section_heading(
            &mut out,
            &format!(
                "Repeated documents: {} groups",
                report.document_groups.len()
            ),
            color,
        );
        for (index, group) in report.document_groups.iter().enumerate() {
            let _ = writeln!(
                out,
                "\n{:>3}. {}",
                index + 1,
                paint(
                    &format!(
                        "{} documents, similarity {:.2}",
                        group.members.len(),
                        group.similarity
                    ),
                    Style::Dim,
                    color
                )
            );
            for member in &group.members {
                let _ = writeln!(out, "     {} {}", member.doc_id, sanitize(&member.document));
            }
        }
    }
    if out.is_empty() {
        out.push_str("No duplicates found.\n");
    }
    out
}

/// `zhize dedup --explain`: the two texts, the similarity's parts, the guard and the verdict.
pub fn explanation(explanation: &Explanation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "A: {}", sanitize(&explanation.a));
    let _ = writeln!(out, "B: {}", sanitize(&explanation.b));
    let _ = writeln!(
        out,
        "similarity: Jaccard {:.3}, containment {:.3} (shorter/longer {:.2}) → {}",
        explanation.jaccard,
        explanation.containment,
        explanation.shorter_share,
        if explanation.similar {
            "similar"
        } else {
            "not similar"
        }
    );
    let changes = if explanation.changes.is_empty() {
        "none".to_string()
    } else {
        sanitize(&explanation.changes.join("; "))
    };
    let _ = writeln!(out, "changes: {changes}");
    let _ = writeln!(
        out,
        "guard: {}",
        explanation
            .apart
            .as_deref()
            .map(sanitize)
            .unwrap_or_else(|| "nothing that changed says something different".to_string())
    );
    let _ = writeln!(
        out,
        "verdict: {} — {}",
        explanation.verdict,
        sanitize(&explanation.why)
    );
    out
}

/// `zhize dedup --learn`: one `same` line per learned swap, with how often and an example.
pub fn learned(learned: &[LearnedEquivalence]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Words that swap in otherwise identical duties. To accept one, copy its line into a\n\
         # file and pass it with --vocabulary FILE (the format of data/dedup.txt)."
    );
    for item in learned {
        let _ = writeln!(
            out,
            "{}    # {} group{}: {} / {}",
            sanitize(&item.vocabulary_line()),
            item.groups,
            if item.groups == 1 { "" } else { "s" },
            sanitize(&item.example.0),
            sanitize(&item.example.1)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_marks_what_differs_without_colour() {
        assert_eq!(
            inline_diff("经过检查、控制", "通过检查、控制", false),
            "[-经-]{+通+}过检查、控制"
        );
        assert_eq!(
            inline_diff("计划报总经理处", "计划报总经理、董事长处", false),
            "计划报总经理{+、董事长+}处"
        );
    }

    #[test]
    fn diff_colours_when_asked() {
        let coloured = inline_diff("报总经理处", "报销售经理处", true);
        assert!(coloured.contains("\x1b["));
        assert!(!inline_diff("报总经理处", "报销售经理处", false).contains('\x1b'));
    }
}
