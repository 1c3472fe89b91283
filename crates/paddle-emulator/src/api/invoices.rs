//! `GET /transactions/{transaction_id}/invoice`: a temporary link to the invoice PDF.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use paddle::TransactionId;
use serde_json::json;

use super::pagination::{ListQuery, Params};
use super::reply::{ApiError, Reply, RequestId, respond};
use crate::emulator::Shared;
use crate::invoices::Disposition;
use crate::state::transactions::TransactionStatus;

const PARAMS: Params = Params {
    served: &["disposition"],
    unimplemented: &[],
};

/// 200 `{"data": {"url"}}` for a `billed` or `completed` transaction.
pub(super) async fn get(
    State(shared): State<Arc<Shared>>,
    Extension(request_id): Extension<RequestId>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    respond(&request_id, invoice(&shared, &id, raw.as_deref()))
}

fn invoice(shared: &Shared, id: &str, raw: Option<&str>) -> Result<Reply, ApiError> {
    PARAMS.check(raw)?;
    let query = ListQuery::parse(raw)?;
    let disposition = match query
        .enum_values("disposition", &["attachment", "inline"])?
        .as_deref()
    {
        Some([one]) if one == "inline" => Disposition::Inline,
        None => Disposition::Attachment,
        Some([one]) if one == "attachment" => Disposition::Attachment,
        Some(_) => {
            return Err(ApiError::invalid_field(vec![super::reply::field(
                "disposition",
                "must be one of: attachment, inline",
            )]));
        }
    };
    let not_found = || {
        let shown: String = id.chars().take(64).collect();
        ApiError::not_found(format!("Transaction {shown} not found."))
    };
    let txn_id = TransactionId::parse(id).map_err(|_| not_found())?;
    let status = shared
        .store
        .read(|data| data.transactions.get(&txn_id).map(|t| t.status))
        .ok_or_else(not_found)?;
    if !matches!(
        status,
        TransactionStatus::Billed | TransactionStatus::Completed
    ) {
        return Err(ApiError::bad_request(format!(
            "Invoice PDFs are available for billed or completed transactions only; \
             transaction {txn_id} is {}.",
            status.as_str()
        )));
    }
    let url = shared
        .invoices
        .mint(&shared.config.origin_str(), &txn_id, disposition);
    Ok(Reply::One(StatusCode::OK, json!({"url": url})))
}
