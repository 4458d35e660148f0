//! Formatter (placeholder).
