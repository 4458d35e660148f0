//! DMN and STTR: reading the decision models municipalities deliver to the national Omgevingsloket.
//!
//! - [`xml`]: DMN XML (1.1 to 1.5) and the Dutch STTR extensions into a plain model.
//! - [`feel`]: FEEL expressions and unary tests, with decimal numbers.
//! - [`sttr`]: an STTR file -> a ruleset in our language (questions, tables, explanations,
//!   legal references), with the checks the national system lacks, reported per DMN element id.
//!   Residents' rules then run on the one evaluator of this crate.
//! - [`direct`]: a direct DMN evaluator on FEEL, used by [`tck`] for the DMN conformance suite
//!   (FEEL has null, contexts and lists that our language does not need).
//! - [`tck`]: the DMN TCK test-case format, result comparison and the results CSV.
//!
//! Like the rest of the core, nothing here reads files: callers pass the text.

pub mod direct;
pub mod feel;
pub mod sttr;
pub mod tck;
pub mod xml;
