//! See benches/zen.rs.
