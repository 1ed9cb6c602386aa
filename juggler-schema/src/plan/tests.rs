use super::*;

fn def(json: &str) -> ModelDefinition {
    ModelDefinition::from_json(json).expect("valid definition")
}

fn customer(extra: &str) -> ModelDefinition {
    def(&format!(
        r#"{{"name": "customer", "properties": {{
            "id": {{"type": "number", "id": true, "generated": true}},
            "name": {{"type": "string", "length": 20}}{extra}}}}}"#
    ))
}

fn plan(from: &ModelDefinition, to: &ModelDefinition, dialect: Dialect) -> Plan {
    let have = Catalog::from_definitions(&[from], dialect);
    let want = Catalog::from_definitions(&[to], dialect);
    diff(&want, &have, &Hints::from_definitions(&[to], dialect)).expect("a plan")
}

#[test]
fn the_same_definitions_need_nothing() {
    for d in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
        let c = customer(
            r#", "email": {"type": "string", "index": {"unique": true}}, "n": {"type": "number", "default": 3}"#,
        );
        assert!(plan(&c, &c, d).is_empty(), "{d:?}");
    }
}

#[test]
fn classes_of_each_change() {
    let pg = Dialect::Postgres;
    let v1 = customer(r#", "notes": {"type": "string"}"#);
    let steps = |to: &ModelDefinition| plan(&v1, to, pg).steps;
    let s = steps(&customer(
        r#", "notes": {"type": "string"}, "code": {"type": "string", "required": true}"#,
    ));
    assert_eq!((s[0].class, s[0].column.as_deref()), (StepClass::Review, Some("code")));
    assert_eq!(s[0].probes.len(), 1);
    let s = steps(&customer(""));
    assert_eq!(s[0].class, StepClass::Destructive);
    assert_eq!(
        s[0].statements,
        [r#"ALTER TABLE "public"."customer" DROP COLUMN "notes""#]
    );
    let wider = def(r#"{"name": "customer", "properties": {
        "id": {"type": "number", "id": true, "generated": true},
        "name": {"type": "string", "length": 40}, "notes": {"type": "string"}}}"#);
    let s = steps(&wider);
    assert_eq!(s[0].class, StepClass::Safe, "{}", s[0].reason);
    assert_eq!(
        s[0].statements,
        [r#"ALTER TABLE "public"."customer" ALTER COLUMN "name" TYPE VARCHAR(40)"#]
    );
    let back = plan(&wider, &v1, pg);
    assert_eq!(back.steps[0].class, StepClass::Destructive, "{}", back.render());
    let s = steps(&customer(r#", "notes": {"type": "string", "index": {"unique": true}}"#));
    assert_eq!(s[0].class, StepClass::Review);
    let s = steps(&customer(r#", "notes": {"type": "string", "index": true}"#));
    assert_eq!(s[0].class, StepClass::Safe);
}

#[test]
fn declared_renames_keep_the_data_and_missing_ones_fail() {
    let pg = Dialect::Postgres;
    let v1 = customer(r#", "notes": {"type": "string"}"#);
    let v2 = customer(r#", "remarks": {"type": "string", "renamedFrom": "notes"}"#);
    let p = plan(&v1, &v2, pg);
    assert_eq!(p.steps.len(), 1, "{}", p.render());
    assert_eq!(
        p.steps[0].statements,
        [r#"ALTER TABLE "public"."customer" RENAME COLUMN "notes" TO "remarks""#]
    );
    // Undeclared, the same change is a drop and an add, said to be a possible rename.
    let v3 = customer(r#", "remarks": {"type": "string"}"#);
    let text = plan(&v1, &v3, pg).render();
    assert!(text.contains("possible rename"), "{text}");
    let wrong = customer(r#", "remarks": {"type": "string", "renamedFrom": "nothing"}"#);
    let have = Catalog::from_definitions(&[&v1], pg);
    let err = diff(
        &Catalog::from_definitions(&[&wrong], pg),
        &have,
        &Hints::from_definitions(&[&wrong], pg),
    )
    .unwrap_err();
    assert!(err.to_string().contains("no column `nothing`"), "{err}");
    let mut table = customer("");
    table.settings.table = Some("client".into());
    table.settings.extra.insert("renamedFrom".into(), "customer".into());
    let p = plan(&customer(""), &table, pg);
    assert_eq!(
        p.steps[0].statements,
        [r#"ALTER TABLE "public"."customer" RENAME TO "client""#]
    );
}

#[test]
fn sqlite_rebuilds_what_alter_table_cannot_do() {
    let v1 = customer(r#", "notes": {"type": "string"}"#);
    let v2 = customer(r#", "notes": {"type": "string", "required": true}"#);
    let p = plan(&v1, &v2, Dialect::Sqlite);
    assert_eq!(p.steps.len(), 2, "{}", p.render());
    assert!(p.steps[0].statements.is_empty());
    let rebuild = &p.steps[1].statements;
    assert!(
        rebuild[0].starts_with("CREATE TABLE \"__juggler_rebuild_customer\""),
        "{}",
        rebuild[0]
    );
    assert_eq!(
        rebuild[1],
        r#"INSERT INTO "__juggler_rebuild_customer" ("id", "name", "notes") SELECT "id", "name", "notes" FROM "customer""#
    );
    assert_eq!(
        rebuild[3],
        r#"ALTER TABLE "__juggler_rebuild_customer" RENAME TO "customer""#
    );
}

#[test]
fn tables_the_definitions_do_not_name_are_left_alone() {
    let other = def(r#"{"name": "audit", "properties": {"id": {"type": "number", "id": true}}}"#);
    let c = customer("");
    let have = Catalog::from_definitions(&[&c, &other], Dialect::Postgres);
    let want = Catalog::from_definitions(&[&c], Dialect::Postgres);
    assert!(diff(&want, &have, &Hints::default()).unwrap().is_empty());
}

#[test]
fn migration_files_are_named_as_sqlx_wants() {
    assert_eq!(utc_stamp(0), 19_700_101_000_000);
    assert_eq!(utc_stamp(1_796_212_800), 20_261_202_120_000);
    let dir = std::env::temp_dir().join(format!("juggler-plan-{}", std::process::id()));
    let p = plan(
        &customer(""),
        &customer(r#", "notes": {"type": "string"}"#),
        Dialect::Postgres,
    );
    let path = p.write_migration(&dir, "add notes").unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.ends_with("_add_notes.sql") && name.len() == "20261202120000_add_notes.sql".len(),
        "{name}"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("ADD COLUMN \"notes\" TEXT;"), "{text}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_rebuild_after_a_rename_copies_from_the_new_name() {
    let v1 = customer(r#", "notes": {"type": "string"}, "fax": {"type": "string"}"#);
    let v2 = customer(r#", "remarks": {"type": "string", "renamedFrom": "notes"}"#);
    let p = plan(&v1, &v2, Dialect::Sqlite);
    let copy = p
        .statements()
        .into_iter()
        .find(|s| s.starts_with("INSERT"))
        .expect("a rebuild")
        .to_owned();
    assert_eq!(
        copy,
        r#"INSERT INTO "__juggler_rebuild_customer" ("id", "name", "remarks") SELECT "id", "name", "remarks" FROM "customer""#
    );
    assert!(
        p.statements()[0].contains("RENAME COLUMN \"notes\" TO \"remarks\""),
        "{}",
        p.render()
    );
}
