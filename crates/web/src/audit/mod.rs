//! The audit log (审计日志).

pub mod pages;
pub mod view;
