//! How much work a template can make one page do, worked out from the
//! templates' text before any page is rendered.
//!
//! Tera stops components nested deeper than [`MAX_DEPTH`], but a component
//! that calls itself three times per level is still 3^19 calls deep inside
//! that limit: minutes of work for one page. Every include, extends and
//! component call is read from the templates (conditions and loops are not
//! evaluated, so the count is an upper bound for one pass of each loop),
//! and a page whose template could render more than [`MAX_RENDERS`]
//! templates and components is refused before it starts, naming the
//! component, where it calls itself, and the page.

use std::collections::{BTreeMap, HashMap};

use crate::theme::TemplateFile;

/// Tera's own limit on components nested in components.
pub const MAX_DEPTH: usize = 20;

/// The most templates and components one page may render (counted without
/// loops): far above any real theme (the gbif theme's deepest page needs a
/// few dozen), far below what takes minutes.
pub const MAX_RENDERS: u64 = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Unit<'a> {
    Template(&'a str),
    Component(&'a str),
}

/// One include, extends or component call, where it is written.
#[derive(Debug, Clone)]
struct Edge<'a> {
    to: Unit<'a>,
    /// Template file and 1-based line of the tag.
    template: &'a str,
    line: usize,
    /// `includes`, `extends` or `calls`.
    verb: &'static str,
}

/// One step of a circle of templates: the template and line of the tag,
/// what it does (`includes`, `extends`) and the template it names.
pub type Step = (String, usize, &'static str, String);

/// A recursive component and one place where it calls itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recursion {
    pub component: String,
    pub template: String,
    pub line: usize,
    /// How many times its body calls itself (directly).
    pub self_calls: usize,
}

/// The templates' includes, extends and component calls.
pub struct Graph<'a> {
    edges: BTreeMap<Unit<'a>, Vec<Edge<'a>>>,
}

impl<'a> Graph<'a> {
    pub fn new(files: &'a BTreeMap<String, TemplateFile>) -> Graph<'a> {
        let mut edges: BTreeMap<Unit<'a>, Vec<Edge<'a>>> = BTreeMap::new();
        for (name, file) in files {
            scan(name, &file.source, &mut edges);
        }
        Graph { edges }
    }

    /// A chain of includes (or extends) that comes back to where it
    /// started: the template and line of each step.
    pub fn include_cycle(&self) -> Option<Vec<Step>> {
        fn visit<'a>(
            graph: &Graph<'a>,
            unit: Unit<'a>,
            path: &mut Vec<(Unit<'a>, &'a str, usize, &'static str)>,
            done: &mut Vec<Unit<'a>>,
        ) -> Option<Vec<Step>> {
            if done.contains(&unit) {
                return None;
            }
            for edge in graph.edges.get(&unit).into_iter().flatten() {
                let Unit::Template(target) = edge.to else { continue };
                if let Some(start) = path.iter().position(|(u, _, _, _)| *u == edge.to) {
                    // Each step: the template and line of a tag, and the template it names.
                    let name = |u: &Unit<'a>| match u {
                        Unit::Template(n) | Unit::Component(n) => n.to_string(),
                    };
                    let mut cycle: Vec<Step> =
                        path[start + 1..].iter().map(|(u, t, l, v)| (t.to_string(), *l, *v, name(u))).collect();
                    cycle.push((edge.template.to_string(), edge.line, edge.verb, target.to_string()));
                    return Some(cycle);
                }
                path.push((edge.to, edge.template, edge.line, edge.verb));
                let found = visit(graph, edge.to, path, done);
                path.pop();
                if found.is_some() {
                    return found;
                }
            }
            done.push(unit);
            None
        }
        let mut done = Vec::new();
        for unit in self.edges.keys().filter(|u| matches!(u, Unit::Template(_))) {
            let mut path = vec![(*unit, "", 0, "")];
            if let Some(cycle) = visit(self, *unit, &mut path, &mut done) {
                return Some(cycle);
            }
        }
        None
    }

    /// The most templates and components rendering `template` can take
    /// (capped a little above [`MAX_RENDERS`]).
    pub fn renders(&self, template: &str) -> u64 {
        let mut memo = HashMap::new();
        let mut open = Vec::new();
        self.count(Unit::Template(template), 0, &mut memo, &mut open)
    }

    fn count(
        &self,
        unit: Unit<'a>,
        depth: usize,
        memo: &mut HashMap<(Unit<'a>, usize), u64>,
        open: &mut Vec<(Unit<'a>, usize)>,
    ) -> u64 {
        if depth > MAX_DEPTH || open.contains(&(unit, depth)) {
            // Tera ends there (too deep, or an include cycle).
            return 1;
        }
        if let Some(&n) = memo.get(&(unit, depth)) {
            return n;
        }
        open.push((unit, depth));
        let mut total: u64 = 1;
        for edge in self.edges.get(&unit).into_iter().flatten() {
            let next = if matches!(edge.to, Unit::Component(_)) { depth + 1 } else { depth };
            total = total.saturating_add(self.count(edge.to, next, memo, open));
            if total > MAX_RENDERS * 10 {
                break;
            }
        }
        open.pop();
        memo.insert((unit, depth), total);
        total
    }

    /// The components that call themselves, most calls first.
    pub fn recursions(&self) -> Vec<Recursion> {
        let mut found: Vec<Recursion> = self
            .edges
            .iter()
            .filter_map(|(unit, edges)| {
                let Unit::Component(name) = unit else { return None };
                let own: Vec<&Edge> = edges.iter().filter(|e| e.to == *unit).collect();
                let first = own.first()?;
                Some(Recursion {
                    component: name.to_string(),
                    template: first.template.to_string(),
                    line: first.line,
                    self_calls: own.len(),
                })
            })
            .collect();
        found.sort_by(|a, b| b.self_calls.cmp(&a.self_calls).then_with(|| a.component.cmp(&b.component)));
        found
    }
}

/// Reads the tags of one template: `{% component X(…) %}` … `{% endcomponent %}`
/// bodies, `{{<X …/>}}` and `{%<X …>%}` calls, `{% include "…" %}` and
/// `{% extends "…" %}`. `{% raw %}` blocks and `{# #}` comments hold none.
fn scan<'a>(name: &'a str, source: &'a str, edges: &mut BTreeMap<Unit<'a>, Vec<Edge<'a>>>) {
    let mut current = Unit::Template(name);
    edges.entry(current).or_default();
    let mut rest = source;
    let mut offset = 0;
    let mut in_raw = false;
    while let Some(at) = rest.find(['{']) {
        let tag = &rest[at..];
        let absolute = offset + at;
        let step = at + 1;
        let line = || source[..absolute].matches('\n').count() + 1;
        let Some(kind) = tag.as_bytes().get(1).copied() else { break };
        let inner = tag.get(2..).unwrap_or("").trim_start_matches('-').trim_start();
        match kind {
            b'%' if in_raw && inner.starts_with("endraw") => in_raw = false,
            b'%' if in_raw => {}
            b'%' => {
                if inner.starts_with("raw") && inner[3..].trim_start().starts_with(['%', '-']) {
                    in_raw = true;
                } else if let Some(def) = inner.strip_prefix("component ") {
                    let component = identifier(def.trim_start());
                    if !component.is_empty() {
                        current = Unit::Component(component);
                        edges.entry(current).or_default();
                    }
                } else if inner.starts_with("endcomponent") {
                    current = Unit::Template(name);
                } else if let Some((verb, target)) = inner
                    .strip_prefix("include ")
                    .map(|t| ("includes", t))
                    .or_else(|| inner.strip_prefix("extends ").map(|t| ("extends", t)))
                {
                    if let Some(target) = quoted(target.trim_start()) {
                        let edge = Edge { to: Unit::Template(target), template: name, line: line(), verb };
                        edges.entry(current).or_default().push(edge);
                    }
                } else if let Some(call) = inner.strip_prefix('<') {
                    push_call(edges, current, call, name, line());
                }
            }
            b'{' if !in_raw => {
                if let Some(call) = inner.strip_prefix('<') {
                    push_call(edges, current, call, name, line());
                }
            }
            b'#' if !in_raw => {
                if let Some(end) = tag.find("#}") {
                    offset += at + end + 2;
                    rest = &rest[at + end + 2..];
                    continue;
                }
            }
            _ => {}
        }
        offset += step;
        rest = &rest[step..];
    }
}

fn push_call<'a>(
    edges: &mut BTreeMap<Unit<'a>, Vec<Edge<'a>>>,
    from: Unit<'a>,
    call: &'a str,
    template: &'a str,
    line: usize,
) {
    let callee = identifier(call);
    if !callee.is_empty() {
        edges.entry(from).or_default().push(Edge { to: Unit::Component(callee), template, line, verb: "calls" });
    }
}

fn identifier(text: &str) -> &str {
    let end = text.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(text.len());
    &text[..end]
}

fn quoted(text: &str) -> Option<&str> {
    let quote = text.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let inner = &text[1..];
    inner.find(quote).map(|end| &inner[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn files(list: &[(&str, &str)]) -> BTreeMap<String, TemplateFile> {
        list.iter()
            .map(|(name, source)| {
                let file = TemplateFile { display: PathBuf::from("templates").join(name), source: source.to_string() };
                (name.to_string(), file)
            })
            .collect()
    }

    #[test]
    fn a_component_that_calls_itself_three_times_is_counted_as_exponential() {
        let files = files(&[(
            "page.html",
            "{% component R(n) %}{% if n > 0 %}\n{{<R n={n - 1}/>}}{{<R n={n - 1}/>}}{{<R n={n - 1}/>}}{% endif %}{% endcomponent R %}\n{{<R n={19}/>}}",
        )]);
        let graph = Graph::new(&files);
        assert!(graph.renders("page.html") > MAX_RENDERS);
        let recursion = &graph.recursions()[0];
        assert_eq!((recursion.component.as_str(), recursion.line, recursion.self_calls), ("R", 2, 3));
    }

    #[test]
    fn a_tree_component_with_one_call_is_fine() {
        let toc = "{% component toc_list(entries) %}<ol>{% for entry in entries %}{% if entry.children %}{{<toc_list entries={entry.children}/>}}{% endif %}{% endfor %}</ol>{% endcomponent toc_list %}\n{{<toc_list entries={page.toc}/>}}";
        let files = files(&[
            ("page.html", "{% extends \"base.html\" %}{% block main %}{% include \"toc.html\" %}{% endblock %}"),
            ("base.html", "{% block main %}{% endblock %}{# {{<Nope/>}} #}{% raw %}{{<Nope/>}}{% endraw %}"),
            ("toc.html", toc),
        ]);
        let graph = Graph::new(&files);
        let renders = graph.renders("page.html");
        assert!(renders > MAX_DEPTH as u64 && renders < 30, "{renders}");
        assert!(graph.include_cycle().is_none());
    }

    #[test]
    fn include_cycles_are_found_with_their_lines() {
        let files = files(&[("a.html", "x\n{% include \"b.html\" %}"), ("b.html", "\n\n{% include 'a.html' %}")]);
        let cycle = Graph::new(&files).include_cycle().unwrap();
        let steps: Vec<(&str, usize, &str)> = cycle.iter().map(|(t, l, _, to)| (t.as_str(), *l, to.as_str())).collect();
        assert_eq!(steps, [("a.html", 2, "b.html"), ("b.html", 3, "a.html")]);
    }
}
