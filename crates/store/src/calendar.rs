//! Calendar years loaded or edited at run time, over the shipped data.

use crate::audit::append;
use crate::db::{Store, WriteTx};
use crate::error::{StoreError, StoreResult};
use crate::orgs::Actor;
use chrono::{Datelike, NaiveDate};
use govmedia_domain::calendar::{Calendar, DayEntry, YearFile};
use serde::Serialize;
use sqlx::Row;

/// Where a year's data comes from, for the calendar page.
#[derive(Debug, Clone, Serialize)]
pub struct YearSource {
    pub year: i32,
    pub source: String,
    pub updated_at: i64,
    pub updated_by: String,
}

impl Store {
    /// The shipped calendar with every year stored in the database laid
    /// over it. Read fresh on each call, so a change made on any instance
    /// takes effect at once everywhere.
    pub async fn calendar(&self) -> StoreResult<std::sync::Arc<Calendar>> {
        self.cached("calendar".into(), || async {
            let mut cal = Calendar::builtin();
            for f in self.stored_years().await? {
                cal.set_year(&f)
                    .map_err(|e| StoreError::Other(format!("stored calendar {}: {e}", f.year)))?;
            }
            Ok(cal)
        })
        .await
    }

    async fn stored_years(&self) -> StoreResult<Vec<YearFile>> {
        let years = sqlx::query("SELECT year, papers FROM calendar_years ORDER BY year")
            .fetch_all(&self.pool)
            .await?;
        let days =
            sqlx::query("SELECT year, day, name, is_off_day FROM calendar_days ORDER BY day")
                .fetch_all(&self.pool)
                .await?;
        let mut out = Vec::new();
        for y in years {
            let year: i64 = y.try_get(0)?;
            let papers: String = y.try_get(1)?;
            let mut f = YearFile {
                year: year as i32,
                papers: papers
                    .lines()
                    .map(String::from)
                    .filter(|l| !l.is_empty())
                    .collect(),
                days: Vec::new(),
            };
            for d in days
                .iter()
                .filter(|d| d.try_get::<i64, _>(0).ok() == Some(year))
            {
                f.days.push(DayEntry {
                    date: d.try_get(1)?,
                    name: d.try_get(2)?,
                    is_off_day: d.try_get::<i64, _>(3)? != 0,
                });
            }
            out.push(f);
        }
        Ok(out)
    }

    pub async fn calendar_sources(&self) -> StoreResult<Vec<YearSource>> {
        let rows = sqlx::query(
            "SELECT year, source, updated_at, updated_by FROM calendar_years ORDER BY year",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            out.push(YearSource {
                year: r.try_get::<i64, _>(0)? as i32,
                source: r.try_get(1)?,
                updated_at: r.try_get(2)?,
                updated_by: r.try_get(3)?,
            });
        }
        Ok(out)
    }

    /// Stores a whole year's notice (validated), replacing that year.
    pub async fn calendar_load_year(&self, actor: &Actor, f: &YearFile) -> StoreResult<()> {
        f.validate()
            .map_err(|e| StoreError::invalid("invalid_calendar", e.to_string()))?;
        let mut tx = self.begin_write().await?;
        write_year(&mut tx, actor, f, "upload").await?;
        let mut a = actor.audit("calendar.load", "calendar_year", f.year);
        a.detail = serde_json::json!({"days": f.days.len(), "papers": f.papers}).to_string();
        append(&mut tx, a).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets one day (`Some((name, off))`) or returns it to the plain
    /// weekday/weekend pattern (`None`). The year is copied from the
    /// current calendar first, so the rest of it stays as it was.
    pub async fn calendar_set_day(
        &self,
        actor: &Actor,
        date: NaiveDate,
        entry: Option<(String, bool)>,
    ) -> StoreResult<()> {
        let cal = self.calendar().await?;
        let year = date.year();
        if !cal.has_year(year) {
            return Err(StoreError::invalid(
                "calendar_year_missing",
                format!("{year}年的节假日安排尚未录入，请先导入该年度的国务院通知，再修改单日"),
            ));
        }
        let papers = self
            .stored_years()
            .await?
            .into_iter()
            .find(|f| f.year == year)
            .map(|f| f.papers)
            .unwrap_or_default();
        let mut f = YearFile {
            year,
            papers,
            days: cal
                .special_days(year)
                .map(|m| {
                    m.iter()
                        .filter(|(d, _)| **d != date)
                        .map(|(d, s)| DayEntry {
                            date: d.to_string(),
                            name: s.name.clone(),
                            is_off_day: s.off,
                        })
                        .collect()
                })
                .unwrap_or_default(),
        };
        if let Some((name, off)) = &entry {
            f.days.push(DayEntry {
                date: date.to_string(),
                name: name.clone(),
                is_off_day: *off,
            });
            f.days.sort_by(|a, b| a.date.cmp(&b.date));
        }
        f.validate()
            .map_err(|e| StoreError::invalid("invalid_calendar", e.to_string()))?;
        let mut tx = self.begin_write().await?;
        write_year(&mut tx, actor, &f, "edit").await?;
        let mut a = actor.audit("calendar.day", "calendar_day", date);
        a.detail = match entry {
            Some((name, off)) => serde_json::json!({"name": name, "isOffDay": off}),
            None => serde_json::json!({"cleared": true}),
        }
        .to_string();
        append(&mut tx, a).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn write_year(
    tx: &mut WriteTx,
    actor: &Actor,
    f: &YearFile,
    source: &str,
) -> StoreResult<()> {
    let year = i64::from(f.year);
    sqlx::query("DELETE FROM calendar_days WHERE year = $1")
        .bind(year)
        .execute(tx.conn())
        .await?;
    sqlx::query("DELETE FROM calendar_years WHERE year = $1")
        .bind(year)
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "INSERT INTO calendar_years (year, source, papers, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(year)
    .bind(source)
    .bind(f.papers.join("\n"))
    .bind(tx.now.timestamp())
    .bind(&actor.username)
    .execute(tx.conn())
    .await?;
    for d in &f.days {
        sqlx::query(
            "INSERT INTO calendar_days (year, day, name, is_off_day) VALUES ($1, $2, $3, $4)",
        )
        .bind(year)
        .bind(d.date.trim())
        .bind(d.name.trim())
        .bind(i64::from(d.is_off_day))
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}
