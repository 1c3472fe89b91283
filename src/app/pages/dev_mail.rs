//! `/dev/mail`: the local outbox, for people trying the app without an SMTP server.
//! The server answers 404 here when `SMTP_URL` is set.

use leptos::prelude::*;
use leptos_meta::Title;

/// One message of the outbox.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct MailSummary {
    pub to: String,
    pub subject: String,
    pub sent_at: String,
    /// The first link into the app, if the message has one.
    pub link: Option<String>,
}

/// The page loads its own listing (`api::pages::load_outbox`).
#[component]
pub fn DevMailPage() -> impl IntoView {
    let listing = Suspend::new(async move {
        crate::api::pages::load_outbox()
            .await
            .map(|messages| view! { <Messages messages /> })
            .ok()
    });
    view! {
        <Title text="Outbox · Paddock" />
        <h1>"Outbox"</h1>
        <Suspense fallback=|| ()>{listing}</Suspense>
    }
}

#[component]
fn Messages(messages: Vec<MailSummary>) -> impl IntoView {
    let empty = messages.is_empty();
    view! {
        <p>
            "Without SMTP_URL, mail is written to files instead of sent; here they are, newest first."
        </p>
        {empty.then(|| view! { <p>"No mail yet."</p> })}
        <ul class="outbox">
            {messages
                .into_iter()
                .map(|m| {
                    view! {
                        <li>
                            <p>
                                <strong>{m.subject}</strong>
                            </p>
                            <p>"To: " {m.to} " · " <time>{m.sent_at}</time></p>
                            {m
                                .link
                                .map(|link| {
                                    view! {
                                        <p>
                                            <a href=link.clone()>{link.clone()}</a>
                                        </p>
                                    }
                                })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
