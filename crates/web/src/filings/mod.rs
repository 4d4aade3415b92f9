//! Approval and filing workflows (备案审批): applications, actions, the
//! to-do list.

pub mod api;
mod attachments;
mod forms;
pub mod pages;
pub mod view;
