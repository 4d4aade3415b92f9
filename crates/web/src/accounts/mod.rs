//! The account registry (台账): list, detail, create, edit, Excel export
//! and import.

pub mod api;
pub mod excel;
mod export;
mod import;
pub mod pages;
pub mod params;
