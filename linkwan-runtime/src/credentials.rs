//! Access keys and STS tokens.

use std::fmt;

use zeroize::Zeroizing;

use crate::Error;

/// Environment variable holding the AccessKey ID.
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// Environment variable holding the AccessKey secret.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// Environment variable holding an optional STS security token.
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

/// An AccessKey pair, optionally with an STS security token.
///
/// The secret and the token are zeroized when dropped and never shown by `Debug`:
///
/// ```
/// use linkwan_runtime::Credentials;
///
/// let creds = Credentials::new("LTAI5tExampleKeyId", "ExampleSecret").with_security_token("CAIS-token");
/// let shown = format!("{creds:?}");
/// assert!(!shown.contains("ExampleSecret") && !shown.contains("CAIS-token"));
/// assert_eq!(creds.access_key_id(), "LTAI5tExampleKeyId");
/// ```
///
/// Two credentials are equal when the ID, the secret and the token all are; the secret
/// and the token are compared in time that does not depend on where they differ.
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: Zeroizing<String>,
    security_token: Option<Zeroizing<String>>,
}

impl Credentials {
    /// An AccessKey pair.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            access_key_secret: Zeroizing::new(access_key_secret.into()),
            security_token: None,
        }
    }

    /// Adds an STS security token (sent as `SecurityToken`).
    #[must_use = "`with_security_token` returns the credentials with the token"]
    pub fn with_security_token(mut self, security_token: impl Into<String>) -> Self {
        self.security_token = Some(Zeroizing::new(security_token.into()));
        self
    }

    /// Reads `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and the
    /// optional `ALIBABA_CLOUD_SECURITY_TOKEN`.
    ///
    /// Empty variables count as unset.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the AccessKey ID or the secret is unset, naming the missing
    /// variable (never a value).
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup`.
    ///
    /// ```
    /// use linkwan_runtime::Credentials;
    ///
    /// let vars = [("ALIBABA_CLOUD_ACCESS_KEY_ID", "id"), ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s")];
    /// let lookup = |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string());
    /// assert_eq!(Credentials::from_lookup(lookup)?.access_key_id(), "id");
    ///
    /// let err = Credentials::from_lookup(|_| None).unwrap_err();
    /// assert_eq!(err.to_string(), "configuration error: ALIBABA_CLOUD_ACCESS_KEY_ID is not set");
    /// # Ok::<(), linkwan_runtime::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`from_env`](Self::from_env).
    pub fn from_lookup(mut lookup: impl FnMut(&str) -> Option<String>) -> Result<Self, Error> {
        let mut get = |name: &str| lookup(name).filter(|v| !v.is_empty());
        let id = get(ENV_ACCESS_KEY_ID);
        let secret = get(ENV_ACCESS_KEY_SECRET);
        let token = get(ENV_SECURITY_TOKEN);
        match (id, secret) {
            (Some(id), Some(secret)) => {
                let creds = Credentials::new(id, secret);
                Ok(match token {
                    Some(token) => creds.with_security_token(token),
                    None => creds,
                })
            }
            (None, _) => Err(Error::Config(format!("{ENV_ACCESS_KEY_ID} is not set"))),
            (Some(_), None) => Err(Error::Config(format!("{ENV_ACCESS_KEY_SECRET} is not set"))),
        }
    }

    /// The AccessKey ID (sent as `AccessKeyId`).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The AccessKey secret, the HMAC key. Handle with care.
    pub fn access_key_secret(&self) -> &str {
        &self.access_key_secret
    }

    /// The STS security token, if any.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref().map(String::as_str)
    }
}

impl PartialEq for Credentials {
    fn eq(&self, other: &Self) -> bool {
        let same_token = match (&self.security_token, &other.security_token) {
            (Some(a), Some(b)) => constant_time_eq(a.as_bytes(), b.as_bytes()),
            (None, None) => true,
            _ => false,
        };
        // `&`, not `&&`: every part is compared, whichever differs.
        (self.access_key_id == other.access_key_id)
            & constant_time_eq(
                self.access_key_secret.as_bytes(),
                other.access_key_secret.as_bytes(),
            )
            & same_token
    }
}

impl Eq for Credentials {}

/// Whether `a` and `b` are equal, in time that depends on their lengths only (not on
/// where they differ), for comparing secrets.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len()
        && std::hint::black_box(a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y))) == 0
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &MaskedId(&self.access_key_id))
            .field("access_key_secret", &Redacted)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| Redacted),
            )
            .finish()
    }
}

struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("** redacted **")
    }
}

/// Shows at most the first four characters of an AccessKey ID.
struct MaskedId<'a>(&'a str);

impl fmt::Debug for MaskedId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let head: String = self.0.chars().take(4).collect();
        write!(f, "\"{head}****\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_lookup_reads_and_reports_missing() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let c = Credentials::from_lookup(env(&[
            (ENV_ACCESS_KEY_ID, "id"),
            (ENV_ACCESS_KEY_SECRET, "s3cret"),
            (ENV_SECURITY_TOKEN, "tok"),
        ]))
        .unwrap();
        assert_eq!(c.security_token(), Some("tok"));
        let err = Credentials::from_lookup(env(&[(ENV_ACCESS_KEY_ID, "id")])).unwrap_err();
        assert!(err.to_string().contains(ENV_ACCESS_KEY_SECRET));
        let err = Credentials::from_lookup(env(&[(ENV_ACCESS_KEY_SECRET, "s3cret")])).unwrap_err();
        assert!(err.to_string().contains(ENV_ACCESS_KEY_ID));
        assert!(!err.to_string().contains("s3cret"));
    }

    #[test]
    fn equality_compares_every_part() {
        let c = Credentials::new("id", "s3cret").with_security_token("tok");
        assert_eq!(c, c.clone());
        assert_ne!(c, Credentials::new("id", "s3cret"));
        assert_ne!(Credentials::new("id", "s3cret"), c);
        assert_ne!(
            c,
            Credentials::new("id", "s3creT").with_security_token("tok")
        );
        assert_ne!(
            c,
            Credentials::new("id", "s3cre").with_security_token("tok")
        );
        assert_ne!(
            c,
            Credentials::new("id", "s3cret").with_security_token("toK")
        );
        assert_ne!(
            c,
            Credentials::new("iD", "s3cret").with_security_token("tok")
        );
        assert_eq!(Credentials::new("", ""), Credentials::new("", ""));
        assert!(constant_time_eq(b"", b""));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(!constant_time_eq(b"\x80", b"\x00"));
    }

    #[test]
    fn debug_redacts() {
        let c = Credentials::new("LTAI5tKey", "s3cret").with_security_token("tok3n");
        let s = format!("{c:?}");
        assert!(s.contains("LTAI****"), "{s}");
        assert!(!s.contains("s3cret") && !s.contains("tok3n") && !s.contains("5tKey"));
    }
}
