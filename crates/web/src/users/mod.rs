//! Users and their roles (用户管理).

pub mod pages;
