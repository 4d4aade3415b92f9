//! `govmedia ingest`: a signed JSON-lines batch loads (twice: the second
//! time changes nothing); a tampered or unsigned one is refused whole.

use super::{govmedia, stdout, temp_db};
use govmedia_domain::monitoring::signature::sign;
use govmedia_store::Store;
use sqlx::Row;

async fn posts(store: &Store) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM posts")
        .fetch_one(&store.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

#[tokio::test]
async fn a_signed_batch_loads_and_a_tampered_one_is_refused_whole() {
    let (url, path) = temp_db();
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    govmedia_demo::seed(&store, "Demo-Pass-2026").await.unwrap();
    let dir = std::env::temp_dir().join(format!(
        "govmedia-ingest-{}",
        govmedia_store::secrets::random_token(6)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let key = dir.join("gateway.key");
    std::fs::write(&key, "s3cret-shared-key\n").unwrap();
    let batch = dir.join("posts.jsonl");
    let body = concat!(
        r#"{"account_id":1,"platform_post_id":"g1","published_at":"2026-01-05T09:00:00+08:00","title":"就业见习","text":"见习岗位发布。","kind":"original"}"#,
        "\n\n",
        r#"{"account_id":1,"platform_post_id":"g2","published_at":"2026-01-06T09:00:00+08:00","text":"转载人社部通知。","kind":"repost","source":"人力资源社会保障部"}"#,
        "\n",
        r#"{"account_id":1,"platform_post_id":"g3","published_at":"yesterday","text":"x","kind":"original"}"#,
        "\n",
        "not json\n",
    );
    std::fs::write(&batch, body).unwrap();
    let sig = dir.join("posts.jsonl.sig");
    let key_arg = key.to_str().unwrap();
    let file_arg = batch.to_str().unwrap();

    // Unsigned, with a key configured: refused, nothing stored.
    let o = govmedia(&url, &["ingest", "posts", file_arg, "--key", key_arg]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert_eq!(posts(&store).await, 0);

    std::fs::write(&sig, sign(b"s3cret-shared-key", body.as_bytes())).unwrap();
    let o = govmedia(&url, &["ingest", "posts", file_arg, "--key", key_arg]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains("line 1: created"), "{out}");
    assert!(out.contains("line 3: created"), "{out}");
    assert!(out.contains("line 4: rejected invalid_time"), "{out}");
    assert!(out.contains("line 5: rejected invalid_item"), "{out}");
    assert_eq!(posts(&store).await, 2);
    let prov: String = sqlx::query("SELECT MIN(provenance) FROM posts")
        .fetch_one(&store.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(prov, "file");

    // Again: nothing changes.
    let o = govmedia(&url, &["ingest", "posts", file_arg, "--key", key_arg]);
    assert!(
        stdout(&o).contains("0 created, 0 updated, 2 unchanged, 2 rejected"),
        "{}",
        stdout(&o)
    );

    // One byte changed after signing: refused whole.
    std::fs::write(&batch, body.replace("g2", "g9")).unwrap();
    let o = govmedia(&url, &["ingest", "posts", file_arg, "--key", key_arg]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("signature_invalid"));
    assert_eq!(posts(&store).await, 2);

    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&path);
}
