//! Students linked to their school: each school's class lists (issue 11).
//! A student is in one school at a time, with a grade (0 for kindergarten,
//! 1–12) and a class such as "3A"; indicator 2 counts those from
//! [`FIRST_COUNTED_GRADE`] up in an active school
//! ([`crate::Population::Students`]). Written once for both engines, like
//! [`crate::units`].

use crate::{PgStore, Result, SqliteStore, Store, StoreError};
use chrono::NaiveDate;
use hocvuso_domain::students::{FIRST_COUNTED_GRADE, MAX_GRADE};
use hocvuso_domain::UnitType;
use sqlx::Row;

pub use hocvuso_domain::students::Enrolment;

/// A student as a school's page lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Student {
    pub resident_id: i64,
    pub full_name: String,
    pub birth: Option<String>,
    pub grade: i32,
    pub class_name: String,
}

macro_rules! student_ops {
    ($Store:ident, $DB:ty) => {
        impl $Store {
            async fn enrol_students(&self, unit_id: i64, rows: &[Enrolment], today: NaiveDate) -> Result<usize> {
                let mut tx = self.write.begin().await?;
                for e in rows {
                    sqlx::query::<$DB>(
                        "INSERT INTO students (resident_id, unit_id, grade, class_name, listed_on) \
                         VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (resident_id) DO UPDATE SET unit_id = excluded.unit_id, \
                         grade = excluded.grade, class_name = excluded.class_name, listed_on = excluded.listed_on",
                    )
                    .bind(e.resident_id)
                    .bind(unit_id)
                    .bind(e.grade)
                    .bind(&e.class_name)
                    .bind(today)
                    .execute(&mut *tx)
                    .await?;
                }
                self.commit(tx).await?;
                Ok(rows.len())
            }

            async fn students_of(&self, unit_id: i64) -> Result<Vec<Student>> {
                let rows = sqlx::query::<$DB>(
                    "SELECT r.id, r.full_name, r.birth, s.grade, s.class_name \
                     FROM students s JOIN residents r ON r.id = s.resident_id \
                     WHERE s.unit_id = $1 ORDER BY s.grade, s.class_name, r.name_key",
                )
                .bind(unit_id)
                .fetch_all(&self.read)
                .await?;
                rows.into_iter()
                    .map(|r| {
                        Ok(Student {
                            resident_id: r.try_get(0)?,
                            full_name: r.try_get(1)?,
                            birth: r.try_get(2)?,
                            grade: r.try_get(3)?,
                            class_name: r.try_get(4)?,
                        })
                    })
                    .collect()
            }

            async fn count_students(&self) -> Result<i64> {
                Ok(sqlx::query_scalar::<$DB, i64>(
                    "SELECT COUNT(*) FROM students s JOIN units u ON u.id = s.unit_id \
                     WHERE u.active AND s.grade >= $1",
                )
                .bind(FIRST_COUNTED_GRADE)
                .fetch_one(&self.read)
                .await?)
            }

            async fn remove_student(&self, unit_id: i64, resident_id: i64) -> Result<bool> {
                Ok(sqlx::query::<$DB>("DELETE FROM students WHERE unit_id = $1 AND resident_id = $2")
                    .bind(unit_id)
                    .bind(resident_id)
                    .execute(&self.write)
                    .await?
                    .rows_affected()
                    > 0)
            }
        }
    };
}

student_ops!(SqliteStore, sqlx::Sqlite);
student_ops!(PgStore, sqlx::Postgres);

impl Store {
    /// Put these students in this school, all or none: a student listed in
    /// another school moves here (one school at a time). Refused, with
    /// nothing written, when the unit is not an active school or a grade is
    /// outside 0–12.
    pub async fn enrol_students(
        &self,
        unit_id: i64,
        rows: &[Enrolment],
        today: NaiveDate,
    ) -> Result<usize> {
        let school = self
            .list_units()
            .await?
            .into_iter()
            .find(|u| u.id == unit_id);
        match school {
            Some(u) if u.unit_type == UnitType::School => {}
            Some(u) => {
                return Err(StoreError::Invalid(format!(
                    "\"{}\" không phải trường học: danh sách học sinh chỉ nhập cho một trường",
                    u.name
                )))
            }
            None => {
                return Err(StoreError::Invalid(
                    "Không có trường này (hoặc trường đã ngừng hoạt động)".into(),
                ))
            }
        }
        if let Some(e) = rows.iter().find(|e| !(0..=MAX_GRADE).contains(&e.grade)) {
            return Err(StoreError::Invalid(format!(
                "Khối lớp {} không đúng: chỉ từ 0 (mẫu giáo) đến {MAX_GRADE}",
                e.grade
            )));
        }
        if let Some(e) = rows.iter().find(|e| {
            let n = e.class_name.trim().chars().count();
            n == 0 || n > 40
        }) {
            return Err(StoreError::Invalid(format!(
                "Tên lớp \"{}\" không đúng: cần từ 1 đến 40 ký tự, ví dụ 3A",
                e.class_name
            )));
        }
        dispatch!(self, s => s.enrol_students(unit_id, rows, today).await)
    }

    /// A school's students, by grade, class and name.
    pub async fn students_of(&self, unit_id: i64) -> Result<Vec<Student>> {
        dispatch!(self, s => s.students_of(unit_id).await)
    }

    /// Students from the first counted grade up in active schools: the
    /// denominator of indicator 2 before any hamlet split.
    pub async fn count_students(&self) -> Result<i64> {
        dispatch!(self, s => s.count_students().await)
    }

    /// Take a student off a school's list.
    pub async fn remove_student(&self, unit_id: i64, resident_id: i64) -> Result<bool> {
        dispatch!(self, s => s.remove_student(unit_id, resident_id).await)
    }
}
