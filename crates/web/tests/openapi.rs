//! `crates/web/openapi.yaml` describes exactly the routes that answer or
//! read JSON, with the code's limits, so the description cannot drift
//! silently: a JSON route added, removed or renamed in `src/` without the
//! file (or the other way round) fails here, and so does a limit changed on
//! one side only. The routes are found by a plain scan of the source (no
//! YAML or Rust parser): a handler is a JSON one when its body names `Json`
//! (extracts or answers it), or calls a function of its module that does.
//! `scripts/api-check` then runs schemathesis with the file against a live
//! server.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;

use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn spec() -> String {
    std::fs::read_to_string(crate_dir().join("openapi.yaml")).unwrap()
}

/// The text inside the parentheses that open at `open` (balanced; string
/// literals are skipped).
fn balanced(s: &str, open: usize) -> &str {
    let bytes = s.as_bytes();
    let (mut depth, mut in_str, mut i) = (0usize, false, open);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b'(' if !in_str => depth += 1,
            b')' if !in_str => {
                depth -= 1;
                if depth == 0 {
                    return &s[open + 1..i];
                }
            }
            _ => {}
        }
        i += 1;
    }
    panic!("unbalanced parentheses at byte {open}");
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The source without its comment lines (`//`, `///`, `//!`).
fn code_only(src: &str) -> String {
    src.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `(method, path, handler)` of every `.route("PATH", get(h).post(h2))`.
fn routes(src: &str) -> Vec<(String, String, String)> {
    let src = &code_only(src);
    let mut out = Vec::new();
    for (at, _) in src.match_indices(".route(") {
        let inner = balanced(src, at + ".route".len());
        let (Some(path), Some(comma)) = (inner.split('"').nth(1), inner.find(',')) else {
            continue; // not a router's `.route("PATH", ..)`
        };
        let path = path.to_string();
        let rest = &inner[comma..];
        for m in METHODS {
            for (i, _) in rest.match_indices(&format!("{m}(")) {
                if rest[..i].chars().next_back().is_some_and(is_ident) {
                    continue; // e.g. `forget(`
                }
                let call = balanced(rest, i + m.len());
                let handler = call.rsplit("::").next().unwrap().trim().to_string();
                out.push((m.to_uppercase(), path.clone(), handler));
            }
        }
    }
    out
}

/// Every function of a file with its text up to the next function.
fn functions(src: &str) -> BTreeMap<String, String> {
    let starts: Vec<(usize, String)> = src
        .match_indices("fn ")
        .filter(|(i, _)| {
            let line_start = src[..*i].rfind('\n').map_or(0, |n| n + 1);
            let before = src[line_start..*i].trim();
            before
                .split_whitespace()
                .all(|w| matches!(w, "pub" | "pub(crate)" | "async" | "const"))
        })
        .map(|(i, _)| {
            let name: String = src[i + 3..].chars().take_while(|c| is_ident(*c)).collect();
            (i, name)
        })
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(k, (i, name))| {
            let end = starts.get(k + 1).map_or(src.len(), |(j, _)| *j);
            (name.clone(), src[*i..end].to_string())
        })
        .collect()
}

fn calls(body: &str, name: &str) -> bool {
    body.match_indices(&format!("{name}(")).any(|(i, _)| {
        !body[..i]
            .chars()
            .next_back()
            .is_some_and(|c| is_ident(c) || c == '.')
    })
}

/// The functions of a file that read or answer JSON, directly or through
/// another function of the same file.
fn json_functions(src: &str) -> BTreeSet<String> {
    let fns = functions(&code_only(src));
    let mut json: BTreeSet<String> = fns
        .iter()
        .filter(|(_, body)| body.contains("Json(") || body.contains("Json<"))
        .map(|(name, _)| name.clone())
        .collect();
    loop {
        let more: Vec<String> = fns
            .iter()
            .filter(|(name, body)| {
                !json.contains(*name) && json.iter().any(|j| j != *name && calls(body, j))
            })
            .map(|(name, _)| name.clone())
            .collect();
        if more.is_empty() {
            return json;
        }
        json.extend(more);
    }
}

fn sources() -> Vec<(PathBuf, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(crate_dir().join("src"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

fn module(p: &Path) -> String {
    p.file_stem().unwrap().to_string_lossy().into_owned()
}

/// `(METHOD, path)` of every route whose handler reads or answers JSON,
/// with the module that routes it.
fn json_routes_in_code() -> BTreeMap<(String, String), String> {
    let mut out = BTreeMap::new();
    for (path, src) in sources() {
        let json = json_functions(&src);
        for (method, route, handler) in routes(&src) {
            if json.contains(&handler) {
                out.insert((method, route), module(&path));
            }
        }
    }
    out
}

/// The operations under `paths:`, with each one's lines.
fn operations(spec: &str) -> BTreeMap<(String, String), Vec<String>> {
    let mut out: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let (mut in_paths, mut path, mut op) = (false, None::<String>, None::<(String, String)>);
    for line in spec.lines() {
        if !line.starts_with(' ') && !line.trim().is_empty() {
            in_paths = line.trim_end() == "paths:";
            path = None;
            op = None;
            continue;
        }
        if !in_paths {
            continue;
        }
        if let Some(p) = line.strip_prefix("  /") {
            path = Some(format!("/{}", p.trim_end().trim_end_matches(':')));
            op = None;
        } else if let Some(m) = line.strip_prefix("    ").filter(|l| !l.starts_with(' ')) {
            let m = m.trim_end().trim_end_matches(':');
            op = METHODS
                .contains(&m)
                .then(|| (m.to_uppercase(), path.clone().unwrap()));
            if let Some(key) = &op {
                out.insert(key.clone(), Vec::new());
            }
        } else if let Some(key) = &op {
            out.get_mut(key).unwrap().push(line.to_string());
        }
    }
    out
}

/// The lines of `components.schemas.NAME`.
fn schema<'a>(spec: &'a str, name: &str) -> Vec<&'a str> {
    spec.lines()
        .skip_while(|l| *l != format!("    {name}:"))
        .skip(1)
        .take_while(|l| l.starts_with("      ") || l.trim().is_empty())
        .collect()
}

/// The names in a schema's `required: [a, b]` line.
fn required(spec: &str, name: &str) -> BTreeSet<String> {
    let line = schema(spec, name)
        .into_iter()
        .find(|l| l.trim_start().starts_with("required: ["))
        .unwrap_or_else(|| panic!("{name} has a required: [...] line"));
    line.split('[')
        .nth(1)
        .unwrap()
        .trim_end()
        .trim_end_matches(']')
        .split(',')
        .map(|s| s.trim().to_string())
        .collect()
}

/// Bytes a module's routes accept, as `app()` in lib.rs layers them.
fn body_limits() -> BTreeMap<String, usize> {
    let lib = std::fs::read_to_string(crate_dir().join("src/lib.rs")).unwrap();
    let mut out = BTreeMap::new();
    for line in lib.lines() {
        let Some(rest) = line.trim().strip_prefix(".merge(") else {
            continue;
        };
        let module = rest.split("::").next().unwrap().to_string();
        let limit = if rest.contains(".layer(form_limit())") {
            hocvuso_web::FORM_BODY_LIMIT
        } else if rest.contains("body_limit(ASSISTANT_BODY_LIMIT)") {
            hocvuso_web::ASSISTANT_BODY_LIMIT
        } else if rest.contains("body_limit(REPORT_BODY_LIMIT)") {
            hocvuso_web::REPORT_BODY_LIMIT
        } else if rest.contains("body_limit(field::BODY_LIMIT)") {
            hocvuso_web::field::BODY_LIMIT
        } else if !rest.contains(".layer(") {
            // Only the app-wide form limit applies.
            hocvuso_web::FORM_BODY_LIMIT
        } else {
            // A limit this test does not know: teach it (the test must not guess).
            continue;
        };
        out.insert(module, limit);
    }
    out
}

#[test]
fn the_source_scan_finds_what_it_should() {
    // The scanner itself, on the shapes the routers use.
    let src = r#"
        //! Routes are `.route(..)` calls.
        Router::new()
            .route("/a", get(page).post(answer))
            .route(
                "/b/{id}",
                get(crate::other::thing),
            )
        fn helper() -> Json<u8> { Json(1) }
        pub(crate) async fn answer() -> Response { helper().into_response() }
        async fn page() -> Html<String> { forget(); todo!() }
    "#;
    let r = routes(src);
    assert_eq!(
        r,
        vec![
            ("GET".into(), "/a".into(), "page".into()),
            ("POST".into(), "/a".into(), "answer".into()),
            ("GET".into(), "/b/{id}".into(), "thing".into()),
        ]
    );
    let json = json_functions(src);
    assert!(
        json.contains("answer") && json.contains("helper"),
        "{json:?}"
    );
    assert!(!json.contains("page"), "{json:?}");
    // The real code has the three JSON routes the README and ARCHITECTURE name.
    let code = json_routes_in_code();
    for key in [
        ("GET", "/healthz"),
        ("POST", "/api/tro-ly"),
        ("POST", "/hoc/{course}/kiem-tra"),
    ] {
        assert!(
            code.contains_key(&(key.0.to_string(), key.1.to_string())),
            "{key:?} not found in {code:?}"
        );
    }
}

#[test]
fn the_spec_lists_exactly_the_json_routes() {
    let spec = spec();
    let described: BTreeSet<(String, String)> = operations(&spec).into_keys().collect();
    let code: BTreeSet<(String, String)> = json_routes_in_code().into_keys().collect();
    let missing: Vec<_> = code.difference(&described).collect();
    let stale: Vec<_> = described.difference(&code).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "crates/web/openapi.yaml is out of step with crates/web/src:\n\
         JSON routes not described: {missing:?}\n\
         described but not JSON routes (gone, renamed or no longer JSON): {stale:?}"
    );
}

#[test]
fn the_spec_states_the_codes_limits() {
    let spec = spec();
    let limits = body_limits();
    let modules = json_routes_in_code();
    for (key, lines) in operations(&spec) {
        let has_body = lines.iter().any(|l| l.trim() == "requestBody:");
        let stated = lines
            .iter()
            .find_map(|l| l.trim().strip_prefix("x-max-body-bytes: "))
            .map(|v| v.parse::<usize>().unwrap());
        if !has_body {
            assert_eq!(stated, None, "{key:?} takes no body");
            continue;
        }
        let module = &modules[&key];
        let Some(limit) = limits.get(module) else {
            panic!("lib.rs layers {module}'s routes with a limit this test does not know")
        };
        assert_eq!(
            stated,
            Some(*limit),
            "{key:?}: x-max-body-bytes must be {limit} ({module}'s limit in lib.rs)"
        );
        let kib = format!("{} KiB", limit / 1024);
        assert!(
            lines.iter().any(|l| l.contains(&kib)),
            "{key:?}: its 413 answer says {kib}"
        );
    }

    let request = schema(&spec, "AssistantRequest").join("\n");
    let turns = hocvuso_web::assistant::MAX_TURNS;
    let chars = hocvuso_web::assistant::MAX_QUESTION_CHARS;
    assert!(request.contains(&format!("maxItems: {turns}")), "{request}");
    assert!(
        request.contains(&format!("maxLength: {chars}")),
        "{request}"
    );
    assert!(request.contains("minItems: 1"), "{request}");
    let ask = &operations(&spec)[&("POST".to_string(), "/api/tro-ly".to_string())];
    // The descriptions' words, whatever the line breaks.
    let ask = ask
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        ask.contains(&format!("more than {turns} items"))
            && ask.contains(&format!("longer than {chars} characters")),
        "the 400 answer states the limits"
    );
    assert!(
        ask.contains(&format!(
            "may ask {} questions at once",
            hocvuso_web::assistant::ANONYMOUS_BURST
        )) && ask.contains(&format!(
            "has {}, then",
            hocvuso_web::assistant::SIGNED_IN_BURST
        )),
        "the rate limits are the code's"
    );

    let behaviors: Vec<String> = [
        hocvuso_assistant::Behavior::Answer,
        hocvuso_assistant::Behavior::Clarify,
        hocvuso_assistant::Behavior::OutOfScope,
    ]
    .iter()
    .map(|b| {
        serde_json::to_value(b)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    })
    .collect();
    let reply = schema(&spec, "AssistantReply").join("\n");
    assert!(
        reply.contains(&format!("enum: [{}]", behaviors.join(", "))),
        "{reply}"
    );
    let modes = schema(&spec, "QuizForm").join("\n");
    let recorded_for_others = [
        hocvuso_storage::LearningMode::Class,
        hocvuso_storage::LearningMode::HomeVisit,
    ]
    .map(|m| m.code())
    .join(", ");
    assert!(
        modes.contains(&format!("enum: [{recorded_for_others}]")),
        "{modes}"
    );
}

/// Each JSON answer has the fields its schema says it always has.
async fn the_answers_have_the_described_fields() {
    let spec = spec();
    let app = spawn_app().await;
    let keys = |v: &serde_json::Value| -> BTreeSet<String> {
        v.as_object().unwrap().keys().cloned().collect()
    };

    let c = client();
    let r = c.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        keys(&v),
        BTreeSet::from(["status".into(), "database".into()])
    );

    let r = c
        .post(app.url("/api/tro-ly"))
        .json(&serde_json::json!({"turns": ["chứng thực", "cái thứ hai", "phí bao nhiêu"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    let want = required(&spec, "AssistantReply");
    assert_eq!(keys(&v), want, "{v}");
    let hit = &v["procedures"][0];
    assert_eq!(
        keys(hit),
        BTreeSet::from(["code".into(), "name".into(), "score".into()])
    );

    let (c, csrf) = app.login("nguoidan").await;
    let r = c
        .post(app.url("/hoc/vneid-danh-tinh-so/kiem-tra"))
        .header("accept", "application/json")
        .form(&[
            ("csrf", csrf.as_str()),
            ("client_id", "openapi-0001"),
            ("q0", "0"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(keys(&v), required(&spec, "QuizResult"), "{v}");
}

on_both_engines!(the_answers_have_the_described_fields,);
