//! What the office must re-check in its content: procedure records and
//! lessons against the table of replaced texts (`assistant::freshness` holds
//! the rules). Shared by `hocvuso knowledge check` and the review page.

use hocvuso_assistant::freshness::{
    check_instruments, check_lessons, check_records, embedded_instruments, sorted, Finding,
    LessonText,
};
use hocvuso_assistant::{Knowledge, KnowledgeError};
use hocvuso_learning::Catalog;

/// Every finding on `today` (Vietnam's date), errors first.
pub fn findings(
    knowledge: &Knowledge,
    catalog: &Catalog,
    today: chrono::NaiveDate,
) -> Result<Vec<Finding>, KnowledgeError> {
    let instruments = embedded_instruments()?;
    let lessons: Vec<LessonText> = catalog
        .courses
        .iter()
        .flat_map(|c| c.lessons.iter().map(move |l| (c, l)))
        .map(|(c, l)| LessonText {
            key: format!("{}/{}", c.id, l.id),
            title: &l.title,
            body: &l.html,
            sources: l
                .sources
                .iter()
                .map(|s| (s.title.as_str(), s.url.as_str()))
                .collect(),
            as_of: l.as_of,
        })
        .collect();
    let mut all = check_records(&knowledge.records, &instruments, today);
    all.extend(check_lessons(&lessons, &instruments, today));
    all.extend(check_instruments(&instruments, today));
    Ok(sorted(all))
}
