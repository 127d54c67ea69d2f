//! Why a command did not succeed, and the exit status it ends with.

/// Why a command did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// Bad arguments or settings: exit status 2.
    Usage(String),
    /// A call failed: exit status 1. The runtime's errors hold no secret.
    Call(railgun_api::Error),
    /// A call not safe to repeat failed after it may have taken effect
    /// (its answer was lost or unreadable): exit status 1, and a note that
    /// it was not sent again and the state should be read before sending
    /// it again.
    MayHaveBeenApplied {
        /// How it was called: `railgun partner init`.
        command: String,
        /// Why it failed.
        error: railgun_api::Error,
    },
    /// Output could not be written: exit status 1.
    Io(String),
    /// A fleet run stopped early on an error every zone would meet (its
    /// credentials refused, the service unreachable): exit status 1.
    Stopped(railgun_api::fleet::Stop),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Usage(message) | Failure::Io(message) => f.write_str(message),
            Failure::Call(error) => write!(f, "{error}"),
            Failure::MayHaveBeenApplied { command, error } => write!(
                f,
                "{error}\nnote: {command} is not safe to repeat and may have taken effect before it failed, so it \
                 was not sent again. Check the state before running it again."
            ),
            Failure::Stopped(stop) => write!(f, "stopped: {stop}"),
        }
    }
}

impl From<railgun_api::Error> for Failure {
    fn from(error: railgun_api::Error) -> Failure {
        match error {
            // Refused before anything was sent: the arguments were wrong.
            railgun_api::Error::InvalidInput { .. } => Failure::Usage(error.to_string()),
            other => Failure::Call(other),
        }
    }
}
