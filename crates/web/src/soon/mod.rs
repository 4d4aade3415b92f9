//! Areas not built yet (建设中).

pub mod pages;
