//! Formatter (placeholder).
#[cfg(test)]
mod tests {
    #[test]
    fn spans_probe() {
        let src = "let x = a + b   // c\n\nquestion h: length \"H\" { help \"x\"   }\ndecision \"D\" { when a -> X   \n otherwise -> Y because \"z\"  }\n";
        let f = crate::syntax::parse(src).unwrap();
        for it in &f.items { let s = it.span(); println!("{:?}", &src[s.start..s.end]); }
        if let crate::syntax::ast::Item::Let(l) = &f.items[0] { println!("val {:?}", &src[l.value.span.start..l.value.span.end]); }
        if let crate::syntax::ast::Item::Decision(d) = &f.items[2] { if let crate::syntax::ast::DecisionBody::Tree(bs) = &d.body { for b in bs { println!("br {:?}", &src[b.span.start..b.span.end]); if let crate::syntax::ast::BranchBody::Leaf(l) = &b.body { println!("leaf {:?} val {:?}", &src[l.span.start..l.span.end], &src[l.value.span.start..l.value.span.end]); } } } }
    }
}
