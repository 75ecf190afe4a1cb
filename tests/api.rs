//! The public API's trait contracts, checked at compile time (C-SEND-SYNC, C-GOOD-ERR,
//! C-COMMON-TRAITS): a type that stops being `Send`, an error that stops being
//! `std::error::Error + Send + Sync + 'static`, or a dropped derive fails this file's
//! build. The one runtime test spawns `Client::call` on a multi-threaded runtime, as users
//! do, against the emulator.

use std::fmt::{Debug, Display};
use std::hash::Hash;

use linkwan::{
    AcceptJoinPermissionAuthOrder, AcceptJoinPermissionAuthOrderResponse,
    CancelJoinPermissionAuthOrder, CancelJoinPermissionAuthOrderResponse, Client, ClientBuilder,
    Credentials, Error, ErrorCode, RejectJoinPermissionAuthOrder,
    RejectJoinPermissionAuthOrderResponse, RetryPolicy, ServiceError,
    SubmitJoinPermissionAuthOrder, SubmitJoinPermissionAuthOrderResponse,
};
// The types of `linkwan::Error`'s variants and fields, nameable without a direct
// dependency on linkwan-runtime.
use linkwan::{SignatureMismatch, TimeoutKind, TransportError};
use linkwan_runtime::params::Json;
use linkwan_runtime::retry::RetryDecision;
use linkwan_runtime::sign::{Signed, SigningKey};
use linkwan_runtime::{Method, Params, RpcRequest};

fn send_sync<T: Send + Sync + 'static>() {}
fn debug<T: Debug>() {}
fn clone<T: Clone>() {}
fn eq_hash<T: PartialEq + Eq + Hash>() {}
fn default<T: Default>() {}
fn display<T: Display>() {}
/// What `?` into `Box<dyn Error + Send + Sync>` (or anyhow) needs.
fn good_err<T: std::error::Error + Send + Sync + 'static>() {}

#[test]
fn runtime_types_are_send_sync_debug() {
    send_sync::<Client>();
    send_sync::<ClientBuilder>();
    send_sync::<Credentials>();
    send_sync::<RetryPolicy>();
    send_sync::<RetryDecision>();
    send_sync::<Error>();
    send_sync::<ServiceError>();
    send_sync::<TransportError>();
    send_sync::<ErrorCode>();
    send_sync::<SignatureMismatch>();
    send_sync::<TimeoutKind>();
    send_sync::<Method>();
    send_sync::<Params>();
    send_sync::<Signed>();
    send_sync::<SigningKey>();

    debug::<Client>();
    debug::<ClientBuilder>();
    debug::<Credentials>();
    debug::<RetryPolicy>();
    debug::<RetryDecision>();
    debug::<Error>();
    debug::<ServiceError>();
    debug::<TransportError>();
    debug::<ErrorCode>();
    debug::<SignatureMismatch>();
    debug::<TimeoutKind>();
    debug::<Method>();
    debug::<Params>();
    debug::<Json<u8>>();
    debug::<Signed>();
    debug::<SigningKey>();
}

#[test]
fn errors_are_good_errors() {
    good_err::<Error>();
    good_err::<ServiceError>();
    good_err::<TransportError>();
    display::<ErrorCode>();
    display::<SignatureMismatch>();
    display::<TimeoutKind>();
    display::<Method>();
    // `?` from a linkwan::Error into a boxed error.
    fn boxed(e: Error) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        e.into()
    }
    let e = boxed(Error::Config("no endpoint".into()));
    assert_eq!(e.to_string(), "configuration error: no endpoint");
}

#[test]
fn value_types_have_the_common_traits() {
    clone::<Client>();
    clone::<ClientBuilder>();
    clone::<Credentials>();
    clone::<ServiceError>();
    clone::<Params>();
    clone::<Json<u8>>();
    default::<ClientBuilder>();
    default::<RetryPolicy>();
    default::<Params>();
    default::<Method>();
    default::<Json<u8>>();
    eq_hash::<RetryPolicy>();
    eq_hash::<RetryDecision>();
    eq_hash::<ErrorCode>();
    eq_hash::<ServiceError>();
    eq_hash::<SignatureMismatch>();
    eq_hash::<TimeoutKind>();
    eq_hash::<Method>();
    eq_hash::<Json<u8>>();
    assert_eq!(Json(1), Json(1));
    assert_eq!(Json::<u8>::default(), Json(0));
    eq_hash::<Signed>();
    clone::<Signed>();
    clone::<SigningKey>();
    clone::<RetryPolicy>();
}

/// C-CONV-TRAITS and C-COLLECT: the string-like values lend their text to any
/// `AsRef<str>` API, and `Params` is built and extended like any collection.
#[test]
fn conversion_and_collection_traits() {
    fn text<T: AsRef<str>>(t: &T) -> &str {
        t.as_ref()
    }
    assert_eq!(text(&ErrorCode::ThrottlingUser), "Throttling.User");
    assert_eq!(text(&ErrorCode::from("Some.Other")), "Some.Other");
    assert_eq!(text(&Method::Get), "GET");
    assert_eq!(text(&Method::default()), "POST");

    fn collect<C: FromIterator<(&'static str, &'static str)> + Extend<(String, String)>>() {}
    collect::<Params>();
    let mut params: Params = [("Action", "X")].into_iter().collect();
    params.extend([("OrderId".to_owned(), "123".to_owned())]);
    assert_eq!(params.get("OrderId"), Some("123"));
    assert_eq!(params.len(), 2);
}

#[test]
fn linkwan_requests_and_responses() {
    send_sync::<RejectJoinPermissionAuthOrder>();
    send_sync::<AcceptJoinPermissionAuthOrder>();
    send_sync::<CancelJoinPermissionAuthOrder>();
    send_sync::<SubmitJoinPermissionAuthOrder>();
    send_sync::<RejectJoinPermissionAuthOrderResponse>();
    send_sync::<AcceptJoinPermissionAuthOrderResponse>();
    send_sync::<CancelJoinPermissionAuthOrderResponse>();
    send_sync::<SubmitJoinPermissionAuthOrderResponse>();
    eq_hash::<RejectJoinPermissionAuthOrder>();
    eq_hash::<AcceptJoinPermissionAuthOrder>();
    eq_hash::<CancelJoinPermissionAuthOrder>();
    eq_hash::<SubmitJoinPermissionAuthOrder>();
    clone::<RejectJoinPermissionAuthOrderResponse>();
    debug::<SubmitJoinPermissionAuthOrderResponse>();
}

/// The future of `Client::call` is `Send` whatever the request holds (its params are
/// written before the future is made), so it can be spawned; the client itself is
/// `'static` and cheap to move into a task.
#[test]
fn call_futures_are_send() {
    fn send<T: Send>(_: &T) {}
    struct NotSync(std::rc::Rc<str>);
    impl RpcRequest for NotSync {
        type Response = serde_json::Value;
        const ACTION: &'static str = "RejectJoinPermissionAuthOrder";
        const VERSION: &'static str = "2018-12-30";
        fn write_params(&self, params: &mut Params) {
            params.insert("OrderId", &self.0);
        }
    }
    let client = linkwan::client(Credentials::new("id", "secret"), "cn-shanghai").unwrap();
    let future = client.call(&NotSync("123".into()));
    send(&future);
    drop(future);
    send(&client.call(&RejectJoinPermissionAuthOrder::default()));
}

#[cfg(feature = "emulator")]
mod emulator {
    use super::*;
    use linkwan::emulator::{Emulator, EmulatorBuilder, OrderState};
    use linkwan_runtime::test_util::{
        MockRequest, MockResponse, MockServer, MockServerBuilder, RecordedRequest,
    };

    #[test]
    fn test_util_types() {
        send_sync::<MockServer>();
        send_sync::<MockServerBuilder>();
        send_sync::<MockResponse>();
        send_sync::<MockRequest>();
        send_sync::<RecordedRequest>();
        send_sync::<Emulator>();
        send_sync::<OrderState>();
        // Its `configure` closure is `Send` but not required to be `Sync`.
        fn send<T: Send + 'static>() {}
        send::<EmulatorBuilder>();
        debug::<MockServer>();
        debug::<MockServerBuilder>();
        debug::<MockResponse>();
        debug::<MockRequest>();
        debug::<RecordedRequest>();
        debug::<Emulator>();
        debug::<EmulatorBuilder>();
        default::<MockServerBuilder>();
        default::<EmulatorBuilder>();
        eq_hash::<OrderState>();
    }

    /// The futures that start a mock server or an emulator are `Send`, so a test (or a
    /// harness) can start one inside `tokio::spawn` or a multi-threaded `block_on`.
    /// (Made, not polled: no runtime is needed to check their type.)
    #[test]
    fn start_futures_are_send() {
        fn send<T: Send>(_: &T) {}
        let start = MockServer::builder().start();
        send(&start);
        drop(start);
        let start_on = MockServer::builder().start_on(([127, 0, 0, 1], 0).into());
        send(&start_on);
        drop(start_on);
        let start = Emulator::start();
        send(&start);
        drop(start);
        let configured = Emulator::builder()
            .configure(|b| b.max_clock_skew(std::time::Duration::from_secs(60)))
            .start();
        send(&configured);
        drop(configured);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn call_can_be_spawned() {
        let emulator = Emulator::start().await.unwrap();
        let client = Client::builder()
            .endpoint(emulator.endpoint())
            .credentials(emulator.credentials())
            .build()
            .unwrap();
        let task = tokio::spawn(async move {
            client
                .call(&RejectJoinPermissionAuthOrder {
                    order_id: "123".into(),
                })
                .await
        });
        let resp = task.await.unwrap().unwrap();
        assert!(resp.success);
        assert_eq!(emulator.order_state("123"), Some(OrderState::Rejected));
    }
}

/// The environment variables `Credentials::from_env` and `linkwan::client_from_env` read
/// are nameable from both crates, so that tools and tests need not spell them.
#[test]
fn environment_variable_names_are_exported() {
    assert_eq!(linkwan::ENV_ACCESS_KEY_ID, "ALIBABA_CLOUD_ACCESS_KEY_ID");
    assert_eq!(
        linkwan::ENV_ACCESS_KEY_SECRET,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
    );
    assert_eq!(linkwan::ENV_SECURITY_TOKEN, "ALIBABA_CLOUD_SECURITY_TOKEN");
    assert_eq!(linkwan::ENV_REGION_ID, "ALIBABA_CLOUD_REGION_ID");
    assert_eq!(
        linkwan_runtime::ENV_ACCESS_KEY_ID,
        linkwan::ENV_ACCESS_KEY_ID
    );
    let creds = Credentials::from_lookup(|name| match name {
        n if n == linkwan::ENV_ACCESS_KEY_ID => Some("id".into()),
        n if n == linkwan::ENV_ACCESS_KEY_SECRET => Some("secret".into()),
        _ => None,
    })
    .unwrap();
    assert_eq!(creds.access_key_id(), "id");
}
