//! Enough of a TypeScript reader for `api.d.ts`: its `interface` and `type` declarations, each
//! as a [`Ts`] (methods and function types read as `unknown`, names left as [`Ts::Ref`]).

use gcontacts_sync_core::json::ts::{Prop, Ts};
use std::collections::BTreeMap;

/// Every declaration of `text` by name, `extends` resolved.
pub fn declarations(text: &str) -> BTreeMap<String, Ts> {
    let mut p = Parser {
        tokens: tokens(text),
        at: 0,
    };
    let mut out: BTreeMap<String, Ts> = BTreeMap::new();
    while p.at < p.tokens.len() {
        match p.next().as_str() {
            "interface" => {
                let name = p.next();
                let mut props = Vec::new();
                if p.eat("extends") {
                    loop {
                        let parent = p.next();
                        // A type of the platform (`Error`) is not found: its keys are not data.
                        if let Some(Ts::Object {
                            props: inherited, ..
                        }) = out.get(&parent)
                        {
                            props.extend(inherited.iter().cloned());
                        }
                        if !p.eat(",") {
                            break;
                        }
                    }
                }
                p.expect("{");
                for prop in p.members() {
                    props.retain(|q: &Prop| q.key != prop.key);
                    props.push(prop);
                }
                out.insert(name, Ts::Object { props, open: false });
            }
            "type" => {
                let name = p.next();
                p.expect("=");
                let ty = p.ty();
                p.eat(";");
                out.insert(name, ty);
            }
            _ => {}
        }
    }
    out
}

fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '"' => {
                let mut s = String::from('"');
                for c in chars.by_ref() {
                    s.push(c);
                    if c == '"' {
                        break;
                    }
                }
                out.push(s);
            }
            '=' if chars.peek() == Some(&'>') => {
                chars.next();
                out.push("=>".into());
            }
            c if c.is_alphanumeric() || c == '_' || c == '$' => {
                let mut s = String::from(c);
                while let Some(&d) = chars.peek() {
                    if !(d.is_alphanumeric() || d == '_' || d == '$') {
                        break;
                    }
                    s.push(d);
                    chars.next();
                }
                out.push(s);
            }
            c if c.is_whitespace() => {}
            c => out.push(c.to_string()),
        }
    }
    out
}

struct Parser {
    tokens: Vec<String>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> &str {
        self.tokens.get(self.at).map_or("", String::as_str)
    }

    fn next(&mut self) -> String {
        let t = self.peek().to_string();
        self.at += 1;
        t
    }

    fn eat(&mut self, t: &str) -> bool {
        let here = self.peek() == t;
        if here {
            self.at += 1;
        }
        here
    }

    fn expect(&mut self, t: &str) {
        let got = self.next();
        assert_eq!(got, t, "api.d.ts: expected `{t}` at token {}", self.at);
    }

    /// Skips a bracketed group whose opening token was just read.
    fn skip_group(&mut self, open: &str, close: &str) {
        let mut depth = 1;
        while depth > 0 && self.at < self.tokens.len() {
            let t = self.next();
            if t == open {
                depth += 1;
            } else if t == close {
                depth -= 1;
            }
        }
    }

    /// An object type's members after its `{`, through its `}`.
    fn members(&mut self) -> Vec<Prop> {
        let mut props = Vec::new();
        while !self.eat("}") {
            let key = self.next();
            let optional = self.eat("?");
            let ty = if self.eat("(") {
                // A method: its signature is not data.
                self.skip_group("(", ")");
                self.expect(":");
                self.ty();
                Ts::Unknown
            } else {
                self.expect(":");
                self.ty()
            };
            props.push(Prop { key, optional, ty });
            if !self.eat(";") {
                self.eat(",");
            }
        }
        props
    }

    fn ty(&mut self) -> Ts {
        self.eat("|");
        let mut members = vec![self.array()];
        while self.eat("|") {
            members.push(self.array());
        }
        if members.len() == 1 {
            members.remove(0)
        } else {
            Ts::Union(members)
        }
    }

    fn array(&mut self) -> Ts {
        let mut t = self.atom();
        while self.peek() == "[" && self.tokens.get(self.at + 1).map(String::as_str) == Some("]") {
            self.at += 2;
            t = Ts::Array(Box::new(t));
        }
        t
    }

    fn atom(&mut self) -> Ts {
        let t = self.next();
        match t.as_str() {
            "{" => Ts::Object {
                props: self.members(),
                open: false,
            },
            "(" => {
                let start = self.at;
                self.skip_group("(", ")");
                if self.eat("=>") {
                    self.ty();
                    Ts::Unknown
                } else {
                    self.at = start;
                    let inner = self.ty();
                    self.expect(")");
                    inner
                }
            }
            "string" => Ts::String,
            "number" => Ts::Number,
            "boolean" => Ts::Bool,
            "null" => Ts::Null,
            "unknown" | "any" | "void" => Ts::Unknown,
            s if s.starts_with('"') => Ts::Literal(s.trim_matches('"').to_string()),
            s if s.chars().all(|c| c.is_ascii_digit()) => Ts::Number,
            name => {
                let mut args = Vec::new();
                if self.eat("<") {
                    args.push(self.ty());
                    while self.eat(",") {
                        args.push(self.ty());
                    }
                    self.expect(">");
                }
                match (name, args.as_slice()) {
                    ("Record", [Ts::String, v]) => Ts::Record(Box::new(v.clone())),
                    ("Promise", _) => Ts::Unknown,
                    _ => Ts::Ref(name.to_string()),
                }
            }
        }
    }
}
