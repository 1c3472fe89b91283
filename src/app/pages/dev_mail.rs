//! `/dev/mail`: the local outbox, for people trying the app without an SMTP server.
//! The server answers 404 here when `SMTP_URL` is set.

use leptos::prelude::*;
use leptos_meta::Title;

/// One message of the outbox.
#[derive(Clone, Debug)]
pub struct MailSummary {
    pub to: String,
    pub subject: String,
    pub sent_at: String,
    /// The first link into the app, if the message has one.
    pub link: Option<String>,
}

/// The outbox listing, newest first, loaded by the server for this page.
#[derive(Clone, Debug, Default)]
pub struct Outbox(pub Vec<MailSummary>);

#[component]
pub fn DevMailPage() -> impl IntoView {
    let Outbox(messages) = use_context::<Outbox>().unwrap_or_default();
    let empty = messages.is_empty();
    view! {
        <Title text="Outbox · Paddock" />
        <h1>"Outbox"</h1>
        <p>"Without SMTP_URL, mail is written to files instead of sent; here they are, newest first."</p>
        {empty.then(|| view! { <p>"No mail yet."</p> })}
        <ul class="outbox">
            {messages.into_iter().map(|m| view! {
                <li>
                    <p><strong>{m.subject}</strong></p>
                    <p>"To: " {m.to} " · " <time>{m.sent_at}</time></p>
                    {m.link.map(|link| view! { <p><a href=link.clone()>{link.clone()}</a></p> })}
                </li>
            }).collect_view()}
        </ul>
    }
}
