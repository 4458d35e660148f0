/* Hand-written result types of rules-wasm (the JSON contracts of rules-core, see README). */

/** A point in RD New (EPSG:28992) metres: `{x, y}` or `[x, y]`. */
export type Point = { x: number; y: number } | [number, number];

/** A GeoJSON geometry in RD New metres. */
export interface Geometry {
  type: "Point" | "MultiPoint" | "LineString" | "MultiLineString" | "Polygon" | "MultiPolygon" | "GeometryCollection";
  coordinates?: unknown;
  geometries?: Geometry[];
}

export interface Feature {
  type: "Feature";
  id?: string | number;
  properties?: Record<string, unknown> | null;
  geometry: Geometry;
}

export interface FeatureCollection {
  type: "FeatureCollection";
  features: Feature[];
}

/**
 * An answer: `true`/`false` (or `"ja"`/`"nee"`), a number in the declared unit, a quantity with a
 * unit (`"3,2 m"`, `"50 m2"`), an option text, `"ja"`/`"nee"`/`"deels"`, GeoJSON for geometry,
 * or `null` to remove it.
 */
export type Answer = boolean | number | string | Geometry | null;

export interface StartOptions {
  /** Evaluation date `YYYY-MM-DD`; a ruleset not valid then is refused (R010). */
  date?: string;
  /** First answers, geometry included (`{parcel: <GeoJSON>}`). */
  answers?: Record<string, Answer>;
}

export interface InputInfo {
  name: string;
  /** `question`: ask the resident; `input`: the host supplies it (map click, drawn plan). */
  kind: "question" | "input";
  type: "bool" | "number" | "percent" | "length" | "surface" | "volume" | "angle" | "text" | "choice" | "location" | "point" | "line" | "area";
  /** Unit of a plain-number answer (`m`, `m2`, `m3`, `deg`, `%`). */
  unit?: string;
  label: string;
  help?: string;
  /** The *bedoeling*: why the rule exists. */
  intent?: string;
  options?: string[];
  /** Allowed range in `unit`. */
  range?: [number, number];
  /** The range in Dutch notation, e.g. `["0 m", "20 m"]`. */
  range_text?: [string, string];
  priority?: number;
  /** A derived input's `from` clause (`largest(buildings, parcel)`): the map answers it (see
   * `Outcome.derived`) until the resident answers it otherwise. */
  from?: string;
}

export interface LayerDecl {
  name: string;
  kind: "point" | "line" | "area";
  label?: string;
  bound: boolean;
}

export interface RulesetInfo {
  id: string;
  name: string;
  authority?: string;
  activity?: string;
  source?: string;
  valid_from?: string;
  valid_until?: string;
  /** In asking order. */
  inputs: InputInfo[];
  layers: LayerDecl[];
  decisions: string[];
  checks: string[];
  warnings: Diagnostic[];
}

export interface LayerInfo {
  name: string;
  features: number;
  /** Ruleset ids bound to this layer. */
  rulesets: string[];
}

export interface FeatureHit {
  layer: string;
  id: string;
  properties: Record<string, unknown>;
  geometry: Geometry;
  /** Metres from the point; 0 inside. */
  distance: number;
}

/** One text of an `at` rule that applies at the clicked point. */
export interface AtHit {
  ruleset: string;
  authority?: string;
  title: string;
  text: string;
  /** Why the rule exists ("bedoeling"), when the ruleset gives it. */
  intent?: string;
  ref?: string;
  layer: string;
  feature: string;
  distance: number;
}

export interface TraceStep {
  line: number;
  /** `when height > 5 m`, `otherwise`, or `rule 3`. */
  step: string;
  result: "true" | "false" | "unknown";
  /** The values the step read, in Dutch notation. */
  values?: Record<string, string>;
}

export interface DecisionOutcome {
  name: string;
  status: "decided" | "unknown";
  /** The conclusion or value; `null` while unknown. */
  outcome: unknown;
  /** The same in Dutch notation. */
  display?: string;
  because?: string;
  ref?: string;
  /** Inputs this decision still waits for, in asking order. */
  needed?: string[];
  trace: TraceStep[];
}

export interface CheckOutcome {
  name: string;
  status: "pass" | "fail" | "unknown";
  /** For a comparison: the measured value (`"62,5 m²"`). */
  measured?: string;
  /** For a comparison: the limit with its operator (`"<= 50 m²"`). */
  limit?: string;
  because?: string;
  ref?: string;
  /** On a failed check with `show`: the part to highlight (GeoJSON, RD New). */
  geometry?: Geometry;
  needed?: string[];
}

export interface Needed {
  input: string;
  question: string;
  type: string;
  kind: "question" | "input";
  help?: string;
  options?: string[];
}

export interface Outcome {
  ruleset: string;
  authority?: string;
  date?: string;
  decisions: DecisionOutcome[];
  checks: CheckOutcome[];
  /** Inputs still needed, in asking order; the first is the next question. */
  needed: Needed[];
  /** Derived inputs the map answered because nobody else did (absent when none). */
  derived?: Derived[];
}

/** A derived input's value: what `input x: ... from ...` found on the map. */
export interface Derived {
  input: string;
  /** The `from` clause as written. */
  from: string;
  /** GeoJSON for geometry; else the value as in `DecisionOutcome.outcome`. */
  value: unknown;
}

/** A checker diagnostic; lines and columns are 1-based. */
export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  end_line: number;
  end_column: number;
  /** Column in UTF-16 code units, for `textarea.setSelectionRange`. */
  utf16_column: number;
  end_utf16_column: number;
  severity: "error" | "warning";
  /** Stable code: E0xx errors, W0xx warnings. */
  code: string;
  message: string;
  label: string | null;
  help: string | null;
  related: { line: number; column: number; message: string }[];
}

export interface CaseResult {
  name: string;
  passed: boolean;
  problems: string[];
}

/** What the engine throws: an `Error` with the message the `rules` command prints, plus data. */
export interface RulesError extends Error {
  code?: string;
  line?: number;
  column?: number;
  diagnostics?: Diagnostic[];
  /** For a refused answer: the question it was for. */
  input?: string;
}
