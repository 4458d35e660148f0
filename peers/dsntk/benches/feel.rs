//! Evaluating every decision of a DMN TCK model: this project's engine against DSNTK's, on the
//! same model text, each model loaded once outside the timing. Run `cargo bench` here; the ratio
//! of the two times per model is what the README reports (one run, a noisy machine).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use dsntk_feel::context::FeelContext;
use dsntk_model::{DmnElement, NamedElement};
use peer_dsntk::MODELS;
use rules_core::dmn::direct::Model;

fn bench(c: &mut Criterion) {
    for (name, path) in MODELS {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));

        let ours = Model::load(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let decisions: Vec<String> = ours.decision_names().iter().map(|d| d.to_string()).collect();
        let refs: Vec<&str> = decisions.iter().map(String::as_str).collect();

        let definitions = dsntk_model::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (namespace, model_name) = (definitions.namespace().to_string(), definitions.name().to_string());
        let theirs = dsntk_evaluator::ModelEvaluator::new(&[definitions]).unwrap_or_else(|e| panic!("{name}: {e}"));
        let empty = FeelContext::default();

        let mut group = c.benchmark_group(name);
        group.sample_size(20);
        group.bench_function("rules-core", |b| b.iter(|| black_box(ours.evaluate_all(&refs, &[]))));
        group.bench_function("dsntk", |b| {
            b.iter(|| {
                for d in &decisions {
                    black_box(theirs.evaluate_invocable(&namespace, &model_name, d, &empty));
                }
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
