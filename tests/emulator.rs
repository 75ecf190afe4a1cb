//! The LinkWAN client against the emulator: the order state machine, over real signed
//! HTTP on loopback.
#![cfg(feature = "emulator")]

use linkwan::emulator::{Emulator, OrderState, SEED_ORDER_ID};
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

/// Clients racing to move the same pending order, on a multi-threaded runtime: exactly
/// one transition wins, every other call is refused with `IllegalOrderStateTransition`
/// (HTTP 400, the seed page's message), and the order ends in the winner's state.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_transitions_on_one_order_have_exactly_one_winner() {
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Move {
        Reject,
        Accept,
        Cancel,
    }
    const ROUNDS: usize = 8;
    const RACERS: usize = 6;
    let emulator = Emulator::start().await.unwrap();
    // Separate clients, so that the calls travel on separate connections.
    let clients: Vec<Client> = (0..RACERS)
        .map(|_| {
            emulator
                .client_builder()
                .retry_policy(RetryPolicy::disabled())
                .build()
                .unwrap()
        })
        .collect();
    for round in 0..ROUNDS {
        let id = format!("race-{round}");
        emulator.insert_order(&id, OrderState::Pending);
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(RACERS));
        let tasks: Vec<_> = clients
            .iter()
            .enumerate()
            .map(|(i, client)| {
                let (client, barrier, order_id) = (client.clone(), barrier.clone(), id.clone());
                let how = [Move::Reject, Move::Accept, Move::Cancel][(i + round) % 3];
                tokio::spawn(async move {
                    barrier.wait().await;
                    let result = match how {
                        Move::Reject => client
                            .call(&RejectJoinPermissionAuthOrder { order_id })
                            .await
                            .map(|r| r.success),
                        Move::Accept => client
                            .call(&AcceptJoinPermissionAuthOrder { order_id })
                            .await
                            .map(|r| r.success),
                        Move::Cancel => client
                            .call(&CancelJoinPermissionAuthOrder { order_id })
                            .await
                            .map(|r| r.success),
                    };
                    (how, result)
                })
            })
            .collect();
        let mut winners = Vec::new();
        for task in tasks {
            match task.await.unwrap() {
                (how, Ok(success)) => {
                    assert!(success);
                    winners.push(how);
                }
                (how, Err(err)) => {
                    assert_eq!(
                        err.code(),
                        Some(&ErrorCode::IllegalOrderStateTransition),
                        "{how:?}: {err}"
                    );
                    let service = err.as_service().unwrap();
                    assert_eq!(service.status, 400);
                    assert_eq!(service.message, "The order status conversion is invalid.");
                }
            }
        }
        assert_eq!(winners.len(), 1, "round {round}: {winners:?}");
        let expected = match winners[0] {
            Move::Reject => OrderState::Rejected,
            Move::Accept => OrderState::Accepted,
            Move::Cancel => OrderState::Cancelled,
        };
        assert_eq!(emulator.order_state(&id), Some(expected), "round {round}");
    }
    assert_eq!(emulator.server().request_count(), ROUNDS * RACERS);
}

/// Concurrent submits get distinct IDs, each a pending order visible at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_submits_get_distinct_pending_orders() {
    const CLIENTS: usize = 4;
    const EACH: usize = 8;
    let emulator = Emulator::start().await.unwrap();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let client = emulator.client().unwrap();
            tokio::spawn(async move {
                let mut ids = Vec::new();
                for _ in 0..EACH {
                    let resp = client
                        .call(&SubmitJoinPermissionAuthOrder {
                            join_permission_id: "jp-1".into(),
                            renter_aliyun_id: "1234567890".into(),
                        })
                        .await
                        .unwrap();
                    assert!(resp.success);
                    ids.push(resp.data);
                }
                ids
            })
        })
        .collect();
    let mut all = std::collections::BTreeSet::new();
    for task in tasks {
        for id in task.await.unwrap() {
            assert!(all.insert(id), "order {id} handed out twice");
            assert_eq!(
                emulator.order_state(&id.to_string()),
                Some(OrderState::Pending)
            );
        }
    }
    assert_eq!(all.len(), CLIENTS * EACH);
    assert_eq!(
        emulator.order_state(SEED_ORDER_ID),
        Some(OrderState::Pending)
    );
}

/// A submitted order never takes the ID of an order the emulator already holds (seeded
/// with `order`, or added with `insert_order`), and so never overwrites it.
#[tokio::test]
async fn submit_never_reuses_an_existing_order_id() {
    let emulator = Emulator::builder()
        .order("1000", OrderState::Accepted)
        .start()
        .await
        .unwrap();
    emulator.insert_order("1001", OrderState::Rejected);
    let client = emulator.client().unwrap();
    let submit = SubmitJoinPermissionAuthOrder {
        join_permission_id: "jp-1".into(),
        renter_aliyun_id: "1234567890".into(),
    };
    let first = client.call(&submit).await.unwrap().data;
    let second = client.call(&submit).await.unwrap().data;
    assert_ne!(first, second);
    for id in [first, second] {
        assert!(id != 1000 && id != 1001, "submit reused order {id}");
        assert_eq!(
            emulator.order_state(&id.to_string()),
            Some(OrderState::Pending)
        );
    }
    assert_eq!(emulator.order_state("1000"), Some(OrderState::Accepted));
    assert_eq!(emulator.order_state("1001"), Some(OrderState::Rejected));
}

/// The seed page's error table (HTTP status, code, message), each answered in the
/// platform's error body (`RequestId`, `HostId`, `Code`, `Message`, `Recommend`): the
/// caller gets the named `ErrorCode`, the status, the message and the RequestId, after
/// exactly one request (none of them is retried for `RejectJoinPermissionAuthOrder`), and
/// the order does not move.
#[tokio::test]
async fn the_seed_pages_error_codes_reach_the_caller_as_named_codes() {
    const SEED_ERRORS: [(u16, &str, &str, ErrorCode); 8] = [
        (400, "ForbiddenByRam", "User not authorized to operate on the specified resource, or this API does not support RAM.", ErrorCode::ForbiddenByRam),
        (400, "ForbiddenByRiskControl", "This operation cannot be performed because of security risks.", ErrorCode::ForbiddenByRiskControl),
        (400, "NonExistent", "The specified resource does not exist.", ErrorCode::NonExistent),
        (400, "CloudProductNotActivated", "The Link WAN service has not been activated.", ErrorCode::CloudProductNotActivated),
        (400, "InternalError", "The request processing has failed due to some unknown error, exception or failure.", ErrorCode::InternalError),
        (400, "FeatureNotActivated", "The feature has not been activated.", ErrorCode::FeatureNotActivated),
        (400, "NotResourceOwner", "You are not authorized to use this resource.", ErrorCode::NotResourceOwner),
        (400, "IllegalOrderStateTransition", "The order status conversion is invalid.", ErrorCode::IllegalOrderStateTransition),
    ];
    for (status, code, message, named) in SEED_ERRORS {
        let emulator = Emulator::builder()
            .configure(move |server| {
                server.handler("RejectJoinPermissionAuthOrder", move |_req| {
                    linkwan_runtime::test_util::MockResponse::error(status, code, message)
                })
            })
            .start()
            .await
            .unwrap();
        let err = emulator
            .client()
            .unwrap()
            .call(&reject(SEED_ORDER_ID))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some(&named), "{code}: {err}");
        let service = err.as_service().unwrap();
        assert_eq!(service.status, status, "{code}");
        assert_eq!(service.message, message, "{code}");
        assert_eq!(service.code.as_str(), code);
        let request_id = service.request_id.as_deref().expect("RequestId");
        assert_eq!(
            err.to_string(),
            format!("{code}: {message} (RequestId: {request_id})")
        );
        assert!(
            service.host_id.is_some() && service.recommend.is_some(),
            "{code}"
        );
        assert_eq!(emulator.server().request_count(), 1, "{code} was retried");
        assert_eq!(
            emulator.order_state(SEED_ORDER_ID),
            Some(OrderState::Pending)
        );
    }
}
