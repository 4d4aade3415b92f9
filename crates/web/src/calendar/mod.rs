//! The statutory working-day calendar (法定工作日历).

pub mod api;
pub mod pages;
