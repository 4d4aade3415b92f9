//! 首页.

pub mod pages;
