//! A reader for the TypeScript that `openapi-typescript` generates (`src/generated/types.ts` of
//! the official TypeScript SDK): `export interface NAME { ... }` and `export type NAME = ...;`
//! declarations whose types are object literals, unions, intersections, arrays, literals,
//! primitives, `Record<K, V>` and indexed accesses such as `components["schemas"]["Agent"]`.
//!
//! That is the whole of what the generator writes; anything else is an error naming the line, so
//! a generator change cannot be misread silently.

use std::collections::BTreeMap;

/// A TypeScript type, as far as the generated file uses them.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    String,
    Number,
    Boolean,
    Null,
    /// `unknown` or `any`: no type information.
    Unknown,
    Never,
    StringLit(String),
    NumberLit(String),
    BooleanLit(bool),
    Object(Object),
    Array(Box<Ty>),
    Union(Vec<Ty>),
    Intersection(Vec<Ty>),
    /// `Name["a"]["b"]`: the name, then the keys.
    Indexed(String, Vec<String>),
    /// `Name<Args>`, e.g. `Record<string, never>`.
    Generic(String, Vec<Ty>),
}

/// An object literal type.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Object {
    pub props: Vec<Prop>,
    /// `[key: string]: T`.
    pub index: Option<Box<Ty>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Prop {
    pub name: String,
    pub optional: bool,
    pub ty: Ty,
}

impl Object {
    pub fn get(&self, name: &str) -> Option<&Prop> {
        self.props.iter().find(|p| p.name == name)
    }
}

/// The declarations of a file, by name.
#[derive(Debug, Default)]
pub struct Module {
    pub decls: BTreeMap<String, Ty>,
}

#[derive(Debug, thiserror::Error)]
#[error("{origin}:{line}: {message}")]
pub struct ParseError {
    pub origin: String,
    pub line: usize,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(String),
    Punct(char),
}

struct Lexed {
    toks: Vec<(Tok, usize)>,
}

fn lex(text: &str, origin: &str) -> Result<Lexed, ParseError> {
    let err = |line: usize, message: String| ParseError {
        origin: origin.to_string(),
        line,
        message,
    };
    let chars: Vec<char> = text.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while let Some(&c) = chars.get(i) {
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            '/' if chars.get(i + 1) == Some(&'/') => {
                while let Some(&c) = chars.get(i) {
                    if c == '\n' {
                        break;
                    }
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                let start = line;
                i += 2;
                loop {
                    match chars.get(i) {
                        None => return Err(err(start, "unterminated comment".into())),
                        Some('*') if chars.get(i + 1) == Some(&'/') => {
                            i += 2;
                            break;
                        }
                        Some('\n') => {
                            line += 1;
                            i += 1;
                        }
                        Some(_) => i += 1,
                    }
                }
            }
            '"' | '\'' => {
                let quote = c;
                let start = line;
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None | Some('\n') => {
                            return Err(err(start, "unterminated string".into()));
                        }
                        Some('\\') => {
                            let Some(&e) = chars.get(i + 1) else {
                                return Err(err(start, "unterminated string".into()));
                            };
                            s.push(match e {
                                'n' => '\n',
                                't' => '\t',
                                other => other,
                            });
                            i += 2;
                        }
                        Some(&q) if q == quote => {
                            i += 1;
                            break;
                        }
                        Some(&o) => {
                            s.push(o);
                            i += 1;
                        }
                    }
                }
                toks.push((Tok::Str(s), start));
            }
            c if c.is_ascii_digit()
                || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let mut s = String::from(c);
                i += 1;
                while let Some(&d) = chars.get(i) {
                    if d.is_ascii_alphanumeric() || d == '.' || d == '_' {
                        s.push(d);
                        i += 1;
                    } else {
                        break;
                    }
                }
                toks.push((Tok::Num(s), line));
            }
            c if c.is_alphabetic() || c == '_' || c == '$' => {
                let mut s = String::new();
                while let Some(&d) = chars.get(i) {
                    if d.is_alphanumeric() || d == '_' || d == '$' {
                        s.push(d);
                        i += 1;
                    } else {
                        break;
                    }
                }
                toks.push((Tok::Ident(s), line));
            }
            '{' | '}' | '[' | ']' | '(' | ')' | ';' | ':' | '?' | '|' | '&' | ',' | '<' | '>'
            | '=' => {
                toks.push((Tok::Punct(c), line));
                i += 1;
            }
            other => return Err(err(line, format!("unexpected character {other:?}"))),
        }
    }
    Ok(Lexed { toks })
}

struct Parser<'a> {
    toks: &'a [(Tok, usize)],
    pos: usize,
    origin: &'a str,
    depth: usize,
}

/// Nesting deeper than this is refused (the generated file nests about 15 levels).
const MAX_DEPTH: usize = 200;

impl Parser<'_> {
    fn line(&self) -> usize {
        self.toks
            .get(self.pos)
            .or_else(|| self.toks.last())
            .map_or(0, |t| t.1)
    }

    fn err<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            origin: self.origin.to_string(),
            line: self.line(),
            message: message.into(),
        })
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }

    fn peek_at(&self, n: usize) -> Option<&Tok> {
        self.toks.get(self.pos + n).map(|t| &t.0)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).map(|t| t.0.clone());
        self.pos += 1;
        t
    }

    fn is_punct(&self, c: char) -> bool {
        self.peek() == Some(&Tok::Punct(c))
    }

    fn eat_punct(&mut self, c: char) -> bool {
        if self.is_punct(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_punct(&mut self, c: char) -> Result<(), ParseError> {
        if self.eat_punct(c) {
            Ok(())
        } else {
            self.err(format!("expected `{c}`, found {:?}", self.peek()))
        }
    }

    fn expect_ident(&mut self) -> Result<String, ParseError> {
        match self.next() {
            Some(Tok::Ident(s)) => Ok(s),
            other => {
                self.pos -= 1;
                self.err(format!("expected a name, found {other:?}"))
            }
        }
    }

    fn module(&mut self) -> Result<Module, ParseError> {
        let mut module = Module::default();
        while self.peek().is_some() {
            if self.peek() == Some(&Tok::Ident("export".into())) {
                self.pos += 1;
            }
            let keyword = self.expect_ident()?;
            let name = self.expect_ident()?;
            let ty = match keyword.as_str() {
                "interface" => {
                    self.expect_punct('{')?;
                    Ty::Object(self.object_body()?)
                }
                "type" => {
                    self.expect_punct('=')?;
                    let ty = self.ty()?;
                    self.expect_punct(';')?;
                    ty
                }
                other => return self.err(format!("unexpected declaration `{other}`")),
            };
            if module.decls.insert(name.clone(), ty).is_some() {
                return self.err(format!("`{name}` declared twice"));
            }
        }
        Ok(module)
    }

    /// After `{`: members up to and including `}`.
    fn object_body(&mut self) -> Result<Object, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err("types nested too deeply");
        }
        let mut object = Object::default();
        loop {
            if self.eat_punct('}') {
                break;
            }
            if self.eat_punct('[') {
                self.expect_ident()?;
                self.expect_punct(':')?;
                let key = self.ty()?;
                if !matches!(key, Ty::String | Ty::Number) {
                    return self.err("index signature key must be string or number");
                }
                self.expect_punct(']')?;
                self.expect_punct(':')?;
                let value = self.ty()?;
                if object.index.replace(Box::new(value)).is_some() {
                    return self.err("two index signatures");
                }
            } else {
                let name = match self.next() {
                    Some(Tok::Ident(s) | Tok::Str(s) | Tok::Num(s)) => s,
                    other => {
                        self.pos -= 1;
                        return self.err(format!("expected a member name, found {other:?}"));
                    }
                };
                let optional = self.eat_punct('?');
                self.expect_punct(':')?;
                let ty = self.ty()?;
                if object.get(&name).is_some() {
                    return self.err(format!("member `{name}` declared twice"));
                }
                object.props.push(Prop { name, optional, ty });
            }
            if !(self.eat_punct(';') || self.eat_punct(',') || self.is_punct('}')) {
                return self.err(format!("expected `;` or `}}`, found {:?}", self.peek()));
            }
        }
        self.depth -= 1;
        Ok(object)
    }

    fn ty(&mut self) -> Result<Ty, ParseError> {
        self.eat_punct('|');
        let mut members = vec![self.intersection()?];
        while self.eat_punct('|') {
            members.push(self.intersection()?);
        }
        Ok(if members.len() == 1 {
            members.remove(0)
        } else {
            Ty::Union(members)
        })
    }

    fn intersection(&mut self) -> Result<Ty, ParseError> {
        self.eat_punct('&');
        let mut members = vec![self.postfix()?];
        while self.eat_punct('&') {
            members.push(self.postfix()?);
        }
        Ok(if members.len() == 1 {
            members.remove(0)
        } else {
            Ty::Intersection(members)
        })
    }

    fn postfix(&mut self) -> Result<Ty, ParseError> {
        let mut ty = self.primary()?;
        while self.is_punct('[') {
            if self.peek_at(1) == Some(&Tok::Punct(']')) {
                self.pos += 2;
                ty = Ty::Array(Box::new(ty));
            } else if let Some(Tok::Str(key)) = self.peek_at(1).cloned() {
                self.pos += 2;
                self.expect_punct(']')?;
                ty = match ty {
                    Ty::Indexed(name, mut keys) => {
                        keys.push(key);
                        Ty::Indexed(name, keys)
                    }
                    _ => return self.err("indexed access on a type that is not a name"),
                };
            } else {
                return self.err("expected `[]` or `[\"key\"]`");
            }
        }
        Ok(ty)
    }

    fn primary(&mut self) -> Result<Ty, ParseError> {
        match self.next() {
            Some(Tok::Punct('{')) => Ok(Ty::Object(self.object_body()?)),
            Some(Tok::Punct('(')) => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return self.err("types nested too deeply");
                }
                let ty = self.ty()?;
                self.expect_punct(')')?;
                self.depth -= 1;
                Ok(ty)
            }
            Some(Tok::Str(s)) => Ok(Ty::StringLit(s)),
            Some(Tok::Num(n)) => Ok(Ty::NumberLit(n)),
            Some(Tok::Ident(name)) => Ok(match name.as_str() {
                "string" => Ty::String,
                "number" => Ty::Number,
                "boolean" => Ty::Boolean,
                "null" => Ty::Null,
                "unknown" | "any" => Ty::Unknown,
                "never" => Ty::Never,
                "true" => Ty::BooleanLit(true),
                "false" => Ty::BooleanLit(false),
                "Record" if self.is_punct('<') => {
                    self.pos += 1;
                    let mut args = vec![self.ty()?];
                    while self.eat_punct(',') {
                        args.push(self.ty()?);
                    }
                    self.expect_punct('>')?;
                    Ty::Generic(name, args)
                }
                _ if self.is_punct('[') => Ty::Indexed(name, Vec::new()),
                other => return self.err(format!("unknown type name `{other}`")),
            }),
            other => {
                self.pos = self.pos.saturating_sub(1);
                self.err(format!("expected a type, found {other:?}"))
            }
        }
    }
}

/// Parse a generated `types.ts`.
pub fn parse(text: &str, origin: &str) -> Result<Module, ParseError> {
    let lexed = lex(text, origin)?;
    let mut parser = Parser {
        toks: &lexed.toks,
        pos: 0,
        origin,
        depth: 0,
    };
    parser.module()
}

impl Module {
    /// Follow `Name["a"]["b"]` through the declarations.
    pub fn lookup(&self, name: &str, keys: &[String]) -> Option<&Ty> {
        let mut ty = self.decls.get(name)?;
        for key in keys {
            let Ty::Object(object) = ty else {
                return None;
            };
            ty = &object.get(key)?.ty;
        }
        Some(ty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_generated_forms() {
        let text = r#"
/** doc */
export interface components {
    schemas: {
        A: {
            /** @description x */
            id?: number;
            kind: "a" | "b";
            tags?: (string | null)[];
            extra?: Record<string, never> | boolean;
            rows?: ({
                phone: string;
            } & {
                [key: string]: unknown;
            })[];
        };
    };
}
export type webhooks = Record<string, never>;
export interface operations {
    op: {
        parameters: { query?: { n?: -1 | 2 }; path?: never };
        responses: { 200: { content: { "application/json": components["schemas"]["A"][] } } };
    };
}
"#;
        let m = parse(text, "t.ts").unwrap();
        let a = m
            .lookup("components", &["schemas".into(), "A".into()])
            .unwrap();
        let Ty::Object(a) = a else { panic!() };
        assert_eq!(a.props.len(), 5);
        assert!(a.get("id").unwrap().optional);
        assert!(!a.get("kind").unwrap().optional);
        assert_eq!(
            a.get("tags").unwrap().ty,
            Ty::Array(Box::new(Ty::Union(vec![Ty::String, Ty::Null])))
        );
        let Ty::Array(rows) = &a.get("rows").unwrap().ty else {
            panic!()
        };
        assert!(matches!(**rows, Ty::Intersection(_)));
        let ok = m
            .lookup(
                "operations",
                &[
                    "op".into(),
                    "responses".into(),
                    "200".into(),
                    "content".into(),
                    "application/json".into(),
                ],
            )
            .unwrap();
        assert_eq!(
            ok,
            &Ty::Array(Box::new(Ty::Indexed(
                "components".into(),
                vec!["schemas".into(), "A".into()]
            )))
        );
    }

    #[test]
    fn refuses_what_it_does_not_know() {
        for bad in [
            "export interface a { x: Foo; }",
            "export interface a { x: string }; export const y = 1;",
            "export interface a { x: string; x: number; }",
            "export interface a { x: string",
            "export type a = { x: string } [0];",
            "export type a = Partial<{ x: string }>;",
        ] {
            assert!(parse(bad, "t.ts").is_err(), "{bad}");
        }
    }
}
