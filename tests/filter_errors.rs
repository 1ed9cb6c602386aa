//! Malformed filters from an untrusted client: every one is
//! `Error::InvalidFilter` saying where, never a panic, never a silent ignore.
//!
//! Run: `cargo test --test filter_errors`

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::{seeded, Person};
use juggler::prelude::*;
use serde_json::{json, Value as Json};

/// (filter, expected error message)
const CASES: &[(&str, &str)] = &[
    // syntax
    ("[1]", "invalid filter at filter: expected an object, got an array"),
    ("{\"where\": ", "invalid filter at filter: not valid JSON: EOF while parsing a value at line 1 column 10"),
    ("{\"wher\": {}}", "invalid filter at filter: unknown filter key `wher`; did you mean `where`? valid filter keys: where, order, limit, skip, offset, fields, include"),
    ("{\"where\": []}", "invalid filter at where: expected an object, got an array"),
    ("{\"where\": {\"and\": {}}}", "invalid filter at where.and: expected an array of conditions, got an object"),
    ("{\"where\": {\"or\": [1]}}", "invalid filter at where.or[0]: expected an object, got 1"),
    ("{\"where\": {\"age\": {}}}", "invalid filter at where.age: expected an operator such as {\"gt\": 1}, got an empty object"),
    ("{\"where\": {\"age\": {\"gtt\": 1}}}", "invalid filter at where.age: unknown operator `gtt`; did you mean `gt`? valid operators: eq, neq, gt, gte, lt, lte, between, inq, nin, like, nlike, ilike, nilike, regexp, near"),
    ("{\"where\": {\"age\": {\"gt\": [1]}}}", "invalid filter at where.age.gt: expected a single value, got an array"),
    ("{\"where\": {\"age\": {\"between\": [1]}}}", "invalid filter at where.age.between: expected [low, high], got 1 values"),
    ("{\"where\": {\"age\": {\"inq\": 5}}}", "invalid filter at where.age.inq: expected an array, got 5"),
    ("{\"where\": {\"name\": {\"like\": 5}}}", "invalid filter at where.name.like: expected a pattern string, got 5"),
    ("{\"where\": {\"name\": {\"like\": \"a\", \"options\": \"x\"}}}", "invalid filter at where.name.options: expected \"i\", got \"x\""),
    ("{\"where\": {\"loc\": {\"near\": \"north\"}}}", "invalid filter at where.loc.near: expected a GeoPoint {\"lat\", \"lng\"}, got \"north\""),
    ("{\"where\": {\"loc\": {\"near\": [1, 2], \"unit\": \"parsecs\"}}}", "invalid filter at where.loc.unit: unknown unit \"parsecs\"; valid units: kilometers, meters, miles, feet, radians, degrees"),
    ("{\"order\": 5}", "invalid filter at order: expected \"property ASC|DESC\" or an array of them, got 5"),
    ("{\"order\": \"age UP\"}", "invalid filter at order: unknown direction `UP`; valid directions: ASC, DESC"),
    ("{\"order\": [\"age\", 1]}", "invalid filter at order[1]: expected \"property ASC|DESC\", got 1"),
    ("{\"limit\": -1}", "invalid filter at limit: expected a non-negative integer, got -1"),
    ("{\"limit\": 1.5}", "invalid filter at limit: expected a non-negative integer, got 1.5"),
    ("{\"skip\": \"ten\"}", "invalid filter at skip: expected a non-negative integer, got \"ten\""),
    ("{\"skip\": 1, \"offset\": 2}", "invalid filter at offset: `skip` and `offset` disagree"),
    ("{\"fields\": [1]}", "invalid filter at fields[0]: expected a property name, got 1"),
    ("{\"fields\": {\"name\": \"yes\"}}", "invalid filter at fields.name: expected true or false, got \"yes\""),
    ("{\"include\": 5}", "invalid filter at include: expected a relation name, an array or an object, got 5"),
    ("{\"include\": {\"relation\": \"x\", \"scop\": {}}}", "invalid filter at include: unknown include key `scop`; did you mean `scope`? valid include keys: relation, scope"),
    // against the model
    ("{\"where\": {\"agee\": 1}}", "invalid filter at where.agee: `Person` has no property `agee`; did you mean `age`?"),
    ("{\"where\": {\"age\": {\"gt\": \"x\"}}}", "invalid filter at where.age.gt: expected a number, got \"x\""),
    ("{\"where\": {\"age\": \"21\"}}", "invalid filter at where.age.eq: expected a number, got \"21\""),
    ("{\"where\": {\"name\": 5}}", "invalid filter at where.name.eq: expected a string, got 5"),
    ("{\"where\": {\"active\": \"yes\"}}", "invalid filter at where.active.eq: expected a boolean, got \"yes\""),
    ("{\"where\": {\"age\": {\"inq\": [1, \"2\"]}}}", "invalid filter at where.age.inq[1]: expected a number, got \"2\""),
    ("{\"where\": {\"age\": {\"gt\": null}}}", "invalid filter at where.age.gt: expected a number, got null"),
    ("{\"where\": {\"age\": {\"like\": \"2%\"}}}", "invalid filter at where.age.like: a `Number` property is not text"),
    ("{\"where\": {\"name\": {\"regexp\": \"(\"}}}", "invalid filter at where.name.regexp: invalid regular expression: error: unclosed group"),
    ("{\"where\": {\"name\": {\"regexp\": \"/a/q\"}}}", "invalid filter at where.name.regexp: unknown regexp flag `q`; valid flags: i, g, m, s"),
    ("{\"where\": {\"loc\": {\"gt\": 1}}}", "invalid filter at where.loc.gt: a `GeoPoint` property cannot be compared by order"),
    ("{\"where\": {\"age\": {\"near\": [1, 2]}}}", "invalid filter at where.age.near: `near` needs a GeoPoint property, not `Number`"),
    ("{\"where\": {\"or\": [{\"name\": \"a\"}, {\"nme\": \"b\"}]}}", "invalid filter at where.or[1].nme: `Person` has no property `nme`; did you mean `name`?"),
    ("{\"order\": \"nam DESC\"}", "invalid filter at order: `Person` has no property `nam`; did you mean `name`?"),
    ("{\"order\": [\"age\", \"loc\"]}", "invalid filter at order[1]: cannot sort by a `GeoPoint` property"),
    ("{\"fields\": [\"name\", \"nope\"]}", "invalid filter at fields.nope: `Person` has no property `nope`"),
    ("{\"include\": \"orders\"}", "invalid filter at include[0]: `Person` has no relation `orders`; valid relations: none"),
];

#[tokio::test]
async fn each_malformed_filter_names_the_place() {
    let ds = seeded(common::Backend::Memory, "fe").await.unwrap();
    let repo = ds.repo::<Person>();
    for (text, expected) in CASES {
        let err = match Filter::from_json(text) {
            Err(e) => e,
            Ok(filter) => repo.find(filter).await.expect_err(text),
        };
        assert!(matches!(err, Error::InvalidFilter { .. }), "{text}: {err:?}");
        assert_eq!(&err.to_string(), expected, "for {text}");
    }
}

#[tokio::test]
async fn deep_nesting_and_huge_lists_are_refused() {
    let mut deep = json!({"age": 1});
    for _ in 0..40 {
        deep = json!({"and": [deep]});
    }
    let err = Filter::from_value(&json!({"where": deep})).unwrap_err();
    assert!(err.to_string().contains("nested deeper than 32 levels"), "{err}");

    // Far deeper than serde_json's own recursion limit: still an error, not a stack overflow.
    let text = format!("{{\"where\": {}1{}}}", "{\"and\": [".repeat(5000), "]}".repeat(5000));
    assert!(matches!(Filter::from_json(&text), Err(Error::InvalidFilter { .. })));

    let huge: Vec<i64> = (0..20_000).collect();
    let err = Filter::from_value(&json!({"where": {"age": {"inq": huge}}})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid filter at where.age.inq: a list of 20000 values is longer than the limit of 10000"
    );
    let typed = Filter::new().where_(Person::AGE.inq(0..20_000));
    let err = seeded(common::Backend::Memory, "fe")
        .await
        .unwrap()
        .repo::<Person>()
        .find(typed)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidFilter { .. }));
}

/// A small deterministic generator of random JSON (xorshift), biased towards
/// the filter language's own keys so that it reaches deep into the parser.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
    fn value(&mut self, depth: u32) -> Json {
        const KEYS: &[&str] = &[
            "where",
            "order",
            "limit",
            "skip",
            "offset",
            "fields",
            "include",
            "and",
            "or",
            "name",
            "age",
            "city",
            "score",
            "active",
            "loc",
            "id",
            "gt",
            "gte",
            "lt",
            "lte",
            "eq",
            "neq",
            "between",
            "inq",
            "nin",
            "like",
            "nlike",
            "ilike",
            "nilike",
            "regexp",
            "near",
            "maxDistance",
            "unit",
            "options",
            "relation",
            "scope",
            "nope",
            "",
            "age DESC",
            "name ASC",
        ];
        match self.next() % if depth > 6 { 6 } else { 9 } {
            0 => Json::Null,
            1 => Json::Bool(self.next() % 2 == 0),
            2 => json!((self.next() % 200) as i64 - 100),
            3 => json!((self.next() % 1000) as f64 / 7.0 - 50.0),
            4 => json!(self.pick(KEYS)),
            5 => json!(self.pick(&["%", "_", "\\", "A%", "(", "/a/i", "/x/z", "[", "45.7,4.8", "kilometers"])),
            6 | 7 => {
                let n = self.next() % 4;
                Json::Object(
                    (0..n)
                        .map(|_| (self.pick(KEYS).to_owned(), self.value(depth + 1)))
                        .collect(),
                )
            }
            _ => {
                let n = self.next() % 4;
                Json::Array((0..n).map(|_| self.value(depth + 1)).collect())
            }
        }
    }
}

#[tokio::test]
async fn random_filters_never_panic() {
    let ds = seeded(common::Backend::Memory, "fe").await.unwrap();
    let repo = ds.repo::<Person>();
    let dynamic = ds.dynamic(Person::definition().clone()).unwrap();
    let mut gen = Gen(0x9E37_79B9_7F4A_7C15);
    let (mut ok, mut invalid) = (0, 0);
    for _ in 0..5_000 {
        let mut candidate = gen.value(0);
        if gen.next() % 2 == 0 {
            candidate = json!({ "where": candidate });
        }
        let filter = match Filter::from_value(&candidate) {
            Ok(f) => f,
            Err(Error::InvalidFilter { .. }) => {
                invalid += 1;
                continue;
            }
            Err(other) => panic!("{candidate}: unexpected error {other}"),
        };
        for result in [
            repo.find(filter.clone()).await.map(|_| ()),
            dynamic.find(filter).await.map(|_| ()),
        ] {
            match result {
                Ok(()) => ok += 1,
                Err(Error::InvalidFilter { .. }) => invalid += 1,
                Err(other) => panic!("{candidate}: unexpected error {other}"),
            }
        }
    }
    assert!(
        ok > 100 && invalid > 100,
        "the generator should hit both sides: ok={ok} invalid={invalid}"
    );
}
