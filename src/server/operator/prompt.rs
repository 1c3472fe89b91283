//! The yes/no question before anything is minted.

use std::io::{BufRead, Write};

/// Why the operator's consent is missing.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("stdin is not a terminal, so nobody can confirm: pass --yes to mint without asking")]
    NoTerminal,
    #[error("cancelled")]
    Cancelled,
    #[error("reading the answer: {0}")]
    Io(#[from] std::io::Error),
}

impl Refusal {
    /// The audit outcome of this refusal.
    pub fn outcome(&self) -> &'static str {
        match self {
            Self::NoTerminal => "no_terminal",
            Self::Cancelled | Self::Io(_) => "cancelled",
        }
    }
}

/// `--yes` consents; otherwise asks `question` on `out` and reads one line of `input`,
/// which must be a terminal. Only `y` or `yes` (any case) consents.
pub fn confirm(
    question: &str,
    assume_yes: bool,
    interactive: bool,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<(), Refusal> {
    if assume_yes {
        return Ok(());
    }
    if !interactive {
        return Err(Refusal::NoTerminal);
    }
    write!(out, "{question} [y/N] ")?;
    out.flush()?;
    let mut answer = String::new();
    input.read_line(&mut answer)?;
    match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(Refusal::Cancelled),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(answer: &str, assume_yes: bool, interactive: bool) -> (Result<(), Refusal>, String) {
        let mut out = Vec::new();
        let result = confirm(
            "Mint?",
            assume_yes,
            interactive,
            &mut answer.as_bytes(),
            &mut out,
        );
        (result, String::from_utf8(out).expect("utf-8"))
    }

    #[test]
    fn y_or_yes_on_a_terminal_consents() {
        for answer in ["y\n", "Y\n", "yes\n", " YES \n", "y"] {
            let (result, shown) = ask(answer, false, true);
            assert!(result.is_ok(), "{answer:?}");
            assert_eq!(shown, "Mint? [y/N] ");
        }
    }

    #[test]
    fn anything_else_cancels() {
        for answer in ["\n", "n\n", "no\n", "yep\n", "", "y es\n"] {
            let (result, _) = ask(answer, false, true);
            assert!(matches!(result, Err(Refusal::Cancelled)), "{answer:?}");
        }
    }

    #[test]
    fn without_a_terminal_only_yes_flag_consents_and_nothing_is_asked() {
        let (result, shown) = ask("y\n", false, false);
        assert!(matches!(result, Err(Refusal::NoTerminal)));
        assert_eq!(shown, "", "no question without a terminal");
        let (result, shown) = ask("", true, false);
        assert!(result.is_ok());
        assert_eq!(shown, "");
    }
}
