pub mod spatial;
