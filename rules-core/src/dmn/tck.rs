//! The DMN TCK (Technology Compatibility Kit): its test-case XML format, how results are compared,
//! and its results CSV.
//!
//! A TCK folder holds one model (`*.dmn`) and test files (`*-test-NN.xml`). Each test case gives
//! typed input values and the expected value of one or more decisions. This module does no I/O: the
//! caller reads the files and passes their text to [`run_folder`].
//!
//! Numbers are compared as decimals: exactly, except that an expected value written with ten or
//! more significant digits is a machine-computed one and matches within a relative 1e-12, and one
//! written with eight or more decimals matches a result within one unit of its last decimal. The TCK's
//! loan payments (0008, 0009) are such values: it expects `562.707359373292` where the exact
//! decimal result is `562.70735937326592...` (off in the 14th digit, as binary floating point is).
//!
//! ```
//! use rules_core::dmn::tck::{run_folder, Status};
//!
//! let model = r#"<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" name="m">
//!   <inputData id="i" name="Full Name"><variable name="Full Name" typeRef="string"/></inputData>
//!   <decision id="d" name="Greeting"><literalExpression><text>"Hello " + Full Name</text></literalExpression></decision>
//! </definitions>"#;
//! let tests = r#"<testCases xmlns="http://www.omg.org/spec/DMN/20160719/testcase" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
//!   <testCase id="001"><inputNode name="Full Name"><value xsi:type="xsd:string">John</value></inputNode>
//!     <resultNode name="Greeting"><expected><value xsi:type="xsd:string">Hello John</value></expected></resultNode></testCase>
//! </testCases>"#;
//! let report = run_folder("compliance-level-2/x", model, &[("x-test-01".into(), tests.into())]);
//! assert!(report.model_error.is_none());
//! assert_eq!(report.results[0].status, Status::Success);
//! assert_eq!(report.results[0].csv(), r#""compliance-level-2/x","x-test-01","001","SUCCESS","""#);
//! ```

use roxmltree::{Document, Node};
use rust_decimal::prelude::*;
use thiserror::Error;

use super::direct::Model;
use super::feel::{self, value, Value};

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

#[derive(Debug, Clone, Error, PartialEq)]
pub enum TckError {
    #[error("test file is not well-formed XML: {0}")]
    NotXml(String),
    #[error("test file root is <{0}>, expected <testCases>")]
    NotTestCases(String),
}

/// A value as written in a test file.
#[derive(Debug, Clone, PartialEq)]
pub enum Written {
    Nil,
    /// `<value xsi:type="xsd:decimal">12</value>` (type without prefix: `decimal`).
    Simple {
        xsd_type: Option<String>,
        text: String,
    },
    Components(Vec<(String, Written)>),
    List(Vec<Written>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TestCase {
    pub id: String,
    pub description: Option<String>,
    /// `decision` (default), `bkm` or `decisionService`.
    pub kind: Option<String>,
    /// The decision service a `decisionService` test case invokes.
    pub invocable: Option<String>,
    pub inputs: Vec<(String, Written)>,
    pub results: Vec<ResultNode>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResultNode {
    pub name: String,
    pub error_result: bool,
    pub expected: Option<Written>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Suite {
    pub model_name: Option<String>,
    pub cases: Vec<TestCase>,
}

fn local<'a>(n: Node<'a, '_>) -> &'a str {
    n.tag_name().name()
}

fn children<'a, 'i>(n: Node<'a, 'i>, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    n.children().filter(move |c| c.is_element() && local(*c) == name)
}

/// Read a TCK test file.
pub fn parse_suite(text: &str) -> Result<Suite, TckError> {
    let doc = Document::parse(text).map_err(|e| TckError::NotXml(e.to_string()))?;
    let root = doc.root_element();
    if local(root) != "testCases" {
        return Err(TckError::NotTestCases(local(root).to_string()));
    }
    let model_name = children(root, "modelName").next().and_then(|n| n.text()).map(|t| t.trim().to_string());
    let cases = children(root, "testCase")
        .map(|tc| TestCase {
            id: tc.attribute("id").unwrap_or_default().to_string(),
            description: children(tc, "description").next().and_then(|d| d.text()).map(|t| t.trim().to_string()),
            kind: tc.attribute("type").map(String::from),
            invocable: tc.attribute("invocableName").map(String::from),
            inputs: children(tc, "inputNode")
                .map(|n| (n.attribute("name").unwrap_or_default().to_string(), written(n)))
                .collect(),
            results: children(tc, "resultNode")
                .map(|r| ResultNode {
                    name: r.attribute("name").unwrap_or_default().to_string(),
                    error_result: r.attribute("errorResult") == Some("true"),
                    expected: children(r, "expected").next().map(written),
                })
                .collect(),
        })
        .collect();
    Ok(Suite { model_name, cases })
}

/// The value held by an `inputNode`, `expected`, `component` or `item` element.
fn written(n: Node) -> Written {
    if let Some(v) = children(n, "value").next() {
        if v.attribute((XSI, "nil")) == Some("true") {
            return Written::Nil;
        }
        let xsd_type = v.attribute((XSI, "type")).map(|t| t.rsplit(':').next().unwrap_or(t).to_string());
        return Written::Simple { xsd_type, text: v.text().unwrap_or("").to_string() };
    }
    if let Some(list) = children(n, "list").next() {
        if list.attribute((XSI, "nil")) == Some("true") {
            return Written::Nil;
        }
        return Written::List(children(list, "item").map(written).collect());
    }
    let components: Vec<(String, Written)> =
        children(n, "component").map(|c| (c.attribute("name").unwrap_or_default().to_string(), written(c))).collect();
    if components.is_empty() {
        Written::Nil
    } else {
        Written::Components(components)
    }
}

/// A written value as a FEEL value (`type_hint`: the DMN type of the input, when the value has none).
pub fn to_value(w: &Written, type_hint: Option<&str>) -> Value {
    match w {
        Written::Nil => Value::Null,
        Written::Simple { xsd_type, text } => {
            let hint = type_hint.map(|t| t.rsplit(':').next().unwrap_or(t));
            match xsd_type.as_deref().or(hint) {
                Some("decimal" | "double" | "float" | "integer" | "int" | "long" | "short" | "number") => {
                    feel::parse_decimal(text).map(Value::Number).unwrap_or(Value::Null)
                }
                Some("boolean") => match text.trim() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    _ => Value::Null,
                },
                Some("date") => value::parse_date(text.trim()).map(Value::Date).unwrap_or(Value::Null),
                Some("dateTime" | "date and time") => match value::parse_date_time(text.trim()) {
                    Some(dt) => Value::DateTime(dt),
                    None => Value::Null,
                },
                Some("time") => value::parse_time(text.trim()).map(Value::Time).unwrap_or(Value::Null),
                Some(
                    "duration"
                    | "dayTimeDuration"
                    | "yearMonthDuration"
                    | "days and time duration"
                    | "years and months duration",
                ) => value::parse_duration(text.trim()).unwrap_or(Value::Null),
                _ => Value::String(text.clone()),
            }
        }
        Written::Components(cs) => Value::Context(cs.iter().map(|(k, v)| (k.clone(), to_value(v, None))).collect()),
        Written::List(items) => Value::List(items.iter().map(|i| to_value(i, None)).collect()),
    }
}

/// Compare a computed value with the expected one; `Err` says what differs.
pub fn compare(expected: &Written, actual: &Value) -> Result<(), String> {
    match (expected, actual) {
        (Written::Nil, Value::Null) => Ok(()),
        (Written::Simple { xsd_type, text }, actual) => {
            let numeric = matches!(
                xsd_type.as_deref(),
                Some("decimal" | "double" | "float" | "integer" | "int" | "long" | "short")
            );
            match (numeric, actual) {
                (true, Value::Number(a)) => match feel::parse_decimal(text) {
                    Some(e) if numbers_match(e, *a) => Ok(()),
                    _ => Err(format!("expected {}, got {}", text.trim(), actual)),
                },
                (false, _) => {
                    let want = to_value(expected, None);
                    // Temporal values must also be written alike (`10:00:00Z` is not
                    // `11:00:00+01:00`, though they are equal in FEEL).
                    let alike = match (&want, actual) {
                        (Value::Time(_) | Value::DateTime(_), _) => want.to_string() == actual.to_string(),
                        _ => true,
                    };
                    if alike && feel::equal(&want, actual) == Some(true) {
                        Ok(())
                    } else {
                        Err(format!("expected {want}, got {actual}"))
                    }
                }
                (true, other) => Err(format!("expected {}, got {other}", text.trim())),
            }
        }
        (Written::Components(cs), Value::Context(entries)) => {
            for (name, w) in cs {
                let Some(v) = actual.get(name) else { return Err(format!("missing component \"{name}\"")) };
                compare(w, v).map_err(|e| format!("{name}: {e}"))?;
            }
            if entries.len() != cs.len() {
                return Err(format!("expected {} components, got {}", cs.len(), entries.len()));
            }
            Ok(())
        }
        (Written::List(items), Value::List(values)) => {
            if items.len() != values.len() {
                return Err(format!("expected a list of {}, got {actual}", items.len()));
            }
            for (i, (w, v)) in items.iter().zip(values).enumerate() {
                compare(w, v).map_err(|e| format!("item {}: {e}", i + 1))?;
            }
            Ok(())
        }
        (w, actual) => Err(format!("expected {}, got {actual}", to_value(w, None))),
    }
}

fn numbers_match(expected: Decimal, actual: Decimal) -> bool {
    if expected == actual {
        return true;
    }
    // A value written with eight or more decimals (`54.59815003` for `exp(4)`) is the result
    // rounded to what is written.
    if expected.scale() >= 8
        && actual.checked_sub(expected).is_some_and(|d| d.abs() < Decimal::new(1, expected.scale()))
    {
        return true;
    }
    // Only a value written with many digits is a machine-computed one (`2778.69354943277`); short
    // values such as `3` or `0.00001` must match exactly.
    let digits = expected.normalize().mantissa().unsigned_abs().to_string().len();
    if digits < 10 {
        return false;
    }
    let tolerance = expected.abs() * Decimal::new(1, 12);
    actual.checked_sub(expected).is_some_and(|d| d.abs() <= tolerance)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Success,
    Failure,
    Error,
    Skipped,
}

impl Status {
    /// The word the TCK results format uses.
    pub fn tck_name(self) -> &'static str {
        match self {
            Status::Success => "SUCCESS",
            Status::Failure => "FAILURE",
            Status::Error => "ERROR",
            Status::Skipped => "IGNORED",
        }
    }
}

/// The result of one test case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseResult {
    /// `compliance-level-2/0001-input-data-string`
    pub folder: String,
    /// The test file without extension.
    pub file: String,
    pub id: String,
    pub status: Status,
    pub message: String,
}

impl CaseResult {
    /// One line of the TCK results CSV.
    pub fn csv(&self) -> String {
        let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\"").replace(['\n', '\r'], " "));
        [q(&self.folder), q(&self.file), q(&self.id), q(self.status.tck_name()), q(&self.message)].join(",")
    }
}

/// The results of one TCK folder.
#[derive(Debug, Clone)]
pub struct FolderReport {
    pub folder: String,
    /// Why the model did not load, if it did not.
    pub model_error: Option<String>,
    /// Elements of a loaded model that could not be read (their decisions fail, the rest runs).
    pub problems: Vec<String>,
    pub results: Vec<CaseResult>,
}

/// Run all test files of one folder against its model.
pub fn run_folder(folder: &str, model_xml: &str, test_files: &[(String, String)]) -> FolderReport {
    run_folder_with_imports(folder, model_xml, &[], test_files)
}

/// [`run_folder`] for a model that imports others: `library` holds the texts of the folder's other
/// models, which its imports name by namespace.
pub fn run_folder_with_imports(
    folder: &str,
    model_xml: &str,
    library: &[String],
    test_files: &[(String, String)],
) -> FolderReport {
    let model = Model::load_with_imports(model_xml, library);
    let model_error = model.as_ref().err().map(|e| e.to_string());
    let problems = model.as_ref().map(|m| m.problems().iter().map(|p| p.to_string()).collect()).unwrap_or_default();
    let mut results = Vec::new();
    for (file, text) in test_files {
        let suite = match parse_suite(text) {
            Ok(s) => s,
            Err(e) => {
                results.push(CaseResult {
                    folder: folder.into(),
                    file: file.clone(),
                    id: String::new(),
                    status: Status::Error,
                    message: e.to_string(),
                });
                continue;
            }
        };
        for case in &suite.cases {
            let (status, message) = match &model {
                Err(e) => (Status::Error, format!("model does not load: {e}")),
                Ok(m) => run_case(m, case),
            };
            results.push(CaseResult {
                folder: folder.into(),
                file: file.clone(),
                id: case.id.clone(),
                status,
                message,
            });
        }
    }
    FolderReport { folder: folder.into(), model_error, problems, results }
}

fn run_case(model: &Model, case: &TestCase) -> (Status, String) {
    let service = match case.kind.as_deref() {
        None | Some("decision") => false,
        Some("decisionService") => true,
        Some(kind) => return (Status::Skipped, format!("test cases of type \"{kind}\" are not supported")),
    };
    let inputs: Vec<(String, Value)> = case
        .inputs
        .iter()
        .map(|(name, w)| {
            let hint = model.definitions().inputs.iter().find(|i| &i.name == name).and_then(|i| i.type_ref.as_deref());
            (name.clone(), to_value(w, hint))
        })
        .collect();
    let names: Vec<&str> = case.results.iter().map(|r| r.name.as_str()).collect();
    let values = if service {
        let Some(service) = case.invocable.as_deref() else {
            return (Status::Error, "a decisionService test case names no invocable".into());
        };
        // A service with several outputs gives a context; each result node names one of them.
        let result = model.invoke(service, &inputs);
        names
            .iter()
            .map(|n| match &result {
                Ok(Value::Context(entries)) if entries.len() > 1 => {
                    Ok(entries.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()).unwrap_or(Value::Null))
                }
                other => other.clone(),
            })
            .collect()
    } else {
        model.evaluate_all(&names, &inputs)
    };
    let mut problems = Vec::new();
    let mut errors = false;
    for (r, v) in case.results.iter().zip(values) {
        match (v, &r.expected) {
            (Err(_), _) if r.error_result => {}
            (Err(e), _) => {
                errors = true;
                problems.push(format!("{}: {e}", r.name))
            }
            (Ok(Value::Null), _) if r.error_result => {}
            (Ok(v), Some(expected)) => {
                if let Err(why) = compare(expected, &v) {
                    problems.push(format!("{}: {why}", r.name));
                }
            }
            (Ok(_), None) => {}
        }
    }
    if problems.is_empty() {
        (Status::Success, String::new())
    } else if errors {
        (Status::Error, problems.join("; "))
    } else {
        (Status::Failure, problems.join("; "))
    }
}

/// Passed, failed (failures and errors) and skipped test cases.
pub fn summary(results: &[CaseResult]) -> (usize, usize, usize) {
    let count = |s: &[Status]| results.iter().filter(|r| s.contains(&r.status)).count();
    (count(&[Status::Success]), count(&[Status::Failure, Status::Error]), count(&[Status::Skipped]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_at_the_written_precision() {
        let d = |s: &str| feel::parse_decimal(s).unwrap_or_default();
        assert!(numbers_match(d("2778.69354943277"), d("2778.6935494327667680885203832")));
        assert!(numbers_match(d("562.707359373292"), d("562.7073593732659271562143311")));
        assert!(numbers_match(d("1200"), d("1200.0")));
        assert!(!numbers_match(d("2778.69354943277"), d("2778.6935494")));
        assert!(!numbers_match(d("3"), d("3.4")));
    }

    #[test]
    fn reads_components_lists_and_nil() {
        let text = r#"<testCases xmlns="http://www.omg.org/spec/DMN/20160719/testcase" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
          <testCase id="1"><inputNode name="loan"><component name="rate"><value xsi:type="xsd:decimal">0.5</value></component></inputNode>
          <resultNode name="r"><expected><list><item><value xsi:type="xsd:string">a</value></item><item><value xsi:nil="true"/></item></list></expected></resultNode></testCase>
        </testCases>"#;
        let s = parse_suite(text).expect("parses");
        assert_eq!(to_value(&s.cases[0].inputs[0].1, None).to_string(), "{rate: 0.5}");
        let expected = s.cases[0].results[0].expected.clone().expect("expected");
        assert_eq!(compare(&expected, &Value::List(vec![Value::String("a".into()), Value::Null])), Ok(()));
        assert!(compare(&expected, &Value::List(vec![Value::String("b".into()), Value::Null])).is_err());
        assert!(matches!(parse_suite("<x/>"), Err(TckError::NotTestCases(_))));
        assert!(matches!(parse_suite("not xml"), Err(TckError::NotXml(_))));
    }

    #[test]
    fn a_model_that_does_not_load_fails_every_case() {
        let tests = r#"<testCases xmlns="http://www.omg.org/spec/DMN/20160719/testcase"><testCase id="001"><resultNode name="d"/></testCase></testCases>"#;
        let report = run_folder("f", "<definitions/>", &[("t".into(), tests.into())]);
        assert!(report.model_error.is_some());
        assert_eq!(report.results[0].status, Status::Error);
        assert_eq!(summary(&report.results), (0, 1, 0));
    }
}
