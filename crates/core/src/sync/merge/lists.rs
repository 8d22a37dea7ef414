//! The item-by-item merge of the list fields (emails, phones, addresses, tags), keyed by normalized
//! value, with their labels and primary flag.

use super::{Merger, Pick};
use crate::sync::model::{Address, Contact, Email, Field, Side};
use crate::sync::normalize::{address_key, email_key, text_key};

/// How the items of one list field are keyed, labelled and shown.
pub(super) struct ListKind<'k, T> {
    pub(super) key: &'k dyn Fn(&T) -> String,
    pub(super) kind: fn(&T) -> &String,
    pub(super) set_kind: fn(&mut T, String),
    pub(super) show: fn(&T) -> String,
    /// The item's primary flag, for the lists that have one.
    pub(super) primary: Option<Primary<T>>,
}

/// Reads and sets an item's primary flag.
pub(super) struct Primary<T> {
    pub(super) get: fn(&T) -> bool,
    pub(super) set: fn(&mut T, bool),
}

pub(super) const EMAIL: ListKind<'static, Email> = ListKind {
    key: &email_key,
    kind: |e| &e.kind,
    set_kind: |e, k| e.kind = k,
    show: |e| e.value.trim().to_string(),
    primary: Some(Primary {
        get: |e| e.primary,
        set: |e, v| e.primary = v,
    }),
};

pub(super) const ADDRESS: ListKind<'static, Address> = ListKind {
    key: &address_key,
    kind: |a| &a.kind,
    set_kind: |a, k| a.kind = k,
    show: |a| a.one_line(),
    primary: None,
};

/// A tag has no label: every tag's is this empty one.
static NO_KIND: String = String::new();

/// CRM tags (Google labels on Google's side, `crate::sync::labels`): a set, keyed as text.
pub(super) const TAG: ListKind<'static, String> = ListKind {
    key: &|t: &String| text_key(t),
    kind: |_| &NO_KIND,
    set_kind: |_, _| {},
    show: |t| t.trim().to_string(),
    primary: None,
};

impl Merger<'_> {
    pub(super) fn list<T: Clone + PartialEq>(
        &mut self,
        field: Field,
        get: fn(&Contact) -> &Vec<T>,
        get_mut: fn(&mut Contact) -> &mut Vec<T>,
        kind: ListKind<'_, T>,
    ) {
        let (c_items, g_items) = (get(self.input.crm), get(self.input.google));
        if c_items == g_items {
            *get_mut(&mut self.out.base) = c_items.clone();
            *get_mut(&mut self.out.contact) = c_items.clone();
            return;
        }
        // The first item of each non-empty key, in the list's order, which the merged list keeps.
        // A list holds a handful of items: finding a key by scanning them is as quick as a map.
        let keyed = |items: &[T]| -> Vec<(String, T)> {
            let mut out: Vec<(String, T)> = Vec::new();
            for i in items {
                let k = (kind.key)(i);
                if !k.is_empty() && !out.iter().any(|(seen, _)| *seen == k) {
                    out.push((k, i.clone()));
                }
            }
            out
        };
        let c = keyed(c_items);
        let g = keyed(g_items);
        // The base usually equals one side as written: reuse that side's keys.
        let b = self.input.base.map(|b| match get(b) {
            items if items == c_items => c.clone(),
            items if items == g_items => g.clone(),
            items => keyed(items),
        });
        let find = |list: &[(String, T)], k: &str| {
            list.iter()
                .find(|(key, _)| key == k)
                .map(|(_, i)| i.clone())
        };

        let mut result: Vec<(String, T)> = Vec::new();
        let candidates = c
            .iter()
            .chain(g.iter().filter(|(k, _)| find(&c, k).is_none()));
        for (k, _) in candidates {
            let (ci, gi) = (find(&c, k), find(&g, k));
            let bi = b.as_ref().and_then(|b| find(b, k));
            let item = match (ci, gi) {
                (Some(ci), Some(gi)) => {
                    let (kc, kg) = (text_key((kind.kind)(&ci)), text_key((kind.kind)(&gi)));
                    let kb = match (&b, &bi) {
                        (None, _) => None,
                        (Some(_), Some(bi)) => Some(text_key((kind.kind)(bi))),
                        // Added on both sides since the base: like a first link for this item.
                        (Some(_), None) => None,
                    };
                    let label = |i: &T| format!("{} ({})", (kind.show)(i), (kind.kind)(i));
                    match self.pick(field, kb.as_ref(), &kc, &kg, kc.is_empty(), kg.is_empty()) {
                        Pick::Crm => ci,
                        Pick::Google => {
                            let mut item = ci;
                            (kind.set_kind)(&mut item, (kind.kind)(&gi).clone());
                            item
                        }
                        Pick::Conflict { kept, rule } => {
                            self.conflict(field, label(&ci), label(&gi), kept, rule);
                            let mut item = ci;
                            if kept == Side::Google {
                                (kind.set_kind)(&mut item, (kind.kind)(&gi).clone());
                            }
                            item
                        }
                    }
                }
                // On one side only: kept unless the base had it, i.e. the other side removed it.
                (Some(i), None) | (None, Some(i)) => {
                    if bi.is_some() {
                        continue;
                    }
                    i
                }
                (None, None) => continue,
            };
            result.push((k.clone(), item));
        }

        // The flagged item's key of a keyed list; `None` when the list flags none.
        let primary_key = |items: &[(String, T)]| -> Option<String> {
            let p = kind.primary.as_ref()?;
            items
                .iter()
                .find(|(_, i)| (p.get)(i))
                .map(|(k, _)| k.clone())
        };
        let mut primary = None;
        if let Some(p) = &kind.primary {
            let pb = b.as_ref().map(|b| primary_key(b));
            // A side that flags nothing keeps the base's primary.
            let unflagged_is_base = |k: Option<String>| k.or_else(|| pb.clone().flatten());
            let (pc, pg) = (
                unflagged_is_base(primary_key(&c)),
                unflagged_is_base(primary_key(&g)),
            );
            let shown = |k: &Option<String>, list: &[(String, T)]| {
                k.as_ref()
                    .and_then(|k| find(list, k))
                    .map(|i| format!("primary {}", (kind.show)(&i)))
                    .unwrap_or_default()
            };
            let chosen = match self.pick(field, pb.as_ref(), &pc, &pg, pc.is_none(), pg.is_none()) {
                Pick::Crm => pc,
                Pick::Google => pg,
                Pick::Conflict { kept, rule } => {
                    self.conflict(field, shown(&pc, &c), shown(&pg, &g), kept, rule);
                    match kept {
                        Side::Crm => pc,
                        Side::Google => pg,
                    }
                }
            };
            // A primary the merge removed leaves the first item left as primary, as Google would.
            if let Some(k) = chosen.filter(|_| !result.is_empty()) {
                let at = result.iter().position(|(key, _)| *key == k).unwrap_or(0);
                let item = result.remove(at);
                result.insert(0, item);
                primary = Some(result[0].0.clone());
            }
            for (n, (_, i)) in result.iter_mut().enumerate() {
                (p.set)(i, primary.is_some() && n == 0);
            }
        }

        let signature = |items: &[(String, T)]| {
            let mut s: Vec<(String, String)> = items
                .iter()
                .map(|(k, i)| (k.clone(), text_key((kind.kind)(i))))
                .collect();
            // Unstable: equal pairs are indistinguishable (see `Engine::google_updates`).
            s.sort_unstable();
            s
        };
        // A side differs when its items or labels do, or when it flags a primary other than the
        // merged one; a side that flags none is not written for the flag alone.
        let differs = |side: &[(String, T)]| {
            let flagged = primary_key(side);
            signature(side) != signature(&result) || (flagged.is_some() && flagged != primary)
        };
        // The primary item is named only where there is a choice: in a list of one it says nothing.
        let show = |items: &[(String, T)]| {
            let primary = primary_key(items).filter(|_| items.len() > 1);
            items
                .iter()
                .map(|(k, i)| {
                    let mut notes: Vec<&str> = Vec::new();
                    let label = (kind.kind)(i).trim();
                    if !label.is_empty() {
                        notes.push(label);
                    }
                    if primary.as_ref() == Some(k) {
                        notes.push("primary");
                    }
                    let v = (kind.show)(i);
                    if notes.is_empty() {
                        v
                    } else {
                        format!("{v} ({})", notes.join(", "))
                    }
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        let keep = self.settle(field, differs(&c), differs(&g), || {
            [show(&c), show(&g), show(&result)]
        });
        let items: Vec<T> = result.into_iter().map(|(_, i)| i).collect();
        *get_mut(&mut self.out.base) = match keep {
            Some(Side::Crm) => get(self.input.crm).clone(),
            Some(Side::Google) => get(self.input.google).clone(),
            None => items.clone(),
        };
        *get_mut(&mut self.out.contact) = items;
    }
}
