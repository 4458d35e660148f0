//! Tests of the direct evaluator (kept apart: `direct.rs` holds the evaluator itself).

use super::*;

fn model(body: &str) -> Model {
    Model::load(&format!(
        "<definitions xmlns=\"https://www.omg.org/spec/DMN/20191111/MODEL/\" name=\"t\">{body}</definitions>"
    ))
    .unwrap_or_else(|e| panic!("{e}"))
}

fn table(hit: &str, rows: &[(&str, &str)]) -> String {
    let rules: String = rows
        .iter()
        .map(|(i, o)| {
            format!("<rule><inputEntry><text>{i}</text></inputEntry><outputEntry><text>{o}</text></outputEntry></rule>")
        })
        .collect();
    format!(
        "<inputData id=\"x\" name=\"x\"/><decision id=\"d\" name=\"D\"><decisionTable {hit}><input><inputExpression><text>x</text></inputExpression></input>\
         <output><outputValues><text>\"high\",\"low\"</text></outputValues></output>{rules}</decisionTable></decision>"
    )
}

fn run(m: &Model, x: i64) -> Value {
    m.evaluate("D", &[("x".into(), Value::number(x))]).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn hit_policies() {
    let rows = [("&gt; 1", "\"low\""), ("&gt; 2", "\"high\"")];
    assert_eq!(run(&model(&table("hitPolicy=\"UNIQUE\"", &rows)), 3), Value::Null);
    assert_eq!(run(&model(&table("hitPolicy=\"FIRST\"", &rows)), 3), Value::String("low".into()));
    assert_eq!(run(&model(&table("hitPolicy=\"PRIORITY\"", &rows)), 3), Value::String("high".into()));
    assert_eq!(run(&model(&table("hitPolicy=\"ANY\"", &rows)), 3), Value::Null);
    assert_eq!(run(&model(&table("hitPolicy=\"RULE ORDER\"", &rows)), 3).to_string(), "[\"low\", \"high\"]");
    assert_eq!(run(&model(&table("hitPolicy=\"OUTPUT ORDER\"", &rows)), 3).to_string(), "[\"high\", \"low\"]");
    let nums = [("&gt; 1", "\"high\""), ("&gt; 2", "\"high\"")];
    assert_eq!(run(&model(&table("hitPolicy=\"COLLECT\" aggregation=\"COUNT\"", &nums)), 3), Value::number(1));
    assert_eq!(run(&model(&table("hitPolicy=\"COLLECT\"", &nums)), 0), Value::Null);
}

#[test]
fn bkm_invocation_and_cycles() {
    let m = model(
        "<businessKnowledgeModel id=\"b\" name=\"double\"><encapsulatedLogic><formalParameter name=\"n\"/>\
         <literalExpression><text>n * 2</text></literalExpression></encapsulatedLogic></businessKnowledgeModel>\
         <decision id=\"d\" name=\"D\"><literalExpression><text>double(21)</text></literalExpression></decision>\
         <decision id=\"a\" name=\"A\"><informationRequirement><requiredDecision href=\"#b2\"/></informationRequirement>\
         <literalExpression><text>B</text></literalExpression></decision>\
         <decision id=\"b2\" name=\"B\"><informationRequirement><requiredDecision href=\"#a\"/></informationRequirement>\
         <literalExpression><text>A</text></literalExpression></decision>",
    );
    assert_eq!(m.evaluate("D", &[]), Ok(Value::number(42)));
    assert_eq!(m.evaluate("A", &[]), Err(ModelError::Cycle("A".into())));
    assert_eq!(m.evaluate("Nope", &[]), Err(ModelError::UnknownDecision("Nope".into())));
}

#[test]
fn bad_feel_names_the_element_and_the_rest_loads() {
    let m = model(
        "<decision id=\"d1\" name=\"D\"><literalExpression id=\"lit\"><text>1 + (2</text></literalExpression></decision>\
         <decision id=\"d2\" name=\"E\"><literalExpression><text>nosuch(2)</text></literalExpression></decision>\
         <decision id=\"d3\" name=\"F\"><literalExpression><text>1 + 2</text></literalExpression></decision>",
    );
    let err = m.evaluate("D", &[]).expect_err("does not parse");
    assert!(matches!(err, ModelError::Feel { ref element, .. } if element == "lit"), "{err:?}");
    assert!(m.evaluate("E", &[]).expect_err("unknown").to_string().contains("unknown function `nosuch`"));
    assert_eq!(m.evaluate("F", &[]), Ok(Value::number(3)));
    assert_eq!(m.problems().len(), 2);
}

/// A decision whose boxed expression cannot be read (an unknown hit policy, nesting too deep)
/// fails alone, with its element id; the decisions that do not need it still evaluate.
#[test]
fn an_unreadable_decision_fails_alone() {
    let deep = format!(
        "{}<literalExpression><text>1</text></literalExpression>{}",
        "<context><contextEntry>".repeat(70),
        "</contextEntry></context>".repeat(70)
    );
    let m = model(&format!(
        "<decision id=\"d1\" name=\"D\"><decisionTable id=\"t1\" hitPolicy=\"SOMETIMES\"><output id=\"o\"/></decisionTable></decision>\
         <decision id=\"d2\" name=\"E\">{deep}</decision>\
         <decision id=\"d3\" name=\"F\"><literalExpression><text>1 + 2</text></literalExpression></decision>\
         <decision id=\"d4\" name=\"G\"><informationRequirement><requiredDecision href=\"#d1\"/></informationRequirement>\
         <literalExpression><text>D + 1</text></literalExpression></decision>"
    ));
    assert_eq!(m.evaluate("F", &[]), Ok(Value::number(3)));
    let err = m.evaluate("D", &[]).expect_err("unknown hit policy");
    assert!(matches!(err, ModelError::Invalid { ref element, .. } if element == "d1"), "{err:?}");
    assert!(err.to_string().contains("SOMETIMES") && err.to_string().contains("t1"), "{err}");
    let err = m.evaluate("E", &[]).expect_err("too deep");
    assert!(
        matches!(err, ModelError::Invalid { ref element, source: XmlError::TooDeep { .. } } if element == "d2"),
        "{err:?}"
    );
    // A decision that needs the broken one reports it.
    assert!(matches!(m.evaluate("G", &[]), Err(ModelError::Invalid { ref element, .. }) if element == "d1"));
    assert_eq!(m.problems().len(), 2);
}

#[test]
fn boxed_list_relation_and_types() {
    let m = model(
        "<decision id=\"d\" name=\"D\"><variable name=\"D\" typeRef=\"number\"/>\
         <literalExpression><text>\"not a number\"</text></literalExpression></decision>\
         <decision id=\"l\" name=\"L\"><list><literalExpression><text>1</text></literalExpression>\
         <literalExpression><text>1 + 1</text></literalExpression></list></decision>\
         <decision id=\"r\" name=\"R\"><relation><column name=\"a\"/><row><literalExpression><text>7</text>\
         </literalExpression></row></relation></decision>",
    );
    assert_eq!(m.evaluate("D", &[]), Ok(Value::Null));
    assert_eq!(m.evaluate("L", &[]).map(|v| v.to_string()), Ok("[1, 2]".into()));
    assert_eq!(m.evaluate("R", &[]).map(|v| v.to_string()), Ok("[{a: 7}]".into()));
}

/// Imported models are found by namespace; their decisions, inputs and business knowledge
/// models are reached after the import's name. An import cycle stops instead of recursing.
#[test]
fn imports_by_namespace_nested_and_cyclic() {
    let def = |ns: &str, body: &str| {
        format!("<definitions xmlns=\"https://www.omg.org/spec/DMN/20191111/MODEL/\" name=\"{ns}\" namespace=\"{ns}\">{body}</definitions>")
    };
    let a = def(
        "urn:a",
        "<import namespace=\"urn:c\" name=\"back\"/>\
         <inputData id=\"i\" name=\"Person name\"><variable name=\"Person name\" typeRef=\"string\"/></inputData>\
         <decision id=\"g\" name=\"Greeting\"><informationRequirement><requiredInput href=\"#i\"/></informationRequirement>\
         <literalExpression><text>\"Hello, \" + Person name</text></literalExpression></decision>\
         <businessKnowledgeModel id=\"b\" name=\"Shout\"><encapsulatedLogic><formalParameter name=\"x\"/>\
         <literalExpression><text>upper case(x)</text></literalExpression></encapsulatedLogic></businessKnowledgeModel>",
    );
    let b = def(
        "urn:b",
        "<import namespace=\"urn:a\" name=\"model A\"/>\
         <decision id=\"e\" name=\"Echo\"><literalExpression><text>model A.Greeting + \"!\"</text></literalExpression></decision>",
    );
    let c = def(
        "urn:c",
        "<import namespace=\"urn:b\" name=\"Model B\"/><import namespace=\"urn:a\" name=\"a\"/>\
         <decision id=\"d\" name=\"D\"><literalExpression><text>a.Shout(Model B.Echo)</text></literalExpression></decision>",
    );
    let m = Model::load_with_imports(&c, &[a, b]).unwrap_or_else(|e| panic!("{e}"));
    let v = m.evaluate("D", &[("Person name".into(), Value::String("Ann".into()))]);
    assert_eq!(v, Ok(Value::String("HELLO, ANN!".into())));
    // Without the library the import is left out and the name is unknown.
    assert_eq!(Model::load(&c).map(|m| m.evaluate("D", &[]).is_err()).ok(), Some(true));
}
