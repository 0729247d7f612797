use std::collections::BTreeSet;

use futures::future::join_all;
use mypos_sandbox::seed;
use reqwest::Method;

use crate::common::Api;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn counts_stay_exact_under_concurrency() {
    let api = Api::start().await;
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", seed::CLIENT_ID),
        ("client_secret", seed::CLIENT_SECRET),
    ];
    let statuses = join_all((0..200).map(|_| api.token_response(&form))).await;
    assert!(statuses.iter().all(|r| r.status() == 200));

    assert_eq!(api.sandbox.stats().oauth_tokens_issued, 200);
    assert_eq!(api.sandbox.count("POST", "/api/v1/oauth/token"), 200);

    // 250 business calls spread over 25 merchants, all at once.
    let token = api.token().await;
    let names: Vec<String> = (0..25).map(|i| format!("m{i}")).collect();
    let sessions = join_all(names.iter().map(|name| api.session(&token, name))).await;
    let calls = (0..250).map(|i| {
        api.business(
            Method::GET,
            "/accounting/v1/accounts",
            &token,
            &sessions[i % sessions.len()],
        )
        .send()
    });
    let responses = join_all(calls).await;
    assert!(
        responses
            .iter()
            .all(|r| r.as_ref().unwrap().status() == 200)
    );

    assert_eq!(api.sandbox.count("GET", "/accounting/v1/accounts"), 250);
    let stats = api.sandbox.stats();
    assert_eq!(
        (stats.oauth_tokens_issued, stats.sessions_issued),
        (201, 25)
    );
    let seqs: BTreeSet<u64> = api.sandbox.requests().iter().map(|r| r.seq).collect();
    assert_eq!(seqs.len(), 200 + 1 + 25 + 250);
    assert_eq!(
        seqs.last(),
        Some(&(seqs.len() as u64)),
        "seq is dense: 1..=n"
    );
}
