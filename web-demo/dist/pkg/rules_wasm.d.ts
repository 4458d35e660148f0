/* tslint:disable */
/* eslint-disable */
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



/**
 * The rules engine of one page: loaded rulesets and layers. `Engine` in JS.
 */
export class Engine {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Make a ruleset text known without compiling it: a base ruleset that others `extends`
     * (found by path relative to the extending ruleset's id).
     */
    addSource(id: string, text: string): void;
    /**
     * Stip op de kaart: what every loaded ruleset's `at` rules say at a point (RD New metres).
     */
    at(point_: Point): AtHit[];
    /**
     * For authors: every diagnostic (errors and warnings) of a ruleset text, with line and column
     * (also as UTF-16 columns for a browser editor). Never throws for a bad ruleset.
     */
    diagnostics(name: string, source: string): Diagnostic[];
    /**
     * `rules eval RULESET --case CASES --format json` in the browser: the outcome JSON text, byte
     * for byte what the command prints. `load(path)` returns a file named in the case (text or JSON).
     */
    evaluateCases(name: string, text: string, cases: string, load: (path: string) => string | object): string;
    /**
     * The features of a loaded layer at a point (or within `radius` metres), nearest first:
     * e.g. the parcel a resident clicked.
     */
    featuresAt(layer: string, point_: Point, radius?: number | null): FeatureHit[];
    /**
     * Load a GeoJSON FeatureCollection (an object, or its JSON text) under a layer name and bind it
     * to every ruleset that declares that layer, now or later.
     */
    loadLayer(name: string, collection: FeatureCollection | string): LayerInfo;
    /**
     * Parse and check a ruleset and bind the layers already loaded; replaces a ruleset of the
     * same id. Throws when it has errors: the message is what `rules check` prints, and
     * `error.diagnostics` holds them as data.
     */
    loadRuleset(id: string, text: string): RulesetInfo;
    constructor();
    /**
     * Forget a ruleset; returns whether it was loaded.
     */
    removeRuleset(id: string): boolean;
    /**
     * Every loaded ruleset: what it asks, decides and checks.
     */
    rulesets(): RulesetInfo[];
    /**
     * Start a session for a ruleset (its id), optionally with an evaluation date and first
     * answers (geometry too: `{answers: {parcel: <GeoJSON>}}`).
     */
    start(ruleset: string, options: StartOptions | undefined): Session;
    /**
     * `rules test` in the browser: run example cases against a ruleset text.
     */
    testCases(name: string, text: string, cases: string, load: (path: string) => string | object): CaseResult[];
}

export class Point {
    free(): void;
    [Symbol.dispose](): void;
    constructor(x: number, y: number, z: number);
    x: number;
    y: number;
    z: number;
}

export class Projection {
    free(): void;
    [Symbol.dispose](): void;
    constructor(defn: string);
    readonly axis: string;
    readonly isGeocentric: boolean;
    readonly isLatlon: boolean;
    readonly isNormalizedAxis: boolean;
    readonly projName: string;
    readonly to_meter: number;
    readonly units: string;
}

/**
 * One walk through one ruleset: answers, drawn plan, evaluation date. `Session` in JS.
 */
export class Session {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Answer a question or give a host input (geometry as GeoJSON); `null` removes the answer.
     * Throws with the reason when the answer does not fit (`error.input` names the question).
     */
    answer(name: string, value: Answer): void;
    /**
     * The answers given so far, to save the session and start it again later.
     */
    answers(): Record<string, Answer>;
    /**
     * Binnen de lijntjes: set the drawn plan (a GeoJSON Polygon in RD New; `null` removes it) as
     * input `input` (default `plan`) and evaluate.
     */
    check(plan: Geometry | null, input?: string | null): Outcome;
    /**
     * Answered questions that can no longer change any decision (a screen hides them).
     */
    irrelevant(): string[];
    /**
     * The next question, or `null` when everything is decided.
     */
    next(): Needed | null;
    /**
     * The outcome as JSON text, exactly as `rules eval --format json` prints it.
     */
    outcomeJson(): string;
    /**
     * Evaluate: decisions with reasons and trace, checks with measured values and violation
     * geometry, and the inputs still needed.
     */
    outcome(): Outcome;
    /**
     * Remove an answer: the question is open again.
     */
    unanswer(name: string): void;
    /**
     * The id of the ruleset this session runs on.
     */
    readonly ruleset: string;
}

export function add_nadgrid(key: string, array: Uint8Array): void;

export function transform(src: Projection, dst: Projection, point: Point): void;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_engine_free: (a: number, b: number) => void;
    readonly __wbg_get_point_x: (a: number) => number;
    readonly __wbg_get_point_y: (a: number) => number;
    readonly __wbg_get_point_z: (a: number) => number;
    readonly __wbg_point_free: (a: number, b: number) => void;
    readonly __wbg_projection_free: (a: number, b: number) => void;
    readonly __wbg_session_free: (a: number, b: number) => void;
    readonly __wbg_set_point_x: (a: number, b: number) => void;
    readonly __wbg_set_point_y: (a: number, b: number) => void;
    readonly __wbg_set_point_z: (a: number, b: number) => void;
    readonly add_nadgrid: (a: number, b: number, c: any) => [number, number];
    readonly engine_addSource: (a: number, b: number, c: number, d: number, e: number) => void;
    readonly engine_at: (a: number, b: any) => [number, number, number];
    readonly engine_diagnostics: (a: number, b: number, c: number, d: number, e: number) => [number, number, number];
    readonly engine_evaluateCases: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: any) => [number, number, number, number];
    readonly engine_featuresAt: (a: number, b: number, c: number, d: any, e: number, f: number) => [number, number, number];
    readonly engine_loadLayer: (a: number, b: number, c: number, d: any) => [number, number, number];
    readonly engine_loadRuleset: (a: number, b: number, c: number, d: number, e: number) => [number, number, number];
    readonly engine_new: () => number;
    readonly engine_removeRuleset: (a: number, b: number, c: number) => number;
    readonly engine_rulesets: (a: number) => [number, number, number];
    readonly engine_start: (a: number, b: number, c: number, d: any) => [number, number, number];
    readonly engine_testCases: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: any) => [number, number, number];
    readonly point_new: (a: number, b: number, c: number) => number;
    readonly projection_axis: (a: number) => [number, number];
    readonly projection_isGeocentric: (a: number) => number;
    readonly projection_isLatlon: (a: number) => number;
    readonly projection_isNormalizedAxis: (a: number) => number;
    readonly projection_new: (a: number, b: number) => [number, number, number];
    readonly projection_projName: (a: number) => [number, number];
    readonly projection_to_meter: (a: number) => number;
    readonly projection_units: (a: number) => [number, number];
    readonly session_answer: (a: number, b: number, c: number, d: any) => [number, number];
    readonly session_answers: (a: number) => [number, number, number];
    readonly session_check: (a: number, b: any, c: number, d: number) => [number, number, number];
    readonly session_irrelevant: (a: number) => [number, number, number];
    readonly session_next: (a: number) => [number, number, number];
    readonly session_outcome: (a: number) => [number, number, number];
    readonly session_outcomeJson: (a: number) => [number, number, number, number];
    readonly session_ruleset: (a: number) => [number, number];
    readonly session_unanswer: (a: number, b: number, c: number) => [number, number];
    readonly transform: (a: number, b: number, c: number) => [number, number];
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
