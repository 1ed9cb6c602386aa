//! `dataType` from a model JSON was pasted into DDL: on SQLite a second
//! statement ran.

use juggler::prelude::*;

async fn data_type_injection(ds: DataSource) {
    let victim = ModelDefinition::from_json(
        r#"{"name": "Victim", "properties": {"id": {"type": "number", "id": true, "generated": true}}}"#,
    )
    .unwrap();
    ds.automigrate(&[&victim]).await.unwrap();
    let dynamic = ds.dynamic(victim.clone()).unwrap();
    dynamic.create(serde_json::json!({})).await.unwrap();
    for evil in [r#"TEXT); DROP TABLE "Victim"; --"#, "TEXT, other INT", "INT /* x */"] {
        let json = serde_json::json!({
            "name": "Evil",
            "properties": {
                "id": {"type": "number", "id": true, "generated": true},
                "note": {"type": "string", "dataType": evil}
            }
        });
        let evil_def = ModelDefinition::from_value(json).unwrap();
        let err = ds.automigrate(&[&evil_def]).await.unwrap_err();
        assert!(err.to_string().contains("Evil.note"), "{err}");
        for key in ["postgresql", "mysql", "sqlite"] {
            let json = serde_json::json!({
                "name": "Evil2",
                "properties": {"note": {"type": "string", key: {"dataType": evil}}}
            });
            let evil_def = ModelDefinition::from_value(json).unwrap();
            if ds.connector_name() == "memory" {
                continue;
            }
            let connector = match ds.connector_name() {
                "postgres" => "postgresql",
                other => other,
            };
            let result = ds.automigrate(&[&evil_def]).await;
            if key == connector {
                assert!(result.is_err(), "{key}: {evil}");
            }
        }
    }
    assert_eq!(dynamic.count(None).await.unwrap(), 1, "the other table was dropped");
}

crate::per_backend!(crate::common::data_source; data_type_injection);
