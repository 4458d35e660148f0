//! Reading DMN XML (versions 1.1 to 1.5) and the Dutch STTR extensions into a plain model.
//!
//! Only this file knows about XML. It checks that the file is XML, that the root is a DMN
//! `definitions` element, and that hit policies are known; everything else (FEEL texts, references
//! between elements) is kept as written and checked by the phases that use it.
//!
//! ```
//! use rules_core::dmn::xml::{read, HitPolicy};
//!
//! let model = read(r##"<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="Voorbeeld">
//!   <inputData id="i" name="Hoogte"><variable name="Hoogte" typeRef="number"/></inputData>
//!   <decision id="c" name="Conclusie">
//!     <informationRequirement><requiredInput href="#i"/></informationRequirement>
//!     <decisionTable hitPolicy="FIRST">
//!       <input id="c1"><inputExpression><text>Hoogte</text></inputExpression></input>
//!       <output id="o1"/>
//!       <rule id="r1"><inputEntry id="e1"><text>&gt; 5</text></inputEntry><outputEntry id="x1"><text>"Vergunningplicht"</text></outputEntry></rule>
//!     </decisionTable>
//!   </decision>
//! </definitions>"##).unwrap();
//! assert_eq!(model.name, "Voorbeeld");
//! assert_eq!(model.decisions[0].required_inputs, vec!["i".to_string()]);
//! let rules_core::dmn::xml::Expression::Table(table) = &model.decisions[0].logic.as_ref().unwrap().expression else { panic!() };
//! assert_eq!(table.hit_policy, HitPolicy::First);
//! assert_eq!(table.rules[0].input_entries[0].text, "> 5");
//! ```

use std::collections::BTreeMap;

use roxmltree::{Document, Node};
use thiserror::Error;

/// A position in the DMN file (1-based), for diagnostics that point into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// Why a file could not be read as DMN.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum XmlError {
    #[error("not well-formed XML: {0}")]
    NotXml(String),
    #[error("not a DMN file: the root element is <{root}> in namespace {namespace:?}; expected <definitions> in a DMN namespace such as https://www.omg.org/spec/DMN/20191111/MODEL/")]
    NotDmn { root: String, namespace: Option<String> },
    #[error("line {}:{}: <{element}> has no `{attribute}` attribute", pos.line, pos.column)]
    MissingAttribute { element: String, attribute: &'static str, pos: Pos },
    #[error("line {}:{}: unknown hit policy \"{value}\" in decision table {id}; expected UNIQUE, FIRST, PRIORITY, ANY, COLLECT, RULE ORDER or OUTPUT ORDER", pos.line, pos.column)]
    UnknownHitPolicy { id: String, value: String, pos: Pos },
    #[error("line {}:{}: boxed expressions nested more than 64 deep", pos.line, pos.column)]
    TooDeep { pos: Pos },
    #[error("line {}:{}: unknown aggregation \"{value}\" in decision table {id}; expected SUM, MIN, MAX or COUNT", pos.line, pos.column)]
    UnknownAggregation { id: String, value: String, pos: Pos },
}

/// The DMN version, from the namespace of the root element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DmnVersion {
    V1_1,
    V1_2,
    V1_3,
    V1_4,
    V1_5,
}

impl DmnVersion {
    pub fn name(self) -> &'static str {
        match self {
            DmnVersion::V1_1 => "1.1",
            DmnVersion::V1_2 => "1.2",
            DmnVersion::V1_3 => "1.3",
            DmnVersion::V1_4 => "1.4",
            DmnVersion::V1_5 => "1.5",
        }
    }

    fn from_namespace(ns: &str) -> Option<DmnVersion> {
        if !ns.contains("omg.org/spec/DMN/") {
            return None;
        }
        Some(if ns.contains("20151101") {
            DmnVersion::V1_1
        } else if ns.contains("20180521") {
            DmnVersion::V1_2
        } else if ns.contains("20191111") {
            DmnVersion::V1_3
        } else if ns.contains("20211108") {
            DmnVersion::V1_4
        } else if ns.contains("20230324") {
            DmnVersion::V1_5
        } else {
            return None;
        })
    }
}

/// A DMN `definitions` document.
#[derive(Debug, Clone, Default)]
pub struct Definitions {
    pub id: String,
    pub name: String,
    pub namespace: String,
    pub version: Option<DmnVersion>,
    pub item_definitions: Vec<ItemDefinition>,
    pub inputs: Vec<InputData>,
    pub decisions: Vec<Decision>,
    pub bkms: Vec<Bkm>,
    pub decision_services: Vec<DecisionService>,
    /// `import`: namespace and name of the imported models.
    pub imports: Vec<(String, String)>,
    /// `inter:regelgroepen`: question groups.
    pub groups: Vec<RuleGroup>,
    /// `uitv:uitvoeringsregels`: questions, location questions, fixed values, attachments.
    pub execution_rules: Vec<ExecutionRule>,
    /// Where each element with an `id` starts in the file.
    pub positions: BTreeMap<String, Pos>,
}

impl Definitions {
    pub fn position(&self, id: &str) -> Option<Pos> {
        self.positions.get(id).copied()
    }

    pub fn input_by_id(&self, id: &str) -> Option<&InputData> {
        self.inputs.iter().find(|i| i.id == id)
    }

    pub fn decision_by_id(&self, id: &str) -> Option<&Decision> {
        self.decisions.iter().find(|d| d.id == id)
    }

    pub fn execution_rule(&self, id: &str) -> Option<&ExecutionRule> {
        self.execution_rules.iter().find(|r| r.id == id)
    }

    pub fn item_definition(&self, name: &str) -> Option<&ItemDefinition> {
        let local = name.rsplit(':').next().unwrap_or(name);
        self.item_definitions.iter().find(|i| i.name == name || i.name == local)
    }
}

#[derive(Debug, Clone, Default)]
pub struct ItemDefinition {
    pub name: String,
    pub type_ref: Option<String>,
    pub is_collection: bool,
    /// `allowedValues` as FEEL unary tests.
    pub allowed_values: Option<String>,
    pub components: Vec<ItemDefinition>,
    /// `functionItem/@outputTypeRef`: the result type of a function type (a decision service's).
    pub function_output: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct InputData {
    pub id: String,
    pub name: String,
    pub label: Option<String>,
    pub type_ref: Option<String>,
    /// `uitv:uitvoeringsregelRef`: the question (or fixed value) that supplies this input.
    pub execution_rule: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Decision {
    pub id: String,
    pub name: String,
    pub label: Option<String>,
    pub type_ref: Option<String>,
    pub required_inputs: Vec<String>,
    pub required_decisions: Vec<String>,
    pub required_knowledge: Vec<String>,
    /// `bedr:functioneleStructuurRef`: the activity the top decision concludes about.
    pub activity_ref: Option<String>,
    pub logic: Option<Logic>,
}

/// A boxed expression with the id of its element.
#[derive(Debug, Clone)]
pub struct Logic {
    pub id: String,
    pub expression: Expression,
}

#[derive(Debug, Clone)]
pub enum Expression {
    Literal {
        text: String,
        type_ref: Option<String>,
    },
    Table(DecisionTable),
    /// A boxed context: entries in order, the last one without a name gives the result.
    Context(Vec<ContextEntry>),
    /// A boxed invocation of a business knowledge model.
    Invocation {
        function: String,
        bindings: Vec<(String, Option<Logic>)>,
    },
    /// A boxed relation: column names and rows of cells.
    Relation {
        columns: Vec<String>,
        rows: Vec<Vec<Logic>>,
    },
    /// A boxed list.
    List(Vec<Logic>),
    /// A boxed conditional (DMN 1.5): `if`, `then`, `else`.
    Conditional(Box<[Logic; 3]>),
    /// A boxed filter (DMN 1.5): the list and the condition.
    Filter(Box<[Logic; 2]>),
    /// A boxed `for`, `some` or `every` (DMN 1.5) over `in`, giving `return` / `satisfies`.
    Iterator {
        kind: String,
        variable: String,
        parts: Box<[Logic; 2]>,
    },
    /// A boxed function definition (`kind`: FEEL, Java or PMML).
    Function {
        kind: Option<String>,
        parameters: Vec<(String, Option<String>)>,
        body: Option<Box<Logic>>,
    },
    /// An element this reader does not know.
    Unsupported(String),
    /// A boxed expression that could not be read (an unknown hit policy, nesting too deep): the
    /// decision or business knowledge model holding it fails on its own, the rest of the model loads.
    Invalid(XmlError),
}

/// A decision service: output decisions computed from input data and input decisions.
#[derive(Debug, Clone, Default)]
pub struct DecisionService {
    pub id: String,
    pub name: String,
    pub outputs: Vec<String>,
    pub encapsulated: Vec<String>,
    pub input_decisions: Vec<String>,
    pub input_data: Vec<String>,
    /// The variable's type: a function type whose output type applies to the service's result.
    pub type_ref: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ContextEntry {
    pub name: Option<String>,
    pub type_ref: Option<String>,
    pub value: Logic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitPolicy {
    Unique,
    First,
    Priority,
    Any,
    Collect,
    RuleOrder,
    OutputOrder,
}

impl HitPolicy {
    pub fn name(self) -> &'static str {
        match self {
            HitPolicy::Unique => "UNIQUE",
            HitPolicy::First => "FIRST",
            HitPolicy::Priority => "PRIORITY",
            HitPolicy::Any => "ANY",
            HitPolicy::Collect => "COLLECT",
            HitPolicy::RuleOrder => "RULE ORDER",
            HitPolicy::OutputOrder => "OUTPUT ORDER",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregation {
    Sum,
    Min,
    Max,
    Count,
}

#[derive(Debug, Clone)]
pub struct DecisionTable {
    pub id: String,
    pub hit_policy: HitPolicy,
    pub aggregation: Option<Aggregation>,
    pub output_label: Option<String>,
    pub type_ref: Option<String>,
    pub inputs: Vec<TableInput>,
    pub outputs: Vec<TableOutput>,
    pub annotations: Vec<String>,
    pub rules: Vec<TableRule>,
}

#[derive(Debug, Clone, Default)]
pub struct TableInput {
    pub id: String,
    pub label: Option<String>,
    pub expression: String,
    pub type_ref: Option<String>,
    /// `inputValues` as FEEL unary tests.
    pub values: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct TableOutput {
    pub id: String,
    pub name: Option<String>,
    pub label: Option<String>,
    pub type_ref: Option<String>,
    /// `outputValues`: the allowed outputs, in priority order for PRIORITY and OUTPUT ORDER.
    pub values: Option<String>,
    pub default: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct TableRule {
    pub id: String,
    pub input_entries: Vec<Entry>,
    pub output_entries: Vec<Entry>,
    pub annotations: Vec<String>,
}

/// A cell of a decision table. `explanation` is the STTR `content:conclusieToelichting`.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    pub id: String,
    pub text: String,
    pub explanation: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Bkm {
    pub id: String,
    pub name: String,
    /// The declared type of the result (`variable typeRef`).
    pub type_ref: Option<String>,
    pub parameters: Vec<(String, Option<String>)>,
    pub required_knowledge: Vec<String>,
    pub body: Option<Logic>,
}

/// `inter:regelgroep`.
#[derive(Debug, Clone, Default)]
pub struct RuleGroup {
    pub id: String,
    pub name: String,
    pub priority: Option<i64>,
}

/// `uitv:uitvoeringsregel`: how one input gets its value.
#[derive(Debug, Clone)]
pub struct ExecutionRule {
    pub id: String,
    pub group: Option<String>,
    pub priority: Option<i64>,
    pub kind: RuleKind,
    /// `content:toelichting` (markdown).
    pub help: Option<String>,
    /// `content:langeToelichting`.
    pub long_help: Option<String>,
}

#[derive(Debug, Clone)]
pub enum RuleKind {
    /// `uitv:vraag`.
    Question(Question),
    /// `uitv:geoVerwijzing`: answered from the location (ja / nee / deels).
    Location { areas: Vec<String>, text: Option<String> },
    /// `uitv:vasteWaarde`: never asked.
    Fixed(FixedValue),
    /// `uitv:vasteWaardeVoorbehoud`: a fixed value that is an assumption shown to the resident.
    FixedWithCaveat { value: FixedValue, caveat: String },
    /// `uitv:bijlage`: an attachment the resident must add.
    Attachment { kind: String },
    /// An element this reader does not know.
    Other(String),
}

#[derive(Debug, Clone, Default)]
pub struct Question {
    /// `boolean`, `number`, `string`, `list`, `date`, ...
    pub data_type: String,
    pub text: String,
    pub options: Vec<QuestionOption>,
    /// `uitv:optieType` `meerdereAntwoorden`: several options may be chosen.
    pub multiple: bool,
}

#[derive(Debug, Clone, Default)]
pub struct QuestionOption {
    pub text: String,
    pub help: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct FixedValue {
    pub question: String,
    pub value: String,
    pub data_type: String,
}

/// Read a DMN document.
pub fn read(text: &str) -> Result<Definitions, XmlError> {
    let doc = Document::parse(text).map_err(|e| XmlError::NotXml(e.to_string()))?;
    let root = doc.root_element();
    let ns = root.tag_name().namespace();
    let version = ns.and_then(DmnVersion::from_namespace);
    if root.tag_name().name() != "definitions" || version.is_none() {
        return Err(XmlError::NotDmn { root: root.tag_name().name().to_string(), namespace: ns.map(String::from) });
    }
    let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let reader = Reader {
        doc: &doc,
        text,
        line_starts,
        last_column: std::cell::Cell::new((0, 1)),
        dmn_ns: ns.unwrap_or_default().to_string(),
        depth: std::cell::Cell::new(0),
    };
    reader.definitions(root, version)
}

struct Reader<'a, 'input> {
    doc: &'a Document<'input>,
    text: &'input str,
    /// Byte offsets where lines start, so a position is a binary search, not a scan from the start
    /// (which made reading a 20,000-row table quadratic).
    line_starts: Vec<usize>,
    /// The last position asked for: (byte offset, column).
    last_column: std::cell::Cell<(usize, usize)>,
    dmn_ns: String,
    /// Nesting of boxed expressions being read (contexts in contexts), bounded.
    depth: std::cell::Cell<usize>,
}

/// Which extension vocabulary an element belongs to (namespaces differ between STTR versions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ext {
    Inter,
    Uitv,
    Content,
    Bedr,
}

fn ext_of(node: Node) -> Option<Ext> {
    let ns = node.tag_name().namespace()?.to_ascii_lowercase();
    if ns.contains("interactieregel") {
        Some(Ext::Inter)
    } else if ns.contains("uitvoeringsregel") {
        Some(Ext::Uitv)
    } else if ns.contains("content") {
        Some(Ext::Content)
    } else if ns.contains("bedrijfsregel") {
        Some(Ext::Bedr)
    } else {
        None
    }
}

fn local<'a>(node: Node<'a, '_>) -> &'a str {
    node.tag_name().name()
}

/// All text inside an element (CDATA included), trimmed.
fn all_text(node: Node) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        if d.is_text() {
            out.push_str(d.text().unwrap_or(""));
        }
    }
    out.trim().to_string()
}

fn href_id(href: &str) -> String {
    match href.rsplit_once('#') {
        Some((_, id)) => id.to_string(),
        None => href.to_string(),
    }
}

fn parse_int(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

impl<'a, 'input> Reader<'a, 'input> {
    fn pos(&self, node: Node) -> Pos {
        let offset = node.range().start.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        // Columns count characters; count on from the last position on the same line (elements come
        // in document order), so a file written on one long line stays linear too.
        let (mut start, mut column) = (self.line_starts[line - 1], 1);
        let (last_offset, last_column) = self.last_column.get();
        if last_offset >= start && last_offset <= offset {
            (start, column) = (last_offset, last_column);
        }
        column += self.text.get(start..offset).map_or(0, |t| t.chars().count());
        self.last_column.set((offset, column));
        Pos { line: line as u32, column: column as u32 }
    }

    fn is_dmn(&self, node: Node, name: &str) -> bool {
        node.is_element() && local(node) == name && node.tag_name().namespace() == Some(self.dmn_ns.as_str())
    }

    fn dmn_children<'n>(&self, node: Node<'n, 'input>, name: &'n str) -> impl Iterator<Item = Node<'n, 'input>> + 'n
    where
        'a: 'n,
    {
        let ns = self.dmn_ns.clone();
        node.children()
            .filter(move |c| c.is_element() && local(*c) == name && c.tag_name().namespace() == Some(ns.as_str()))
    }

    fn dmn_child<'n>(&self, node: Node<'n, 'input>, name: &'n str) -> Option<Node<'n, 'input>>
    where
        'a: 'n,
    {
        self.dmn_children(node, name).next()
    }

    /// The text of the `<text>` child.
    fn text_child(&self, node: Node) -> Option<String> {
        self.dmn_child(node, "text").map(all_text)
    }

    fn require<'n>(&self, node: Node<'n, 'input>, attribute: &'static str) -> Result<&'n str, XmlError> {
        node.attribute(attribute).ok_or_else(|| XmlError::MissingAttribute {
            element: local(node).to_string(),
            attribute,
            pos: self.pos(node),
        })
    }

    fn definitions(&self, root: Node, version: Option<DmnVersion>) -> Result<Definitions, XmlError> {
        let mut defs = Definitions {
            id: root.attribute("id").unwrap_or_default().to_string(),
            name: root.attribute("name").unwrap_or_default().to_string(),
            namespace: root.attribute("namespace").unwrap_or_default().to_string(),
            version,
            ..Definitions::default()
        };
        for node in self.doc.descendants().filter(Node::is_element) {
            if let Some(id) = node.attribute("id") {
                defs.positions.entry(id.to_string()).or_insert_with(|| self.pos(node));
            }
        }
        for child in root.children().filter(Node::is_element) {
            if self.is_dmn(child, "extensionElements") {
                self.sttr_extensions(child, &mut defs);
            } else if self.is_dmn(child, "itemDefinition") {
                defs.item_definitions.push(self.item_definition(child, 0));
            } else if self.is_dmn(child, "inputData") {
                defs.inputs.push(self.input_data(child)?);
            } else if self.is_dmn(child, "decision") {
                defs.decisions.push(self.decision(child)?);
            } else if self.is_dmn(child, "businessKnowledgeModel") {
                defs.bkms.push(self.bkm(child)?);
            } else if self.is_dmn(child, "decisionService") {
                let hrefs = |name: &str| -> Vec<String> {
                    self.dmn_children(child, name).filter_map(|c| c.attribute("href")).map(href_id).collect()
                };
                defs.decision_services.push(DecisionService {
                    id: self.require(child, "id")?.to_string(),
                    name: self.require(child, "name")?.to_string(),
                    outputs: hrefs("outputDecision"),
                    encapsulated: hrefs("encapsulatedDecision"),
                    input_decisions: hrefs("inputDecision"),
                    input_data: hrefs("inputData"),
                    type_ref: self.variable_type(child),
                });
            } else if self.is_dmn(child, "import") {
                defs.imports.push((
                    child.attribute("namespace").unwrap_or_default().to_string(),
                    child.attribute("name").unwrap_or_default().to_string(),
                ));
            }
        }
        Ok(defs)
    }

    /// Components nest; deeper than 32 levels they are dropped (no real type nests that deep, and a
    /// hostile file must not exhaust the stack).
    fn item_definition(&self, node: Node, depth: usize) -> ItemDefinition {
        ItemDefinition {
            name: node.attribute("name").unwrap_or_default().to_string(),
            type_ref: self.dmn_child(node, "typeRef").map(all_text),
            is_collection: node.attribute("isCollection") == Some("true"),
            allowed_values: self.dmn_child(node, "allowedValues").and_then(|a| self.text_child(a)),
            components: if depth < 32 {
                self.dmn_children(node, "itemComponent").map(|c| self.item_definition(c, depth + 1)).collect()
            } else {
                Vec::new()
            },
            function_output: self
                .dmn_child(node, "functionItem")
                .and_then(|f| f.attribute("outputTypeRef"))
                .map(String::from),
        }
    }

    fn variable_type(&self, node: Node) -> Option<String> {
        self.dmn_child(node, "variable").and_then(|v| v.attribute("typeRef")).map(String::from)
    }

    fn input_data(&self, node: Node) -> Result<InputData, XmlError> {
        let execution_rule = self
            .dmn_child(node, "extensionElements")
            .into_iter()
            .flat_map(|e| e.children())
            .find(|c| c.is_element() && ext_of(*c) == Some(Ext::Uitv) && local(*c) == "uitvoeringsregelRef")
            .and_then(|c| c.attribute("href"))
            .map(href_id);
        Ok(InputData {
            id: self.require(node, "id")?.to_string(),
            name: self.require(node, "name")?.to_string(),
            label: node.attribute("label").map(String::from),
            type_ref: self.variable_type(node),
            execution_rule,
        })
    }

    fn decision(&self, node: Node) -> Result<Decision, XmlError> {
        let name = self.require(node, "name")?.to_string();
        let mut d = Decision {
            // The XSD makes `id` optional; references then go by name.
            id: node.attribute("id").unwrap_or_default().to_string(),
            name,
            label: node.attribute("label").map(String::from),
            type_ref: self.variable_type(node),
            ..Decision::default()
        };
        for req in self.dmn_children(node, "informationRequirement") {
            for r in req.children().filter(Node::is_element) {
                let Some(href) = r.attribute("href") else { continue };
                match local(r) {
                    "requiredInput" => d.required_inputs.push(href_id(href)),
                    "requiredDecision" => d.required_decisions.push(href_id(href)),
                    _ => {}
                }
            }
        }
        for req in self.dmn_children(node, "knowledgeRequirement") {
            if let Some(href) = self.dmn_child(req, "requiredKnowledge").and_then(|r| r.attribute("href")) {
                d.required_knowledge.push(href_id(href));
            }
        }
        if let Some(ext) = self.dmn_child(node, "extensionElements") {
            d.activity_ref = ext
                .children()
                .find(|c| c.is_element() && ext_of(*c) == Some(Ext::Bedr) && local(*c) == "functioneleStructuurRef")
                .and_then(|c| c.attribute("href"))
                .map(|h| h.trim_start_matches('#').to_string());
        }
        d.logic = self.logic_or_invalid(node, &d.id);
        Ok(d)
    }

    /// The boxed expression of a decision or business knowledge model (`owner`), or an
    /// [`Expression::Invalid`] under the owner's id when it cannot be read.
    fn logic_or_invalid(&self, node: Node, owner: &str) -> Option<Logic> {
        self.logic_in(node)
            .unwrap_or_else(|e| Some(Logic { id: owner.to_string(), expression: Expression::Invalid(e) }))
    }

    /// The boxed expression among the children of `node`, if any.
    fn logic_in(&self, node: Node) -> Result<Option<Logic>, XmlError> {
        const SKIP: [&str; 9] = [
            "variable",
            "informationRequirement",
            "knowledgeRequirement",
            "authorityRequirement",
            "extensionElements",
            "description",
            "question",
            "allowedAnswers",
            "formalParameter",
        ];
        for child in node.children().filter(Node::is_element) {
            if child.tag_name().namespace() != Some(self.dmn_ns.as_str()) || SKIP.contains(&local(child)) {
                continue;
            }
            return self.logic(child).map(Some);
        }
        Ok(None)
    }

    fn logic(&self, node: Node) -> Result<Logic, XmlError> {
        if self.depth.get() >= 64 {
            return Err(XmlError::TooDeep { pos: self.pos(node) });
        }
        self.depth.set(self.depth.get() + 1);
        let result = self.logic_at(node);
        self.depth.set(self.depth.get().saturating_sub(1));
        result
    }

    fn logic_at(&self, node: Node) -> Result<Logic, XmlError> {
        let id = node.attribute("id").unwrap_or_default().to_string();
        let expression = match local(node) {
            "literalExpression" => Expression::Literal {
                text: self.text_child(node).unwrap_or_default(),
                type_ref: node.attribute("typeRef").map(String::from),
            },
            "decisionTable" => Expression::Table(self.table(node)?),
            "context" => {
                let mut entries = Vec::new();
                for entry in self.dmn_children(node, "contextEntry") {
                    let variable = self.dmn_child(entry, "variable");
                    let Some(value) = self.logic_in(entry)? else { continue };
                    entries.push(ContextEntry {
                        name: variable.and_then(|v| v.attribute("name")).map(String::from),
                        type_ref: variable.and_then(|v| v.attribute("typeRef")).map(String::from),
                        value,
                    });
                }
                Expression::Context(entries)
            }
            "invocation" => {
                let function =
                    self.dmn_child(node, "literalExpression").and_then(|l| self.text_child(l)).unwrap_or_default();
                let mut bindings = Vec::new();
                for b in self.dmn_children(node, "binding") {
                    let name = self
                        .dmn_child(b, "parameter")
                        .and_then(|p| p.attribute("name"))
                        .unwrap_or_default()
                        .to_string();
                    // The binding's expression is the child after its <parameter>, never the parameter.
                    let value =
                        match b.children().filter(Node::is_element).find(|c| {
                            c.tag_name().namespace() == Some(self.dmn_ns.as_str()) && local(*c) != "parameter"
                        }) {
                            Some(expression) => Some(self.logic(expression)?),
                            None => None,
                        };
                    bindings.push((name, value));
                }
                Expression::Invocation { function, bindings }
            }
            "relation" => {
                let columns: Vec<String> = self
                    .dmn_children(node, "column")
                    .map(|c| c.attribute("name").unwrap_or_default().to_string())
                    .collect();
                let mut rows = Vec::new();
                for row in self.dmn_children(node, "row") {
                    let mut cells = Vec::new();
                    for cell in row.children().filter(Node::is_element) {
                        cells.push(self.logic(cell)?);
                    }
                    rows.push(cells);
                }
                Expression::Relation { columns, rows }
            }
            "list" => {
                let mut items = Vec::new();
                for item in node.children().filter(Node::is_element) {
                    items.push(self.logic(item)?);
                }
                Expression::List(items)
            }
            "conditional" => Expression::Conditional(Box::new([
                self.part(node, "if")?,
                self.part(node, "then")?,
                self.part(node, "else")?,
            ])),
            "filter" => Expression::Filter(Box::new([self.part(node, "in")?, self.part(node, "match")?])),
            kind @ ("for" | "some" | "every") => {
                let body = if kind == "for" { "return" } else { "satisfies" };
                Expression::Iterator {
                    kind: kind.to_string(),
                    variable: node.attribute("iteratorVariable").unwrap_or_default().to_string(),
                    parts: Box::new([self.part(node, "in")?, self.part(node, body)?]),
                }
            }
            "functionDefinition" => Expression::Function {
                kind: node.attribute("kind").map(String::from),
                parameters: self
                    .dmn_children(node, "formalParameter")
                    .map(|p| {
                        (p.attribute("name").unwrap_or_default().to_string(), p.attribute("typeRef").map(String::from))
                    })
                    .collect(),
                body: self.logic_in(node)?.map(Box::new),
            },
            other => Expression::Unsupported(other.to_string()),
        };
        Ok(Logic { id, expression })
    }

    /// The boxed expression inside the child `name` of `node` (`<if>`, `<in>`, ...); an empty one
    /// when it is missing.
    fn part(&self, node: Node, name: &str) -> Result<Logic, XmlError> {
        let Some(child) = self.dmn_child(node, name) else {
            return Ok(Logic {
                id: String::new(),
                expression: Expression::Literal { text: String::new(), type_ref: None },
            });
        };
        Ok(self.logic_in(child)?.unwrap_or(Logic {
            id: String::new(),
            expression: Expression::Literal { text: String::new(), type_ref: None },
        }))
    }

    fn table(&self, node: Node) -> Result<DecisionTable, XmlError> {
        let id = node.attribute("id").unwrap_or_default().to_string();
        let hit = node.attribute("hitPolicy").unwrap_or("UNIQUE").trim();
        let hit_policy = match hit.to_ascii_uppercase().replace('_', " ").as_str() {
            "UNIQUE" => HitPolicy::Unique,
            "FIRST" => HitPolicy::First,
            "PRIORITY" => HitPolicy::Priority,
            "ANY" => HitPolicy::Any,
            "COLLECT" => HitPolicy::Collect,
            "RULE ORDER" => HitPolicy::RuleOrder,
            "OUTPUT ORDER" => HitPolicy::OutputOrder,
            _ => return Err(XmlError::UnknownHitPolicy { id, value: hit.to_string(), pos: self.pos(node) }),
        };
        let aggregation = match node.attribute("aggregation").map(|a| a.trim().to_ascii_uppercase()) {
            None => None,
            Some(a) => Some(match a.as_str() {
                "SUM" => Aggregation::Sum,
                "MIN" => Aggregation::Min,
                "MAX" => Aggregation::Max,
                "COUNT" => Aggregation::Count,
                _ => return Err(XmlError::UnknownAggregation { id, value: a, pos: self.pos(node) }),
            }),
        };
        let inputs = self
            .dmn_children(node, "input")
            .map(|i| {
                let expr = self.dmn_child(i, "inputExpression");
                TableInput {
                    id: i.attribute("id").unwrap_or_default().to_string(),
                    label: i.attribute("label").map(String::from),
                    expression: expr.and_then(|e| self.text_child(e)).unwrap_or_default(),
                    type_ref: expr.and_then(|e| e.attribute("typeRef")).map(String::from),
                    values: self.dmn_child(i, "inputValues").and_then(|v| self.text_child(v)),
                }
            })
            .collect();
        let outputs = self
            .dmn_children(node, "output")
            .map(|o| TableOutput {
                id: o.attribute("id").unwrap_or_default().to_string(),
                name: o.attribute("name").map(String::from),
                label: o.attribute("label").map(String::from),
                type_ref: o.attribute("typeRef").map(String::from),
                values: self.dmn_child(o, "outputValues").and_then(|v| self.text_child(v)),
                default: self.dmn_child(o, "defaultOutputEntry").and_then(|v| self.text_child(v)),
            })
            .collect();
        let annotations = self
            .dmn_children(node, "annotation")
            .map(|a| a.attribute("name").unwrap_or_default().to_string())
            .collect();
        let rules = self.dmn_children(node, "rule").map(|r| self.rule(r)).collect();
        Ok(DecisionTable {
            id,
            hit_policy,
            aggregation,
            output_label: node.attribute("outputLabel").map(String::from),
            type_ref: node.attribute("typeRef").map(String::from),
            inputs,
            outputs,
            annotations,
            rules,
        })
    }

    fn rule(&self, node: Node) -> TableRule {
        let entry = |e: Node| Entry {
            id: e.attribute("id").unwrap_or_default().to_string(),
            text: self.text_child(e).unwrap_or_default(),
            explanation: self.dmn_child(e, "extensionElements").and_then(|x| {
                x.descendants()
                    .find(|c| c.is_element() && ext_of(*c) == Some(Ext::Content) && local(*c) == "toelichting")
                    .map(all_text)
                    .filter(|t| !t.is_empty())
            }),
        };
        TableRule {
            id: node.attribute("id").unwrap_or_default().to_string(),
            input_entries: self.dmn_children(node, "inputEntry").map(entry).collect(),
            output_entries: self.dmn_children(node, "outputEntry").map(entry).collect(),
            annotations: self.dmn_children(node, "annotationEntry").filter_map(|a| self.text_child(a)).collect(),
        }
    }

    fn bkm(&self, node: Node) -> Result<Bkm, XmlError> {
        let mut bkm = Bkm {
            id: self.require(node, "id")?.to_string(),
            name: self.require(node, "name")?.to_string(),
            type_ref: self.variable_type(node),
            ..Bkm::default()
        };
        for req in self.dmn_children(node, "knowledgeRequirement") {
            if let Some(href) = self.dmn_child(req, "requiredKnowledge").and_then(|r| r.attribute("href")) {
                bkm.required_knowledge.push(href_id(href));
            }
        }
        if let Some(logic) = self.dmn_child(node, "encapsulatedLogic") {
            bkm.parameters = self
                .dmn_children(logic, "formalParameter")
                .map(|p| {
                    (p.attribute("name").unwrap_or_default().to_string(), p.attribute("typeRef").map(String::from))
                })
                .collect();
            bkm.body = self.logic_or_invalid(logic, &bkm.id);
        }
        Ok(bkm)
    }

    // ------------------------------------------------------------------ STTR extensions

    fn sttr_extensions(&self, ext: Node, defs: &mut Definitions) {
        for block in ext.children().filter(Node::is_element) {
            match (ext_of(block), local(block)) {
                (Some(Ext::Inter), "regelgroepen") => {
                    for g in block.children().filter(|c| c.is_element() && local(*c) == "regelgroep") {
                        defs.groups.push(RuleGroup {
                            id: g.attribute("id").unwrap_or_default().to_string(),
                            name: ext_text(g, "naam").unwrap_or_default(),
                            priority: ext_text(g, "prioriteit").as_deref().and_then(parse_int),
                        });
                    }
                }
                (Some(Ext::Uitv), "uitvoeringsregels") => {
                    for r in block.children().filter(|c| c.is_element() && local(*c) == "uitvoeringsregel") {
                        defs.execution_rules.push(execution_rule(r));
                    }
                }
                _ => {}
            }
        }
    }
}

/// The text of the first child element with this local name (any namespace).
fn ext_text(node: Node, name: &str) -> Option<String> {
    node.children().find(|c| c.is_element() && local(*c) == name).map(all_text)
}

fn ext_child<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children().find(|c| c.is_element() && local(*c) == name)
}

fn execution_rule(node: Node) -> ExecutionRule {
    let help_node = ext_child(node, "uitvoeringsregelToelichting");
    let mut rule = ExecutionRule {
        id: node.attribute("id").unwrap_or_default().to_string(),
        group: ext_child(node, "regelgroepRef").and_then(|g| g.attribute("href")).map(href_id),
        priority: ext_text(node, "prioriteit").as_deref().and_then(parse_int),
        kind: RuleKind::Other(String::new()),
        help: help_node.and_then(|h| ext_text(h, "toelichting")).filter(|t| !t.is_empty()),
        long_help: help_node.and_then(|h| ext_text(h, "langeToelichting")).filter(|t| !t.is_empty()),
    };
    for child in node.children().filter(Node::is_element) {
        let kind = match local(child) {
            "vraag" => RuleKind::Question(question(child)),
            "geoVerwijzing" => RuleKind::Location {
                areas: child
                    .descendants()
                    .filter(|c| c.is_element() && local(*c) == "locatie")
                    .filter_map(|c| c.attribute("identificatie"))
                    .map(String::from)
                    .collect(),
                text: ext_text(child, "vraagTekst").filter(|t| !t.is_empty()),
            },
            "vasteWaarde" => RuleKind::Fixed(fixed_value(child)),
            "vasteWaardeVoorbehoud" => RuleKind::FixedWithCaveat {
                value: ext_child(child, "vasteWaarde").map(fixed_value).unwrap_or_default(),
                caveat: ext_text(child, "tekstVoorbehoud").unwrap_or_default(),
            },
            "bijlage" => RuleKind::Attachment { kind: ext_text(child, "bijlageType").unwrap_or_default() },
            "regelgroepRef" | "prioriteit" | "uitvoeringsregelToelichting" => continue,
            other => RuleKind::Other(other.to_string()),
        };
        rule.kind = kind;
        if !matches!(rule.kind, RuleKind::Other(_)) {
            break;
        }
    }
    rule
}

fn question(node: Node) -> Question {
    let options_node = ext_child(node, "opties");
    Question {
        data_type: ext_text(node, "gegevensType").unwrap_or_default(),
        text: ext_text(node, "vraagTekst").unwrap_or_default(),
        multiple: options_node
            .and_then(|o| ext_text(o, "optieType"))
            .is_some_and(|t| t.eq_ignore_ascii_case("meerdereAntwoorden")),
        options: options_node
            .into_iter()
            .flat_map(|o| o.children())
            .filter(|c| c.is_element() && local(*c) == "optie")
            .map(|o| QuestionOption {
                text: ext_text(o, "optieText").unwrap_or_default(),
                help: ext_child(o, "uitvoeringsregelToelichting")
                    .and_then(|h| ext_text(h, "toelichting"))
                    .filter(|t| !t.is_empty()),
            })
            .collect(),
    }
}

fn fixed_value(node: Node) -> FixedValue {
    FixedValue {
        question: ext_text(node, "waardeVraag").unwrap_or_default(),
        value: ext_text(node, "waarde").unwrap_or_default(),
        data_type: ext_text(node, "gegevensType").unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_what_is_not_dmn() {
        assert!(matches!(read("dit is geen xml"), Err(XmlError::NotXml(_))));
        assert!(matches!(read("<definitions name=\"x\"/>"), Err(XmlError::NotDmn { namespace: None, .. })));
        assert!(matches!(
            read("<foo xmlns=\"https://www.omg.org/spec/DMN/20191111/MODEL/\"/>"),
            Err(XmlError::NotDmn { .. })
        ));
        assert!(matches!(read("<definitions xmlns=\"http://example.org/\"/>"), Err(XmlError::NotDmn { .. })));
        // A DTD (entity expansion) is refused by the XML reader, never expanded.
        let dtd = "<!DOCTYPE d [<!ENTITY a \"aaaa\">]><definitions xmlns=\"https://www.omg.org/spec/DMN/20191111/MODEL/\">&a;</definitions>";
        assert!(matches!(read(dtd), Err(XmlError::NotXml(_))));
    }

    #[test]
    fn unknown_hit_policy_is_an_error_with_position() {
        let text = "<definitions xmlns=\"https://www.omg.org/spec/DMN/20191111/MODEL/\">\n<decision id=\"d\" name=\"D\">\n  <decisionTable id=\"t\" hitPolicy=\"SOMETIMES\"/>\n</decision></definitions>";
        // The file reads; the decision holds the error (it fails alone when evaluated).
        let defs = read(text).expect("reads");
        match defs.decisions[0].logic.as_ref().map(|l| (l.id.as_str(), &l.expression)) {
            Some(("d", Expression::Invalid(XmlError::UnknownHitPolicy { id, value, pos }))) => {
                assert_eq!((id.as_str(), value.as_str(), pos.line), ("t", "SOMETIMES", 3));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let ns = "https://www.omg.org/spec/DMN/20191111/MODEL/";
        let n = 5_000;
        let contexts = format!(
            "{}<literalExpression><text>1</text></literalExpression>{}",
            "<context><contextEntry>".repeat(n),
            "</contextEntry></context>".repeat(n)
        );
        let text =
            format!("<definitions xmlns=\"{ns}\"><decision id=\"d\" name=\"D\">{contexts}</decision></definitions>");
        match read(&text) {
            Err(XmlError::NotXml(_)) => {}
            Ok(defs) => assert!(
                matches!(
                    &defs.decisions[0].logic,
                    Some(Logic { expression: Expression::Invalid(XmlError::TooDeep { .. }), .. })
                ),
                "{:?}",
                defs.decisions[0].logic.as_ref().map(|l| &l.id)
            ),
            Err(e) => panic!("{e}"),
        }
        let items = format!("{}{}", "<itemComponent name=\"x\">".repeat(n), "</itemComponent>".repeat(n));
        let text =
            format!("<definitions xmlns=\"{ns}\"><itemDefinition name=\"t\">{items}</itemDefinition></definitions>");
        assert!(read(&text).is_ok() || matches!(read(&text), Err(XmlError::NotXml(_))));
    }

    #[test]
    fn a_binding_holds_the_expression_after_its_parameter() {
        let text = r#"<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="x" name="X">
          <decision id="d" name="D"><invocation id="inv">
            <literalExpression><text>Leges</text></literalExpression>
            <binding><parameter name="oppervlakte"/><literalExpression id="b1"><text>Oppervlakte * 2</text></literalExpression></binding>
            <binding><parameter name="leeg"/></binding>
          </invocation></decision></definitions>"#;
        let d = read(text).expect("reads");
        let Some(Logic { expression: Expression::Invocation { function, bindings }, .. }) = &d.decisions[0].logic
        else {
            panic!("{:?}", d.decisions[0].logic)
        };
        assert_eq!(function, "Leges");
        assert_eq!(bindings[0].0, "oppervlakte");
        assert!(
            matches!(&bindings[0].1, Some(Logic { id, expression: Expression::Literal { text, .. } }) if id == "b1" && text == "Oppervlakte * 2")
        );
        assert!(bindings[1].0 == "leeg" && bindings[1].1.is_none());
    }

    #[test]
    fn positions_match_the_xml_reader_on_long_lines_and_wide_characters() {
        let text = "<definitions xmlns=\"https://www.omg.org/spec/DMN/20191111/MODEL/\" id=\"x\" name=\"Één\">\n  <inputData id=\"a\" name=\"Hoogte ëë\"/><inputData id=\"b\" name=\"Breedte\"/>\n<decision id=\"c\" name=\"Ç\"/>  <decision id=\"d\" name=\"D\"/></definitions>";
        let doc = Document::parse(text).expect("xml");
        let d = read(text).expect("reads");
        for node in doc.descendants().filter(|n| n.attribute("id").is_some()) {
            let p = doc.text_pos_at(node.range().start);
            let id = node.attribute("id").unwrap_or_default();
            assert_eq!(d.position(id), Some(Pos { line: p.row, column: p.col }), "{id}");
        }
    }

    #[test]
    fn missing_name_is_reported() {
        let text =
            "<definitions xmlns=\"http://www.omg.org/spec/DMN/20151101/dmn.xsd\"><inputData id=\"i\"/></definitions>";
        assert!(matches!(read(text), Err(XmlError::MissingAttribute { attribute: "name", .. })));
    }

    #[test]
    fn reads_sttr_extensions() {
        let text = r##"<dmn:definitions xmlns:dmn="http://www.omg.org/spec/DMN/20180521/MODEL/"
            xmlns:uitv="http://toepasbare-regels.omgevingswet.overheid.nl/v1.0/Uitvoeringsregel"
            xmlns:inter="http://toepasbare-regels.omgevingswet.overheid.nl/v1.0/Interactieregel"
            xmlns:content="http://toepasbare-regels.omgevingswet.overheid.nl/v1.0/Content" name="X" id="x">
          <dmn:extensionElements>
            <inter:regelgroepen><inter:regelgroep id="g"><inter:naam>Vragen</inter:naam><inter:prioriteit>2</inter:prioriteit></inter:regelgroep></inter:regelgroepen>
            <uitv:uitvoeringsregels>
              <uitv:uitvoeringsregel id="u1"><uitv:regelgroepRef href="#g"/><inter:prioriteit>10</inter:prioriteit>
                <uitv:vraag><uitv:gegevensType>list</uitv:gegevensType><uitv:vraagTekst>Welk dakvlak?</uitv:vraagTekst>
                  <uitv:opties><uitv:optieType>enkelAntwoord</uitv:optieType>
                    <uitv:optie><uitv:optieText>Voorkant</uitv:optieText></uitv:optie>
                    <uitv:optie><uitv:optieText>Zijkant</uitv:optieText></uitv:optie></uitv:opties></uitv:vraag>
                <content:uitvoeringsregelToelichting><content:toelichting><![CDATA[Kijk *goed*.]]></content:toelichting></content:uitvoeringsregelToelichting>
              </uitv:uitvoeringsregel>
              <uitv:uitvoeringsregel id="u2"><uitv:geoVerwijzing><uitv:locatie identificatie="nl.imow-gm0001.gebied.1"/></uitv:geoVerwijzing></uitv:uitvoeringsregel>
              <uitv:uitvoeringsregel id="u3"><uitv:vasteWaardeVoorbehoud><uitv:vasteWaarde><uitv:waardeVraag>Vogel?</uitv:waardeVraag><uitv:waarde>false</uitv:waarde><uitv:gegevensType>boolean</uitv:gegevensType></uitv:vasteWaarde><uitv:tekstVoorbehoud>Geen vogel.</uitv:tekstVoorbehoud></uitv:vasteWaardeVoorbehoud></uitv:uitvoeringsregel>
              <uitv:uitvoeringsregel id="u4"><uitv:bijlage><uitv:bijlageType>Situatieschets</uitv:bijlageType></uitv:bijlage></uitv:uitvoeringsregel>
            </uitv:uitvoeringsregels>
          </dmn:extensionElements>
        </dmn:definitions>"##;
        let d = read(text).expect("reads");
        assert_eq!(d.version, Some(DmnVersion::V1_2));
        assert_eq!(d.groups[0].priority, Some(2));
        let RuleKind::Question(q) = &d.execution_rules[0].kind else { panic!() };
        assert_eq!(q.options.iter().map(|o| o.text.as_str()).collect::<Vec<_>>(), ["Voorkant", "Zijkant"]);
        assert_eq!(d.execution_rules[0].help.as_deref(), Some("Kijk *goed*."));
        assert!(
            matches!(&d.execution_rules[1].kind, RuleKind::Location { areas, .. } if areas == &["nl.imow-gm0001.gebied.1"])
        );
        assert!(
            matches!(&d.execution_rules[2].kind, RuleKind::FixedWithCaveat { value, caveat } if value.value == "false" && caveat == "Geen vogel.")
        );
        assert!(matches!(&d.execution_rules[3].kind, RuleKind::Attachment { kind } if kind == "Situatieschets"));
    }
}
