use super::*;
use crate::server::settings::RawSettings;

/// Paddle's settings from these variables alone, read by clap as at start-up.
fn load(pairs: &[(&str, &str)]) -> Result<PaddleSettings, SettingsError> {
    RawSettings::from_pairs(pairs)?
        .paddle
        .build(Path::new("/srv/data"))
}

fn first_secret(s: &PaddleSettings) -> Option<&str> {
    s.webhook_secrets.first().map(|s| s.expose_secret())
}

const SANDBOX_KEY: &str = "pdl_sdbx_apikey_01abcdefghijklmnopqrstuvwx_ABCDEFGHIJKLMNOPQRSTUV";
const LIVE_KEY: &str = "pdl_live_apikey_01abcdefghijklmnopqrstuvwx_ABCDEFGHIJKLMNOPQRSTUV";

#[test]
fn no_api_key_means_the_local_emulator_with_its_default_key() {
    let s = load(&[]).expect("defaults");
    let PaddleMode::Local(local) = &s.mode else {
        panic!("local mode")
    };
    assert_eq!(local.emulator_addr.to_string(), "127.0.0.1:3900");
    assert_eq!(
        local.api_keys[0].expose_secret(),
        paddle_emulator::DEFAULT_API_KEY
    );
    assert_eq!(
        local.state_file,
        PathBuf::from("/srv/data/paddle-emulator.json")
    );
    assert_eq!(local.link_ttl, Duration::from_secs(600));
    assert!(s.webhook_secrets.is_empty());
    assert_eq!(s.webhook_tolerance, Duration::from_secs(5));
}

#[test]
fn local_settings_are_read_from_their_variables() {
    let s = load(&[
        ("PADDLE_EMULATOR_ADDR", "127.0.0.1:4900"),
        ("PADDLE_EMULATOR_API_KEYS", "key_one, key_two"),
        ("PADDLE_WEBHOOK_SECRETS", "pdl_ntfset_a,pdl_ntfset_b"),
        ("PADDLE_EMULATOR_LINK_TTL_SECS", "30"),
        ("PADDLE_WEBHOOK_TOLERANCE_SECS", "300"),
    ])
    .expect("loads");
    assert_eq!(s.webhook_tolerance, Duration::from_secs(300));
    let PaddleMode::Local(local) = &s.mode else {
        panic!("local mode")
    };
    assert_eq!(local.emulator_addr.port(), 4900);
    assert_eq!(local.api_keys.len(), 2);
    assert_eq!(local.api_keys[0].expose_secret(), "key_one");
    assert_eq!(local.link_ttl, Duration::from_secs(30));
    assert_eq!(first_secret(&s), Some("pdl_ntfset_a"));
}

#[test]
fn a_live_key_selects_its_environment() {
    let s = load(&[
        ("PADDLE_API_KEY", SANDBOX_KEY),
        ("PADDLE_ENV", "sandbox"),
        ("PADDLE_WEBHOOK_SECRETS", "pdl_ntfset_x"),
    ])
    .expect("loads");
    let PaddleMode::Live(live) = &s.mode else {
        panic!("live mode")
    };
    assert_eq!(live.environment, PaddleEnvironment::Sandbox);
    assert_eq!(
        live.environment.api_base(),
        "https://sandbox-api.paddle.com"
    );
    assert_eq!(
        live.environment.portal_host(),
        "sandbox-customer-portal.paddle.com"
    );
    assert!(!s.is_local());
}

#[test]
fn a_key_of_the_other_environment_is_refused() {
    for (key, env) in [(LIVE_KEY, "sandbox"), (SANDBOX_KEY, "production")] {
        let err = load(&[
            ("PADDLE_API_KEY", key),
            ("PADDLE_ENV", env),
            ("PADDLE_WEBHOOK_SECRETS", "s"),
        ])
        .expect_err("mismatch");
        assert_eq!(err.var, "PADDLE_API_KEY");
        assert!(
            !err.to_string().contains(key),
            "the key is not echoed: {err}"
        );
    }
}

#[test]
fn live_mode_needs_an_environment_and_webhook_secrets() {
    let err = load(&[
        ("PADDLE_API_KEY", LIVE_KEY),
        ("PADDLE_WEBHOOK_SECRETS", "s"),
    ])
    .expect_err("no env");
    assert_eq!(err.var, "PADDLE_ENV");
    let err = load(&[("PADDLE_API_KEY", LIVE_KEY), ("PADDLE_ENV", "production")])
        .expect_err("no secrets");
    assert_eq!(err.var, "PADDLE_WEBHOOK_SECRETS");
}

#[test]
fn an_environment_without_a_key_is_refused() {
    let err = load(&[("PADDLE_ENV", "production")]).expect_err("no key");
    assert_eq!(err.var, "PADDLE_ENV");
}

#[test]
fn bad_emulator_values_name_their_variable() {
    for (var, value) in [
        ("PADDLE_EMULATOR_ADDR", "nowhere"),
        ("PADDLE_EMULATOR_LINK_TTL_SECS", "0"),
        ("PADDLE_WEBHOOK_TOLERANCE_SECS", "soon"),
    ] {
        let err = load(&[(var, value)]).expect_err(value);
        assert_eq!(err.var, var);
    }
}

#[test]
fn debug_output_redacts_secrets() {
    let s = load(&[
        ("PADDLE_API_KEY", SANDBOX_KEY),
        ("PADDLE_ENV", "sandbox"),
        ("PADDLE_WEBHOOK_SECRETS", "pdl_ntfset_topsecret"),
    ])
    .expect("loads");
    let shown = format!("{s:?}");
    assert!(
        !shown.contains("topsecret") && !shown.contains(SANDBOX_KEY),
        "{shown}"
    );
}

#[test]
fn a_checkout_url_must_be_https() {
    let live = [
        ("PADDLE_API_KEY", SANDBOX_KEY),
        ("PADDLE_ENV", "sandbox"),
        ("PADDLE_WEBHOOK_SECRETS", "pdl_ntfset_x"),
    ];
    let with = |url: &'static str| {
        let mut pairs = live.to_vec();
        pairs.push(("PADDLE_CHECKOUT_URL", url));
        load(&pairs)
    };
    let checkout = |s: PaddleSettings| match s.mode {
        PaddleMode::Live(live) => live.checkout_url.map(|u| u.to_string()),
        PaddleMode::Local(_) | PaddleMode::Remote(_) => panic!("live mode"),
    };
    assert_eq!(checkout(load(&live).expect("loads")), None);
    assert_eq!(
        checkout(with("https://shop.example.com/pricing").expect("loads")).as_deref(),
        Some("https://shop.example.com/pricing")
    );
    for bad in [
        "http://shop.example.com/",
        "javascript:alert(1)",
        "/pricing",
    ] {
        let err = with(bad).expect_err(bad);
        assert_eq!(err.var, "PADDLE_CHECKOUT_URL", "{bad}");
    }
}

#[test]
fn an_api_url_selects_a_standalone_emulator_with_its_key_secret_and_portal_origin() {
    let s = load(&[
        ("PADDLE_API_URL", "http://10.0.0.5:3900"),
        ("PADDLE_API_KEY", "emulator_key"),
        ("PADDLE_WEBHOOK_SECRETS", "pdl_ntfset_shared"),
    ])
    .expect("loads");
    let PaddleMode::Remote(remote) = &s.mode else {
        panic!("remote mode")
    };
    assert_eq!(remote.api_url.as_str(), "http://10.0.0.5:3900/");
    assert_eq!(remote.api_key.expose_secret(), "emulator_key");
    // By default portal links may point only at the API's own origin.
    assert_eq!(remote.portal_origin.as_str(), "http://10.0.0.5:3900/");
    assert_eq!(first_secret(&s), Some("pdl_ntfset_shared"));
    assert!(!s.is_local() && !s.is_live());

    let s = load(&[
        ("PADDLE_API_URL", "http://10.0.0.5:3900"),
        ("PADDLE_API_KEY", "emulator_key"),
        ("PADDLE_WEBHOOK_SECRETS", "pdl_ntfset_shared"),
        (
            "PADDLE_PORTAL_ORIGIN",
            "https://portal.staging.example/some/path",
        ),
    ])
    .expect("loads");
    let PaddleMode::Remote(remote) = &s.mode else {
        panic!("remote mode")
    };
    assert_eq!(
        remote.portal_origin.as_str(),
        "https://portal.staging.example/"
    );
}

#[test]
fn an_api_url_needs_a_key_and_a_secret_and_refuses_real_paddle_or_odd_urls() {
    let url = ("PADDLE_API_URL", "http://10.0.0.5:3900");
    let key = ("PADDLE_API_KEY", "emulator_key");
    let secret = ("PADDLE_WEBHOOK_SECRETS", "pdl_ntfset_shared");
    let odd_origin = ("PADDLE_PORTAL_ORIGIN", "javascript:alert(1)");
    let mut cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![url, secret], "PADDLE_API_KEY"),
        (vec![url, key], "PADDLE_WEBHOOK_SECRETS"),
        (
            vec![url, key, secret, ("PADDLE_ENV", "sandbox")],
            "PADDLE_ENV",
        ),
        (vec![url, key, secret, odd_origin], "PADDLE_PORTAL_ORIGIN"),
        // Remote mode allows the local outbox: nothing of the real Paddle gets through.
        (
            vec![url, ("PADDLE_API_KEY", LIVE_KEY), secret],
            "PADDLE_API_KEY",
        ),
        (
            vec![
                url,
                key,
                secret,
                ("PADDLE_PORTAL_ORIGIN", "https://customer-portal.paddle.com"),
            ],
            "PADDLE_PORTAL_ORIGIN",
        ),
        (
            vec![
                url,
                key,
                secret,
                (
                    "PADDLE_PORTAL_ORIGIN",
                    "https://Sandbox-Customer-Portal.Paddle.com.",
                ),
            ],
            "PADDLE_PORTAL_ORIGIN",
        ),
    ];
    for odd in [
        "https://sandbox-api.paddle.com",
        "https://api.paddle.com./",
        "https://API.Paddle.COM",
        "10.0.0.5:3900",
        "http://user:pw@10.0.0.5:3900",
    ] {
        cases.push((vec![("PADDLE_API_URL", odd), key, secret], "PADDLE_API_URL"));
    }
    for (pairs, var) in cases {
        let err = match load(&pairs) {
            Ok(_) => panic!("{pairs:?} loaded"),
            Err(e) => e,
        };
        assert_eq!(err.var, var, "{pairs:?}: {err}");
    }
}

#[test]
fn durations_beyond_their_bound_are_refused() {
    for (var, top) in [
        ("PADDLE_WEBHOOK_TOLERANCE_SECS", 300u64),
        ("PADDLE_TIMEOUT_SECS", 120),
        ("PADDLE_EMULATOR_LINK_TTL_SECS", 86_400),
    ] {
        // A request long enough for the longest Paddle timeout's mint.
        let request = ("HTTP_REQUEST_TIMEOUT_SECS", "3600");
        let at_top = top.to_string();
        load(&[(var, &at_top), request]).unwrap_or_else(|e| panic!("{var}={top}: {e}"));
        for over in [(top + 1).to_string(), u64::MAX.to_string()] {
            let err = match load(&[(var, &over), request]) {
                Ok(_) => panic!("{var}={over} loaded"),
                Err(e) => e,
            };
            assert_eq!(err.var, var, "{err}");
            assert!(err.reason.contains(&at_top), "{var}: {}", err.reason);
        }
    }
}
