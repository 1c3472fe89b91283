//! clap reads the settings (flags, the environment after `.env`, defaults). Two things
//! are ours: a blank variable counts as unset, and a value clap refuses is reported as
//! `VARIABLE: reason`, naming what operators set rather than the flag.

use std::ffi::OsStr;
use std::path::Path;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, Args, Command, FromArgMatches, Parser};

use super::{RawSettings, SettingsError};

/// Loads `.env` (if there is one), then parses `P`, which flattens [`RawSettings`], from
/// the command line and the environment. `--help`, `--version` and usage errors end the
/// process as clap does; a bad setting comes back as an error that names its variable.
pub fn parse_command_line<P: Parser>() -> Result<P, SettingsError> {
    load_dotenv(Path::new(".env"))?;
    let matches = P::command()
        .mut_args(blank_is_unset)
        .try_get_matches()
        .map_err(setting_or_exit)?;
    P::from_arg_matches(&matches).map_err(setting_or_exit)
}

/// Sets the variables of the `.env` file at `path` (the working directory's only: no
/// search of the folders above) that the environment does not set. A line it cannot read
/// is named by its number and variable, never shown: its value may be a password or a key.
fn load_dotenv(path: &Path) -> Result<(), SettingsError> {
    match dotenvy::from_path(path) {
        Ok(()) => Ok(()),
        Err(e) if e.not_found() => Ok(()),
        Err(dotenvy::Error::LineParse(bad, _)) => {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            Err(SettingsError::new(".env", unreadable_line(&text, &bad)))
        }
        Err(e) => Err(SettingsError::new(".env", e.to_string())),
    }
}

/// Why `.env` (`text`) was refused: dotenvy reports the line it could not read (`bad`),
/// or only that line's value. This names the line's number and, when it starts like
/// `NAME=`, its variable; nothing else of it.
fn unreadable_line(text: &str, bad: &str) -> String {
    let hint = "quote a value that holds spaces, `#` or `\\` (single quotes keep it as written)";
    let first = bad.lines().next().unwrap_or_default().trim();
    let found = (!first.is_empty())
        .then(|| {
            text.lines()
                .enumerate()
                .find(|(_, line)| line.contains(first))
        })
        .flatten();
    let Some((index, line)) = found else {
        return format!("a line cannot be read (not shown: it may hold a secret): {hint}");
    };
    let name = line
        .split_once('=')
        .map(|(name, _)| name.trim().trim_start_matches("export ").trim())
        .filter(|name| {
            !name.is_empty()
                && name.len() <= 64
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    let number = index + 1;
    match name {
        Some(name) => format!(
            "line {number}, which sets {name}, cannot be read (its value is not shown): {hint}"
        ),
        None => format!("line {number} cannot be read (not shown: it may hold a secret): {hint}"),
    }
}

impl RawSettings {
    /// Reads `(VARIABLE, value)` pairs as if they were the whole environment: each becomes
    /// the `--flag=value` whose variable it is (a later pair wins; blank is unset), and the
    /// process environment is not read at all. An unknown variable is an error.
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Result<Self, SettingsError> {
        let cmd = settings_command();
        let mut argv = vec!["paddock".to_owned()];
        for (i, &(var, value)) in pairs.iter().enumerate() {
            let long = cmd
                .get_arguments()
                .find(|arg| arg.get_env() == Some(OsStr::new(var)))
                .and_then(Arg::get_long)
                .ok_or_else(|| SettingsError::new(var, "is not a setting"))?;
            let overridden = pairs[i + 1..].iter().any(|&(later, _)| later == var);
            if !overridden && !value.trim().is_empty() {
                argv.push(format!("--{long}={value}"));
            }
        }
        let matches = cmd
            .mut_args(|arg| arg.env(None::<&str>))
            .try_get_matches_from(argv)
            .map_err(setting_error)?;
        Self::from_arg_matches(&matches).map_err(setting_error)
    }
}

/// The settings alone, as clap defines them (a fresh copy: `Arg::env` reads the
/// environment when the command is built).
fn settings_command() -> Command {
    RawSettings::augment_args(Command::new("paddock"))
}

/// A variable that is set but blank (or not UTF-8) counts as unset, as it always has:
/// clap would otherwise parse the empty text instead of using the default.
fn blank_is_unset(arg: Arg) -> Arg {
    let blank = arg.get_env().is_some_and(|var| match std::env::var(var) {
        Ok(value) => value.trim().is_empty(),
        Err(e) => matches!(e, std::env::VarError::NotUnicode(_)),
    });
    if blank { arg.env(None::<&str>) } else { arg }
}

fn setting_or_exit(e: clap::Error) -> SettingsError {
    named(&e).unwrap_or_else(|| e.exit())
}

fn setting_error(e: clap::Error) -> SettingsError {
    named(&e).unwrap_or_else(|| SettingsError::new("settings", e.kind().to_string()))
}

/// `VARIABLE: reason` for an error about the value of one setting; `None` for any other
/// error (a usage mistake, `--help`). clap names the argument `--long <NAME>`; the reason
/// is the value parser's, which never echoes the value.
fn named(e: &clap::Error) -> Option<SettingsError> {
    if !matches!(
        e.kind(),
        ErrorKind::ValueValidation | ErrorKind::InvalidValue
    ) {
        return None;
    }
    let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    let long = arg.strip_prefix("--")?.split([' ', '=']).next()?;
    let cmd = settings_command();
    let setting = cmd.get_arguments().find(|a| a.get_long() == Some(long))?;
    let var = setting.get_env()?.to_string_lossy().into_owned();
    let reason =
        std::error::Error::source(e).map_or_else(|| e.kind().to_string(), ToString::to_string);
    Some(SettingsError::new(var, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The refusal of `.env` whose first line is `line`.
    fn refusal(line: &str) -> SettingsError {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join(".env");
        std::fs::write(&path, format!("# settings\n\n{line}\n")).expect("write .env");
        load_dotenv(&path).expect_err("dotenvy must refuse the line")
    }

    #[test]
    fn an_unreadable_env_line_is_named_by_its_variable_and_its_value_never_shown() {
        let e = refusal("PADDOCK_TEST_DSN=postgres://paddock:s3cret pass@db/paddock");
        assert_eq!(e.var, ".env");
        assert!(
            e.reason.contains("line 3, which sets PADDOCK_TEST_DSN"),
            "{}",
            e.reason
        );
        assert!(
            !e.reason.contains("s3cret"),
            "the value leaked: {}",
            e.reason
        );
        let e = refusal("export PADDOCK_TEST_SMTP=\"smtps://u:pa\\ss@host");
        assert!(e.reason.contains("PADDOCK_TEST_SMTP"), "{}", e.reason);
        assert!(
            !e.reason.contains("pa\\ss"),
            "the value leaked: {}",
            e.reason
        );
        let e = refusal("pdl_live_apikey_0123456789 extra");
        assert!(
            !e.reason.contains("pdl_live"),
            "the line leaked: {}",
            e.reason
        );
        assert!(e.reason.contains("line 3 "), "{}", e.reason);
    }

    #[test]
    fn a_missing_env_file_is_no_error() {
        let dir = tempfile::tempdir().expect("temporary folder");
        load_dotenv(&dir.path().join(".env")).expect("no .env is fine");
    }
}
