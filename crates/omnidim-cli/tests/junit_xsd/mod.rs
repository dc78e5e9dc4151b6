//! A structural check of JUnit XML against the junit-10 XSD (the schema Jenkins publishes and
//! GitLab/GitHub test reporters follow). No usable XSD validator crate is in the workspace (the
//! libxml2 bindings need a C toolchain and bindgen), so the document is parsed with quick-xml and
//! each rule of the XSD that applies is asserted: the element tree and order, required and
//! allowed attributes, attribute types, and counts that agree with the cases.

#![allow(dead_code)]

use quick_xml::Reader;
use quick_xml::events::Event;

#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn all(&self, name: &str) -> Vec<&Element> {
        self.children.iter().filter(|c| c.name == name).collect()
    }
}

/// Parse a whole document (well-formedness is checked by the parser: a broken tag, an
/// unescaped `<` or a mismatched end fails).
pub fn parse(xml: &str) -> Element {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(element(&e)),
            Event::Empty(e) => {
                let el = element(&e);
                stack.last_mut().unwrap().children.push(el);
            }
            Event::End(_) => {
                let el = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(el);
            }
            Event::Text(t) => {
                let text = t.decode().expect("text decodes").into_owned();
                let text = quick_xml::escape::unescape(&text)
                    .expect("entities")
                    .into_owned();
                stack.last_mut().unwrap().text.push_str(&text);
            }
            Event::GeneralRef(r) => {
                let name = r.decode().unwrap().into_owned();
                let ch = match name.as_str() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unknown entity {other}"),
                };
                stack.last_mut().unwrap().text.push_str(ch);
            }
            Event::Eof => break,
            Event::Decl(_)
            | Event::Comment(_)
            | Event::CData(_)
            | Event::PI(_)
            | Event::DocType(_) => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    let mut root = stack.pop().unwrap();
    assert_eq!(root.children.len(), 1, "one root element");
    root.children.pop().unwrap()
}

fn element(e: &quick_xml::events::BytesStart<'_>) -> Element {
    let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
    let attrs = e
        .attributes()
        .map(|a| {
            let a = a.expect("well-formed attribute");
            (
                String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                a.unescape_value().expect("attribute value").into_owned(),
            )
        })
        .collect();
    Element {
        name,
        attrs,
        ..Element::default()
    }
}

fn check_attrs(el: &Element, required: &[&str], allowed: &[&str]) {
    for r in required {
        assert!(el.attr(r).is_some(), "<{}> lacks required @{r}", el.name);
    }
    for (k, _) in &el.attrs {
        assert!(
            required.contains(&k.as_str()) || allowed.contains(&k.as_str()),
            "<{}> has @{k}, which the XSD does not allow",
            el.name
        );
    }
    for int in [
        "tests",
        "failures",
        "errors",
        "skipped",
        "disabled",
        "assertions",
    ] {
        if let Some(v) = el.attr(int) {
            v.parse::<u64>()
                .unwrap_or_else(|_| panic!("@{int}={v:?} is not an integer"));
        }
    }
    if let Some(v) = el.attr("time") {
        v.parse::<f64>()
            .unwrap_or_else(|_| panic!("@time={v:?} is not a decimal"));
    }
}

/// Assert the junit-10 XSD's rules; returns the test cases.
pub fn check(xml: &str) -> Vec<Element> {
    let root = parse(xml);
    let suites: Vec<&Element> = match root.name.as_str() {
        "testsuites" => {
            check_attrs(
                &root,
                &[],
                &["name", "time", "tests", "failures", "disabled", "errors"],
            );
            for c in &root.children {
                assert_eq!(c.name, "testsuite", "<testsuites> holds only <testsuite>");
            }
            root.children.iter().collect()
        }
        "testsuite" => vec![&root],
        other => panic!("root element <{other}>"),
    };
    let mut all_cases = Vec::new();
    for suite in suites {
        check_attrs(
            suite,
            &["name", "tests"],
            &[
                "failures",
                "errors",
                "time",
                "disabled",
                "skipped",
                "timestamp",
                "hostname",
                "id",
                "package",
                "file",
                "log",
                "url",
                "version",
                "group",
            ],
        );
        // properties?, testcase*, system-out?, system-err? (in this order)
        let order = ["properties", "testcase", "system-out", "system-err"];
        let mut at = 0;
        for c in &suite.children {
            let pos = order
                .iter()
                .position(|n| *n == c.name)
                .unwrap_or_else(|| panic!("<testsuite> cannot hold <{}>", c.name));
            assert!(pos >= at, "<{}> out of order in <testsuite>", c.name);
            if pos != 1 {
                assert!(pos > at || at == 0, "<{}> repeated", c.name);
            }
            at = pos;
        }
        let cases = suite.all("testcase");
        let count = |n: &str| cases.iter().filter(|c| !c.all(n).is_empty()).count();
        assert_eq!(suite.attr("tests").unwrap(), cases.len().to_string());
        assert_eq!(
            suite.attr("failures").unwrap_or("0"),
            count("failure").to_string()
        );
        assert_eq!(
            suite.attr("errors").unwrap_or("0"),
            count("error").to_string()
        );
        assert_eq!(
            suite.attr("skipped").unwrap_or("0"),
            count("skipped").to_string()
        );
        for case in cases {
            check_attrs(
                case,
                &["name"],
                &[
                    "assertions",
                    "time",
                    "classname",
                    "status",
                    "group",
                    "file",
                    "line",
                ],
            );
            for c in &case.children {
                match c.name.as_str() {
                    "skipped" => check_attrs(c, &[], &["message"]),
                    "error" | "failure" => check_attrs(c, &[], &["message", "type"]),
                    "system-out" | "system-err" => assert!(c.attrs.is_empty()),
                    other => panic!("<testcase> cannot hold <{other}>"),
                }
            }
            assert!(case.all("skipped").len() <= 1);
            all_cases.push(Element {
                name: case.name.clone(),
                attrs: case.attrs.clone(),
                children: case
                    .children
                    .iter()
                    .map(|c| Element {
                        name: c.name.clone(),
                        attrs: c.attrs.clone(),
                        children: vec![],
                        text: c.text.clone(),
                    })
                    .collect(),
                text: String::new(),
            });
        }
    }
    all_cases
}
