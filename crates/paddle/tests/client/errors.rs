//! Every way a call can fail, and that no message leaks the key or a URL.

use std::time::Duration;

use axum::http::StatusCode;
use paddle::ClientError;
use paddle::error::ErrorType;
use serde_json::json;
use url::Url;

use crate::server::{reply, serve};
use crate::{assert_no_secrets, client, ctm, not_found_body, portal_body, sub};

#[tokio::test]
async fn a_404_error_body_becomes_an_api_error_with_request_id() {
    let (base, _) = reply(StatusCode::NOT_FOUND, not_found_body()).await;
    let err = client(base.clone(), Duration::from_secs(5))
        .get_customer(&ctm())
        .await
        .unwrap_err();
    let ClientError::Api {
        status,
        error,
        request_id,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*status, 404);
    assert_eq!(error.kind, ErrorType::RequestError);
    assert_eq!(error.code, "not_found");
    assert_eq!(request_id.as_deref(), Some("rid-404"));
    assert_eq!(err.request_id(), Some("rid-404"));
    assert_eq!(err.code(), Some("not_found"));
    assert!(!err.is_transient());
    assert!(err.to_string().contains("rid-404"), "{err}");
    assert_no_secrets(&err, &base);
}

#[tokio::test]
async fn a_validation_error_keeps_its_field_errors() {
    let body = json!({
        "error": {"type": "request_error", "code": "invalid_field", "detail": "Invalid request.",
                  "documentation_url": "https://developer.paddle.com/errors/shared/invalid_field",
                  "errors": [{"field": "subscription_ids[0]", "message": "not found"}]},
        "meta": {"request_id": "rid-400"}
    });
    let (base, _) = reply(StatusCode::BAD_REQUEST, body).await;
    let err = client(base, Duration::from_secs(5))
        .create_portal_session(&ctm(), &[sub()])
        .await
        .unwrap_err();
    let ClientError::Api {
        status: 400, error, ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(error.errors[0].field, "subscription_ids[0]");
}

#[tokio::test]
async fn a_429_carries_retry_after_seconds() {
    let body = json!({
        "error": {"type": "request_error", "code": "too_many_requests", "detail": "Slow down.",
                  "documentation_url": "https://developer.paddle.com/errors/shared/too_many_requests"},
        "meta": {"request_id": "rid-429"}
    });
    let (base, _) = serve(
        StatusCode::TOO_MANY_REQUESTS,
        &[("retry-after", "30")],
        body,
        Duration::ZERO,
    )
    .await;
    let err = client(base, Duration::from_secs(5))
        .get_subscription(&sub())
        .await
        .unwrap_err();
    let ClientError::RateLimited {
        retry_after,
        request_id,
        error,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*retry_after, Some(Duration::from_secs(30)));
    assert_eq!(request_id.as_deref(), Some("rid-429"));
    assert_eq!(error.as_ref().unwrap().code, "too_many_requests");
    assert!(err.is_transient());
    assert!(err.to_string().contains("30"), "{err}");
}

#[tokio::test]
async fn a_429_without_body_or_usable_header_still_is_rate_limited() {
    let (base, _) = serve(
        StatusCode::TOO_MANY_REQUESTS,
        &[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")],
        json!("busy"),
        Duration::ZERO,
    )
    .await;
    let err = client(base, Duration::from_secs(5))
        .get_subscription(&sub())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::RateLimited {
                retry_after: None,
                error: None,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let (base, _) = serve(
        StatusCode::CREATED,
        &[],
        portal_body(),
        Duration::from_secs(3),
    )
    .await;
    let started = std::time::Instant::now();
    let err = client(base.clone(), Duration::from_millis(200))
        .create_portal_session(&ctm(), &[])
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Timeout(_)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(err.is_transient());
    assert_no_secrets(&err, &base);
}

#[tokio::test]
async fn a_closed_port_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
    drop(listener);
    let err = client(base.clone(), Duration::from_secs(5))
        .get_customer(&ctm())
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Transport(_)), "{err:?}");
    assert_no_secrets(&err, &base);
}

#[tokio::test]
async fn an_undecodable_success_is_a_decode_error() {
    let (base, _) = reply(
        StatusCode::CREATED,
        json!({"data": {"id": "nope"}, "meta": {"request_id": "rid-bad"}}),
    )
    .await;
    let err = client(base, Duration::from_secs(5))
        .create_portal_session(&ctm(), &[])
        .await
        .unwrap_err();
    let ClientError::Decode {
        status: 201,
        request_id,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(request_id.as_deref(), Some("rid-bad"));
}

#[tokio::test]
async fn a_non_json_error_page_is_a_decode_error() {
    let (base, _) = reply(StatusCode::BAD_GATEWAY, json!("<html>bad gateway</html>")).await;
    let err = client(base, Duration::from_secs(5))
        .get_customer(&ctm())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Decode {
                status: 502,
                request_id: None,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_200_where_201_is_documented_is_unexpected() {
    let (base, _) = reply(StatusCode::OK, portal_body()).await;
    let err = client(base, Duration::from_secs(5))
        .create_portal_session(&ctm(), &[])
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClientError::UnexpectedStatus { status: 200, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_decode_error_never_carries_the_value_it_met() {
    // A link where an object belongs: serde_json's own message would quote it.
    let link = "https://sandbox-customer-portal.paddle.com/cpl_01j7zbyqs3vah3aafp4jf62qaw?token=pga_secret";
    let mut body = portal_body();
    body["data"]["urls"] = json!(link);
    let (base, _) = reply(StatusCode::CREATED, body).await;
    let err = client(base, Duration::from_secs(5))
        .create_portal_session(&ctm(), &[])
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClientError::Decode { status: 201, .. }),
        "{err:?}"
    );
    let mut texts = vec![err.to_string(), format!("{err:?}")];
    let mut source = std::error::Error::source(&err);
    while let Some(e) = source {
        texts.push(e.to_string());
        source = e.source();
    }
    assert!(texts.len() > 2, "the cause is kept: {texts:?}");
    for text in texts {
        assert!(!text.contains("pga_secret"), "the link leaked: {text}");
    }
}

#[tokio::test]
async fn a_body_over_the_cap_is_not_read_whole() {
    let huge = "x".repeat(paddle::error::MAX_BODY);
    let (base, _) = reply(StatusCode::OK, json!({"data": huge})).await;
    let err = client(base, Duration::from_secs(5))
        .get_customer(&ctm())
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClientError::TooLarge { status: 200 }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_chunked_body_over_the_cap_is_cut_off() {
    use std::io::{Read, Write};
    // No Content-Length to refuse early: the cap holds as the chunks come.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
    std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut request = [0u8; 4096];
        let _ = conn.read(&mut request);
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        let chunk = vec![b' '; 1024 * 1024];
        let mut sent = conn.write_all(head.as_bytes());
        for _ in 0..(paddle::error::MAX_BODY / chunk.len() + 4) {
            sent = sent
                .and_then(|()| write!(conn, "{:x}\r\n", chunk.len()))
                .and_then(|()| conn.write_all(&chunk))
                .and_then(|()| conn.write_all(b"\r\n"));
            if sent.is_err() {
                break; // the client stopped reading
            }
        }
    });
    let err = client(base, Duration::from_secs(5))
        .get_customer(&ctm())
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClientError::TooLarge { status: 200 }),
        "{err:?}"
    );
}
