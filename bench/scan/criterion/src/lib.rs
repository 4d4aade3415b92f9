//! See benches/scan.rs.
