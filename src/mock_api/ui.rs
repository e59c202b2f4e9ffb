//! `GET /_mock/ui`: the live page of `serve`, one HTML file compiled into the binary (no CDN,
//! no network, no front-end build): every task as it is created and every callback as it ends,
//! pushed by `/_mock/events`, with the actions of `actions.rs` as buttons.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The page, its script and its styles.
const PAGE: &str = include_str!("ui/page.html");

pub(super) async fn page() -> Response {
    let families = serde_json::to_string(&crate::family::ids()).unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            // Nothing but this page's own: no other origin's script, frame or request.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            ),
            // The token is in the page's URL: it never goes out in a Referer.
            (header::REFERRER_POLICY, "no-referrer"),
            (header::X_FRAME_OPTIONS, "DENY"),
        ],
        PAGE.replace("__FAMILIES__", &families),
    )
        .into_response()
}
