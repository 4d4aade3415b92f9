//! API tokens (接口令牌).

pub mod pages;
