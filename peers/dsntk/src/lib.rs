//! The models both engines run in the benchmark (`benches/feel.rs`): DMN TCK level-3 models
//! whose decisions need no inputs, so each engine evaluates every decision of the model.

/// (name, path from this crate)
pub const MODELS: [(&str, &str); 3] = [
    ("0100-arithmetic", "../../tests/dmn-tck/TestCases/compliance-level-3/0100-arithmetic/0100-arithmetic.dmn"),
    ("0072-feel-in", "../../tests/dmn-tck/TestCases/compliance-level-3/0072-feel-in/0072-feel-in.dmn"),
    ("0057-feel-context", "../../tests/dmn-tck/TestCases/compliance-level-3/0057-feel-context/0057-feel-context.dmn"),
];
