use super::*;
use std::collections::HashMap;

fn load(pairs: &[(&'static str, &'static str)]) -> Result<Settings, SettingsError> {
    let map: HashMap<&str, &str> = pairs.iter().copied().collect();
    Settings::from_source(&map)
}

#[test]
fn defaults_are_local_sqlite_on_port_3000() {
    let s = load(&[]).expect("defaults load");
    assert_eq!(s.public_origin(), "http://127.0.0.1:3000");
    assert_eq!(s.data_dir, PathBuf::from("./data"));
    assert_eq!(
        s.database_url.expose_secret(),
        "sqlite://./data/paddock.db?mode=rwc"
    );
    assert_eq!(s.leptos.site_addr.to_string(), "127.0.0.1:3000");
    assert_eq!(&*s.leptos.output_name, "paddock");
    assert!(!s.is_https());
}

#[test]
fn data_dir_moves_the_default_database() {
    let s = load(&[("PADDOCK_DATA_DIR", "/var/lib/paddock")]).expect("loads");
    assert_eq!(
        s.database_url.expose_secret(),
        "sqlite:///var/lib/paddock/paddock.db?mode=rwc"
    );
}

#[test]
fn each_bad_variable_is_named() {
    let cases: &[(&str, &str)] = &[
        ("PUBLIC_URL", "not a url"),
        ("PUBLIC_URL", "ftp://example.com"),
        ("PUBLIC_URL", "https://example.com/app"),
        ("PUBLIC_URL", "https://user:pw@example.com"),
        ("DATABASE_URL", "mysql://root:hunter2@db/paddock"),
        ("LEPTOS_SITE_ADDR", "localhost"),
        ("LEPTOS_OUTPUT_NAME", "../evil"),
    ];
    for &(var, value) in cases {
        let err = load(&[(var, value)]).expect_err(value);
        assert_eq!(err.var, var, "{value}");
        assert!(err.to_string().starts_with(var), "{err}");
    }
}

#[test]
fn bad_database_url_error_does_not_echo_the_password() {
    let err = load(&[("DATABASE_URL", "mysql://root:hunter2@db/paddock")]).expect_err("rejected");
    assert!(!err.to_string().contains("hunter2"));
}

#[test]
fn debug_output_redacts_the_database_url() {
    let s = load(&[("DATABASE_URL", "postgres://paddock:hunter2@db/paddock")]).expect("loads");
    let shown = format!("{s:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("[redacted]"));
    assert_eq!(s.database_kind(), "postgres");
}

#[test]
fn public_url_follows_the_listen_address_by_default() {
    let s = load(&[("LEPTOS_SITE_ADDR", "0.0.0.0:8080")]).expect("loads");
    assert_eq!(s.public_origin(), "http://127.0.0.1:8080");
}

#[test]
fn https_public_url_means_secure_cookies() {
    let s = load(&[("PUBLIC_URL", "https://billing.example.com")]).expect("loads");
    assert!(s.is_https());
    assert_eq!(s.public_origin(), "https://billing.example.com");
}

#[test]
fn live_billing_requires_real_mail() {
    let live = [
        (
            "PADDLE_API_KEY",
            "pdl_live_apikey_01abcdefghijklmnopqrstuvwx_ABCDEFGHIJKLMNOPQRSTUV",
        ),
        ("PADDLE_ENV", "production"),
        ("PADDLE_WEBHOOK_SECRETS", "pdl_ntfset_x"),
    ];
    let err = load(&live).expect_err("no SMTP_URL");
    assert_eq!(err.var, "SMTP_URL");
    let mut with_smtp = live.to_vec();
    with_smtp.push(("SMTP_URL", "smtps://user:pass@mail.example.com:465"));
    assert!(load(&with_smtp).is_ok());
}
