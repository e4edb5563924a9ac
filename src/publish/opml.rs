//! OPML 2.0 subscription lists: `feeds.opml` with every feed, and `<province>/feeds.opml`
//! with one province's feeds, nested province → city → county → township.

use std::collections::HashMap;

use super::Ctx;
use super::group::Group;
use super::text::{one_line, push_attr, push_xml, safe_segment};
use super::write::Sink;

/// Writes `feeds.opml` and one OPML per province (a place with no parent).
pub(crate) fn write_all(ctx: &Ctx<'_>, groups: &[Group], sink: &mut Sink) -> anyhow::Result<()> {
    let mut children: HashMap<&str, Vec<&Group>> = HashMap::new();
    let mut roots: Vec<&Group> = Vec::new();
    let keys: std::collections::HashSet<&str> = groups.iter().map(|g| g.key.as_str()).collect();
    let mut all: Option<&Group> = None;
    let parent_keys: Vec<Option<String>> = groups
        .iter()
        .map(|g| {
            g.chain
                .len()
                .checked_sub(2)
                .and_then(|k| g.chain.get(k))
                .map(|d| safe_segment(&d.code))
        })
        .collect();
    for (g, pk) in groups.iter().zip(parent_keys.iter()) {
        if g.division().is_none() {
            all = Some(g);
            continue;
        }
        match pk
            .as_deref()
            .and_then(|k| keys.get(k).copied())
            .filter(|k| *k != g.key)
        {
            Some(k) => children.entry(k).or_default().push(g),
            None => roots.push(g),
        }
    }
    let suffix = one_line(&ctx.settings.title_suffix);
    let mut body = String::new();
    if let Some(a) = all {
        outline(ctx, a, &children, 2, &mut body);
    }
    for r in &roots {
        outline(ctx, r, &children, 2, &mut body);
    }
    let doc = document(&format!("{suffix} · 全部订阅"), &body);
    sink.emit(
        ctx.out,
        ctx.old,
        "feeds.opml",
        None,
        || Ok(doc.into_bytes()),
    )?;
    for r in &roots {
        let mut body = String::new();
        outline(ctx, r, &children, 2, &mut body);
        let name = r.division().map(|d| one_line(&d.name)).unwrap_or_default();
        let doc = document(&format!("{name} · {suffix}"), &body);
        let rel = format!("{}/feeds.opml", r.key);
        sink.emit(ctx.out, ctx.old, &rel, None, || Ok(doc.into_bytes()))?;
    }
    Ok(())
}

fn document(title: &str, body: &str) -> String {
    let mut s = String::with_capacity(body.len() + 256);
    s.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n<head>\n<title>",
    );
    push_xml(&mut s, title);
    s.push_str("</title>\n</head>\n<body>\n");
    s.push_str(body);
    s.push_str("</body>\n</opml>\n");
    s
}

fn outline(
    ctx: &Ctx<'_>,
    g: &Group,
    children: &HashMap<&str, Vec<&Group>>,
    depth: usize,
    out: &mut String,
) {
    let (title, _) = ctx.titles(g);
    let urls = ctx.urls;
    for _ in 0..depth {
        out.push(' ');
    }
    out.push_str("<outline type=\"rss\" text=\"");
    push_attr(out, &title);
    out.push_str("\" title=\"");
    push_attr(out, &title);
    out.push_str("\" xmlUrl=\"");
    push_attr(out, &urls.feed(&g.key, "rss.xml"));
    out.push_str("\" htmlUrl=\"");
    push_attr(out, &urls.home(&g.key));
    out.push('"');
    match children.get(g.key.as_str()) {
        Some(kids) if !kids.is_empty() => {
            out.push_str(">\n");
            for k in kids {
                outline(ctx, k, children, depth + 1, out);
            }
            for _ in 0..depth {
                out.push(' ');
            }
            out.push_str("</outline>\n");
        }
        _ => out.push_str("/>\n"),
    }
}
