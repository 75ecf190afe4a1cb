//! The LinkWAN client against the emulator: the order state machine, over real signed
//! HTTP on loopback.
#![cfg(feature = "emulator")]

use linkwan::emulator::{Emulator, OrderState};
use linkwan::{
    AcceptJoinPermissionAuthOrder, CancelJoinPermissionAuthOrder, Client, Credentials, ErrorCode,
    RejectJoinPermissionAuthOrder, RetryPolicy, SubmitJoinPermissionAuthOrder,
};

fn client(emulator: &Emulator) -> Client {
    Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(emulator.credentials())
        .region_id(linkwan::DEFAULT_REGION)
        .build()
        .unwrap()
}

fn reject(id: &str) -> RejectJoinPermissionAuthOrder {
    RejectJoinPermissionAuthOrder {
        order_id: id.into(),
    }
}

#[tokio::test]
async fn pending_orders_move_once_and_only_once() {
    let emulator = Emulator::builder()
        .order("a", OrderState::Pending)
        .order("c", OrderState::Pending)
        .start()
        .await
        .unwrap();
    let client = client(&emulator);

    let resp = client.call(&reject("123")).await.unwrap();
    assert!(resp.success);
    assert_eq!(resp.request_id.len(), 36);
    assert_eq!(emulator.order_state("123"), Some(OrderState::Rejected));

    let accepted = client
        .call(&AcceptJoinPermissionAuthOrder {
            order_id: "a".into(),
        })
        .await
        .unwrap();
    assert!(accepted.success);
    assert_eq!(emulator.order_state("a"), Some(OrderState::Accepted));

    let cancelled = client
        .call(&CancelJoinPermissionAuthOrder {
            order_id: "c".into(),
        })
        .await
        .unwrap();
    assert!(cancelled.success);
    assert_eq!(emulator.order_state("c"), Some(OrderState::Cancelled));

    for id in ["123", "a", "c"] {
        let err = client.call(&reject(id)).await.unwrap_err();
        assert_eq!(
            err.code(),
            Some(&ErrorCode::IllegalOrderStateTransition),
            "{err}"
        );
        let service = err.as_service().unwrap();
        assert_eq!(service.status, 400);
        assert!(service.request_id.is_some());
    }
    assert_eq!(emulator.order_state("a"), Some(OrderState::Accepted));
}

/// Every transition leaves only `Pending`: accepting or cancelling an order that was
/// already accepted, rejected or cancelled is refused as rejecting one is, and moves
/// nothing.
#[tokio::test]
async fn accept_and_cancel_also_leave_only_pending() {
    let emulator = Emulator::builder()
        .order("acc", OrderState::Accepted)
        .order("rej", OrderState::Rejected)
        .order("can", OrderState::Cancelled)
        .start()
        .await
        .unwrap();
    let client = client(&emulator);
    for (id, state) in [
        ("acc", OrderState::Accepted),
        ("rej", OrderState::Rejected),
        ("can", OrderState::Cancelled),
    ] {
        let order_id = id.to_owned();
        let accept = client
            .call(&AcceptJoinPermissionAuthOrder {
                order_id: order_id.clone(),
            })
            .await
            .unwrap_err();
        let cancel = client
            .call(&CancelJoinPermissionAuthOrder { order_id })
            .await
            .unwrap_err();
        for err in [accept, cancel] {
            assert_eq!(
                err.code(),
                Some(&ErrorCode::IllegalOrderStateTransition),
                "{id}: {err}"
            );
        }
        assert_eq!(emulator.order_state(id), Some(state), "{id}");
    }
}

#[tokio::test]
async fn unknown_and_missing_orders() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let err = client.call(&reject("nope")).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::NonExistent));
    assert_eq!(
        err.to_string(),
        format!(
            "NonExistent: The specified resource does not exist. (RequestId: {})",
            err.request_id().unwrap()
        )
    );
    let err = client.call(&reject("")).await.unwrap_err();
    let code = err.code().unwrap();
    assert_eq!(code.as_str(), "MissingOrderId");
    assert!(code.as_str().starts_with("Missing"));
    // Nothing is retried: these are final answers.
    assert_eq!(emulator.server().request_count(), 2);
}

#[tokio::test]
async fn submitted_orders_get_ids_sent_as_strings() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let submitted = client
        .call(&SubmitJoinPermissionAuthOrder {
            join_permission_id: "jp-1".into(),
            renter_aliyun_id: "1234567890".into(),
        })
        .await
        .unwrap();
    assert!(submitted.success);
    let id = submitted.data.to_string();
    assert_eq!(emulator.order_state(&id), Some(OrderState::Pending));
    client.call(&reject(&id)).await.unwrap();
    assert_eq!(emulator.order_state(&id), Some(OrderState::Rejected));
}

#[tokio::test]
async fn region_and_common_params_are_sent() {
    let emulator = Emulator::start().await.unwrap();
    client(&emulator).call(&reject("123")).await.unwrap();
    let sent = &emulator.server().requests()[0];
    assert_eq!(sent.method, "POST");
    for (k, v) in [
        ("Action", "RejectJoinPermissionAuthOrder"),
        ("Version", "2018-12-30"),
        ("Format", "JSON"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("RegionId", "cn-shanghai"),
        ("OrderId", "123"),
    ] {
        assert_eq!(sent.param(k), Some(v), "{k}");
    }
    assert!(sent.verified.is_ok());
}

#[tokio::test]
async fn sts_credentials_are_checked() {
    let creds = Credentials::new("sts-id", "sts-secret").with_security_token("CAIS/token+=");
    let emulator = Emulator::builder()
        .credentials(creds.clone())
        .start()
        .await
        .unwrap();
    let ok = Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(creds)
        .build()
        .unwrap();
    ok.call(&reject("123")).await.unwrap();
    assert_eq!(
        emulator.server().requests()[0].param("SecurityToken"),
        Some("CAIS/token+=")
    );

    let without_token = Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(Credentials::new("sts-id", "sts-secret"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = without_token.call(&reject("123")).await.unwrap_err();
    assert_eq!(
        err.code().unwrap().as_str(),
        "InvalidSecurityToken.MismatchWithAccessKey"
    );
}

/// `Emulator::client_builder` and `client` point a client at the emulator with its
/// credentials and LinkWAN's default region, as `linkwan::client_builder` does.
#[tokio::test]
async fn the_emulators_own_client() {
    let emulator = Emulator::builder()
        .order("9", OrderState::Pending)
        .start()
        .await
        .unwrap();
    let client = emulator.client().unwrap();
    assert_eq!(client.endpoint(), emulator.endpoint());
    assert_eq!(client.credentials(), &emulator.credentials());
    client.call(&reject("123")).await.unwrap();
    let configured = emulator
        .client_builder()
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    configured.call(&reject("9")).await.unwrap();
    assert_eq!(emulator.order_state("9"), Some(OrderState::Rejected));
    for sent in emulator.server().requests() {
        assert_eq!(sent.param("RegionId"), Some(linkwan::DEFAULT_REGION));
        assert!(sent.verified.is_ok());
    }
    assert_eq!(emulator.server().requests().len(), 2);
}
