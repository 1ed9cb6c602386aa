//! `memory:file.json` holding valid JSON that is not a store was read as an
//! empty store and overwritten on the first write.

use juggler::prelude::*;

#[tokio::test]
async fn a_json_file_that_is_not_a_store_is_an_error_and_stays_untouched() {
    let dir = std::env::temp_dir().join(format!("juggler-regression-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (i, text) in [
        r#"{"name": "my-app", "version": "1.0.0"}"#,
        r#"[1, 2, 3]"#,
        r#""just a string""#,
        r#"{"ids": {}, "models": [], "extra": 1}"#,
        r#"{"models": "x"}"#,
    ]
    .into_iter()
    .enumerate()
    {
        let file = dir.join(format!("not-a-store-{i}.json"));
        std::fs::write(&file, text).unwrap();
        let err = DataSource::connect(&format!("memory:{}", file.display()))
            .await
            .unwrap_err();
        let message = err.to_string();
        assert!(message.contains(&file.display().to_string()), "{message}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text, "the file was changed");
    }
    // A real store (and an empty object) still load.
    let file = dir.join("store.json");
    std::fs::write(
        &file,
        r#"{"ids": {"Note": 1}, "models": {"Note": {"1": "{\"id\":1}"}}}"#,
    )
    .unwrap();
    DataSource::connect(&format!("memory:{}", file.display()))
        .await
        .unwrap();
    std::fs::write(&file, "{}").unwrap();
    DataSource::connect(&format!("memory:{}", file.display()))
        .await
        .unwrap();
}
