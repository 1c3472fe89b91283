use super::*;
use clap::{Args, Command};

fn load(pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
    Settings::from_pairs(pairs)
}

/// Every setting clap defines, with its variable.
fn definitions() -> Vec<clap::Arg> {
    RawSettings::augment_args(Command::new("paddock"))
        .get_arguments()
        .filter(|arg| arg.get_env().is_some())
        .cloned()
        .collect()
}

fn env_of(arg: &clap::Arg) -> String {
    arg.get_env()
        .map(|v| v.to_string_lossy().into_owned())
        .unwrap_or_default()
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
    assert_eq!(&*s.leptos.site_root, "target/site");
    assert_eq!(&*s.leptos.site_pkg_dir, "pkg");
    assert!(!s.is_https());
    assert_eq!(s.http.max_connections, 1024);
    assert_eq!(s.http.header_timeout.as_secs(), 10);
    assert_eq!(s.http.request_timeout.as_secs(), 30);
    assert_eq!(s.http.write_timeout.as_secs(), 30);
    assert_eq!(s.http.shutdown_grace.as_secs(), 10);
    assert_eq!(s.paddle.timeout.as_secs(), 10);
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
        ("PUBLIC_URL", "billing.example.com"),
        ("PUBLIC_URL", "ftp://example.com"),
        ("PUBLIC_URL", "https://example.com/app"),
        ("PUBLIC_URL", "https://user:pw@example.com"),
        ("DATABASE_URL", "mysql://root:hunter2@db/paddock"),
        ("LEPTOS_SITE_ADDR", "localhost"),
        ("LEPTOS_OUTPUT_NAME", "../evil"),
        ("HTTP_MAX_CONNECTIONS", "abc"),
        ("HTTP_MAX_CONNECTIONS", "0"),
        ("HTTP_HEADER_TIMEOUT_SECS", "301"),
        ("HTTP_WRITE_TIMEOUT_SECS", "0"),
        ("SHUTDOWN_GRACE_SECS", "0"),
        ("PADDLE_TIMEOUT_SECS", "0"),
    ];
    for &(var, value) in cases {
        let err = load(&[(var, value)]).expect_err(value);
        assert_eq!(err.var, var, "{value}");
        assert!(err.to_string().starts_with(&format!("{var}: ")), "{err}");
        if value.len() > 3 {
            assert!(
                !err.to_string().contains(value),
                "the value is not echoed: {err}"
            );
        }
    }
}

#[test]
fn a_blank_value_counts_as_unset_and_a_later_pair_wins() {
    let s = load(&[("HTTP_MAX_CONNECTIONS", " "), ("PUBLIC_URL", "")]).expect("loads");
    assert_eq!(s.http.max_connections, 1024);
    assert_eq!(s.public_origin(), "http://127.0.0.1:3000");
    let s = load(&[
        ("HTTP_MAX_CONNECTIONS", "abc"),
        ("HTTP_MAX_CONNECTIONS", "7"),
    ])
    .expect("loads");
    assert_eq!(s.http.max_connections, 7);
}

#[test]
fn an_unknown_variable_is_refused() {
    let err = load(&[("HTTP_MAX_CONECTIONS", "7")]).expect_err("typo");
    assert_eq!(err.var, "HTTP_MAX_CONECTIONS");
}

#[test]
fn bad_database_url_error_does_not_echo_the_password() {
    let err = load(&[("DATABASE_URL", "mysql://root:hunter2@db/paddock")]).expect_err("rejected");
    assert!(!err.to_string().contains("hunter2"));
}

#[test]
fn debug_output_redacts_the_secrets_raw_and_typed() {
    let pairs = [
        ("DATABASE_URL", "postgres://paddock:hunter2@db/paddock"),
        ("SMTP_URL", "smtps://user:hunter3@mail.example.com:465"),
        ("PADDLE_API_KEY", "pdl_sdbx_apikey_hunter4"),
        ("PADDLE_ENV", "sandbox"),
        ("PADDLE_WEBHOOK_SECRETS", "pdl_ntfset_hunter5"),
        ("PADDLE_EMULATOR_API_KEYS", "hunter6"),
    ];
    let raw = RawSettings::from_pairs(&pairs).expect("reads");
    let s = Settings::from_raw(raw.clone()).expect("loads");
    for shown in [format!("{raw:?}"), format!("{s:?}")] {
        assert!(!shown.contains("hunter"), "{shown}");
    }
    assert_eq!(s.database_kind(), "postgres");
}

#[test]
fn secrets_never_show_their_environment_values_in_help() {
    let secrets = [
        "DATABASE_URL",
        "SMTP_URL",
        "PADDLE_API_KEY",
        "PADDLE_WEBHOOK_SECRETS",
        "PADDLE_EMULATOR_API_KEYS",
    ];
    for arg in definitions() {
        let secret = secrets.contains(&env_of(&arg).as_str());
        assert_eq!(arg.is_hide_env_values_set(), secret, "{}", env_of(&arg));
    }
}

#[test]
fn each_flag_is_its_variable_in_kebab_case() {
    for arg in definitions() {
        let var = env_of(&arg);
        let long = var.to_ascii_lowercase().replace('_', "-");
        assert_eq!(arg.get_long(), Some(long.as_str()), "{var}");
    }
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

#[test]
fn a_portal_mint_must_end_before_the_request_that_makes_it() {
    // Two calls of 14 s and the 2 s wait: 30 s, the request's whole time.
    let err = load(&[("PADDLE_TIMEOUT_SECS", "14")]).expect_err("30 s is the request timeout");
    assert_eq!(err.var, "PADDLE_TIMEOUT_SECS");
    assert!(
        err.reason.contains("HTTP_REQUEST_TIMEOUT_SECS (30 s)"),
        "{err}"
    );
    let fits = load(&[("PADDLE_TIMEOUT_SECS", "13")]).expect("28 s fits in 30");
    assert_eq!(fits.paddle.timeout.as_secs(), 13);
    let longer = [
        ("PADDLE_TIMEOUT_SECS", "30"),
        ("HTTP_REQUEST_TIMEOUT_SECS", "63"),
    ];
    assert_eq!(load(&longer).expect("loads").paddle.timeout.as_secs(), 30);
}

/// The README's table of variables (`| `VAR` | default | meaning |`), before the table
/// of test-only variables.
fn readme_table() -> Vec<(String, String)> {
    let readme = include_str!("../../../README.md");
    let section = readme
        .split("## Configuration")
        .nth(1)
        .and_then(|s| s.split("For the tests only").next())
        .expect("a Configuration section");
    section
        .lines()
        .filter_map(|line| {
            let mut cells = line.split('|').skip(1).map(str::trim);
            let var = cells.next()?.strip_prefix('`')?.strip_suffix('`')?;
            Some((var.to_owned(), cells.next()?.to_owned()))
        })
        .collect()
}

#[test]
fn the_readme_documents_every_setting_with_its_default() {
    // Read by the log subscriber before the settings, from the environment only.
    let logging = ["RUST_LOG", "LOG_FORMAT"];
    let table = readme_table();
    let documented: Vec<&str> = table.iter().map(|(var, _)| var.as_str()).collect();
    let defined: Vec<String> = definitions().iter().map(env_of).collect();
    for var in &defined {
        assert!(
            documented.contains(&var.as_str()),
            "{var} is not in the README"
        );
    }
    for var in documented.iter().filter(|v| !logging.contains(v)) {
        assert!(
            defined.iter().any(|d| d == var),
            "{var} is in the README only"
        );
    }
    for arg in definitions() {
        let Some(default) = arg.get_default_values().first() else {
            continue;
        };
        let var = env_of(&arg);
        let shown = format!("`{}`", default.to_string_lossy());
        let (_, readme) = table.iter().find(|(v, _)| *v == var).expect("documented");
        assert_eq!(readme, &shown, "the README's default of {var}");
    }
}
