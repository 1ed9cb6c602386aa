//! A `create_all` whose statement would exceed MariaDB's
//! `max_allowed_packet` failed with "connection reset": statements are now
//! cut by size as well as by bind count.

use juggler::prelude::*;

#[derive(Model, Debug, Clone)]
struct Blob {
    #[property(id, generated)]
    id: i64,
    body: String,
}

async fn forty_megabytes(ds: DataSource) {
    ds.automigrate(&[Blob::definition()]).await.unwrap();
    let body = "x".repeat(1 << 20);
    let rows: Vec<Blob> = (0..40)
        .map(|_| Blob {
            id: 0,
            body: body.clone(),
        })
        .collect();
    let created = ds.repo::<Blob>().create_all(rows).await.unwrap();
    assert_eq!(
        created.iter().map(|b| b.id).collect::<Vec<_>>(),
        (1..=40).collect::<Vec<_>>()
    );
    assert_eq!(ds.repo::<Blob>().count(None).await.unwrap(), 40);
}

crate::per_backend!(crate::common::data_source; forty_megabytes);
