//! The org tree: list, create, edit.

pub mod api;
pub mod pages;
pub mod view;
