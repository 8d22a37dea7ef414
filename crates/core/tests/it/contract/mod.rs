//! The TypeScript contract (`src/bindings/api.d.ts`) held against the Rust declarations both
//! ways: each JSON type the host or the JS API hands the plugin must be one the Rust side reads
//! (its keys, their types, which may be absent), and each the plugin answers must be one the
//! TypeScript side declares; a key on one side only fails. Renaming a key in Rust fails here
//! until api.d.ts follows, and the other way round.

mod parse;
mod record;

use gcontacts_sync_core::json::ts::{Dir, Prop, Ts, TsType};
use std::collections::BTreeMap;

const API_D_TS: &str = include_str!("../../../../../src/bindings/api.d.ts");

struct Contract {
    decls: BTreeMap<String, Ts>,
}

impl Contract {
    fn new() -> Contract {
        Contract {
            decls: parse::declarations(API_D_TS),
        }
    }

    fn named(&self, name: &str) -> Ts {
        self.decls
            .get(name)
            .unwrap_or_else(|| panic!("api.d.ts declares no `{name}`"))
            .clone()
    }

    /// `ts`, with a name looked up.
    fn resolve(&self, ts: &Ts) -> Ts {
        match ts {
            Ts::Ref(name) => self.resolve(&self.named(name)),
            t => t.clone(),
        }
    }

    /// What the TypeScript type `name` allows, read by `T`.
    fn read<T: TsType>(&self, name: &str) -> Vec<String> {
        let mut errors = Vec::new();
        let sides = Sides {
            from: "api.d.ts",
            to: "Rust",
        };
        self.fits(
            &self.named(name),
            &T::ts(Dir::Read),
            name,
            sides,
            &mut errors,
        );
        errors
    }

    /// What Rust writes (`rust`), as the TypeScript type `name`.
    fn write(&self, rust: &Ts, name: &str) -> Vec<String> {
        let mut errors = Vec::new();
        let sides = Sides {
            from: "Rust",
            to: "api.d.ts",
        };
        self.fits(rust, &self.named(name), name, sides, &mut errors);
        errors
    }

    /// Whether every value of `from` is one `to` takes, with the differences in `errors`.
    fn fits(&self, from: &Ts, to: &Ts, path: &str, sides: Sides, errors: &mut Vec<String>) {
        let (from, to) = (self.resolve(from), self.resolve(to));
        match (&from, &to) {
            (Ts::Unknown, _) | (_, Ts::Unknown) => {}
            (Ts::Union(xs), _) => {
                for x in xs {
                    self.fits(x, &to, path, sides, errors);
                }
            }
            (_, Ts::Union(ys)) => {
                let fits_one = ys.iter().any(|y| {
                    let mut e = Vec::new();
                    self.fits(&from, y, path, sides, &mut e);
                    e.is_empty()
                });
                if !fits_one {
                    errors.push(format!(
                        "{path}: {} {from:?} is not {} {to:?}",
                        sides.from, sides.to
                    ));
                }
            }
            (Ts::Literal(a), Ts::Literal(b)) if a == b => {}
            // A Rust string written from a `&'static str` may be any of a union's strings.
            (Ts::Literal(_), Ts::String) | (Ts::String, Ts::Literal(_)) => {}
            (Ts::Null, Ts::Null)
            | (Ts::Bool, Ts::Bool)
            | (Ts::Number, Ts::Number)
            | (Ts::String, Ts::String) => {}
            (Ts::Array(a), Ts::Array(b)) => self.fits(a, b, &format!("{path}[]"), sides, errors),
            (Ts::Record(a), Ts::Record(b)) => {
                self.fits(a, b, &format!("{path}{{}}"), sides, errors)
            }
            (Ts::Object { props, .. }, Ts::Record(b)) => {
                for p in props {
                    self.fits(&p.ty, b, &format!("{path}.{}", p.key), sides, errors);
                }
            }
            (Ts::Object { props: a, .. }, Ts::Object { props: b, open }) => {
                self.props(a, b, *open, path, sides, errors)
            }
            _ => errors.push(format!(
                "{path}: {} {from:?} is not {} {to:?}",
                sides.from, sides.to
            )),
        }
    }

    fn props(
        &self,
        a: &[Prop],
        b: &[Prop],
        open: bool,
        path: &str,
        sides: Sides,
        errors: &mut Vec<String>,
    ) {
        for p in a {
            let here = format!("{path}.{}", p.key);
            match b.iter().find(|q| q.key == p.key) {
                Some(q) => {
                    if p.optional && !q.optional {
                        errors.push(format!(
                            "{here}: may be absent in {} but {} requires it",
                            sides.from, sides.to
                        ));
                    }
                    self.fits(&p.ty, &q.ty, &here, sides, errors);
                }
                None if open => {}
                None => errors.push(format!("{here}: in {} only", sides.from)),
            }
        }
        for q in b.iter().filter(|q| !a.iter().any(|p| p.key == q.key)) {
            errors.push(format!("{path}.{}: in {} only", q.key, sides.to));
        }
    }
}

#[derive(Clone, Copy)]
struct Sides {
    from: &'static str,
    to: &'static str,
}

/// `errors` empty, or each on its own line.
fn ok(errors: Vec<String>) {
    assert!(
        errors.is_empty(),
        "api.d.ts and the Rust declarations differ:\n{}",
        errors.join("\n")
    );
}

mod checks;
mod status;
