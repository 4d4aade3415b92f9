//! 定时任务: the scheduled jobs and how their last runs went.

pub mod pages;
